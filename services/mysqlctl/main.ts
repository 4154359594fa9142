import { readFileSync } from "node:fs";
import { vtDataRoot } from "../../libs/env/index.js";
import { defineFlags, FlagError, flagUsage, parseFlags } from "../../libs/flags/index.js";
import { Mysqld, newMycnf, resolveMycnf } from "../../libs/mysql/mysqlctl/index.js";
import { createLogger, runProgram, servenvFlags, writePidFile } from "../../libs/servenv/index.js";
import { invalidArgument } from "../../libs/vterrors/index.js";

const flags = defineFlags({
  ...servenvFlags,
  "tablet-uid": {
    type: "int",
    default: 41983,
    help: "tablet uid: mysqld's server-id and its directory $VTDATAROOT/vt_<uid padded to 10>",
  },
  "mysql-port": { type: "int", default: 3306, help: "port mysqld listens on (127.0.0.1); used by init" },
  "mysql-socket": {
    type: "string",
    default: "",
    help: "path to the mysqld socket file; <tablet dir>/mysql.sock when empty; used by init",
  },
  "mysql-root": {
    type: "string",
    default: "",
    help: "MariaDB installation root holding sbin/ and bin/; $VT_MYSQL_ROOT, then PATH, when empty",
  },
  "wait-time": {
    type: "duration",
    default: 5 * 60_000,
    help: "how long to wait for mysqld to start or stop",
  },
  force: {
    type: "bool",
    default: false,
    help: "teardown: remove the tablet directory even if shutdown fails",
  },
});

const COMMANDS = {
  init: "creates the tablet directory and my.cnf, installs the data directory, starts mysqld",
  start: "starts mysqld from an existing tablet directory",
  shutdown: "stops mysqld and waits until it is gone",
  teardown: "shuts mysqld down and removes the tablet directory",
} as const;
type Command = keyof typeof COMMANDS;

function usage(): string {
  const commands = Object.entries(COMMANDS)
    .map(([name, help]) => `  ${name.padEnd(10)}${help}`)
    .join("\n");
  return [
    "Usage: mysqlctl [flags] <command>",
    "",
    "Manages the mysqld (MariaDB) of one tablet under $VTDATAROOT/vt_<tablet uid>.",
    "",
    "Commands:",
    commands,
    "",
    "Flags:",
    flagUsage(flags),
    "",
    "Environment:",
    "  VTDATAROOT     directory holding the tablet directories (required)",
    "  VT_MYSQL_ROOT  MariaDB installation root, when --mysql-root is not given",
    "  EXTRA_MY_CNF   colon-separated my.cnf fragments appended to my.cnf at init",
  ].join("\n");
}

function isCommand(name: string): name is Command {
  return Object.hasOwn(COMMANDS, name);
}

function readExtraMyCnf(env: NodeJS.ProcessEnv): string[] {
  const files = (env.EXTRA_MY_CNF ?? "").split(":").filter((file) => file !== "");
  return files.map((file) => {
    try {
      return readFileSync(file, "utf8");
    } catch (err) {
      throw invalidArgument(`cannot read EXTRA_MY_CNF file ${file}: ${(err as Error).message}`);
    }
  });
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(flags, argv);
  if (positionals.length === 0)
    throw new FlagError(`a command is required: ${Object.keys(COMMANDS).join(", ")}`);
  const [command, ...extra] = positionals as [string, ...string[]];
  if (!isCommand(command)) throw new FlagError(`unknown command "${command}"`);
  if (extra.length > 0) throw new FlagError(`unexpected arguments after ${command}: ${extra.join(" ")}`);

  const root = vtDataRoot();
  const logger = createLogger("mysqlctl", {
    logDir: values["log-dir"] || undefined,
    level: values["log-level"],
  });
  const removePidFile = values["pid-file"] ? writePidFile(values["pid-file"]) : undefined;
  try {
    const where = {
      vtDataRoot: root,
      uid: values["tablet-uid"],
      port: values["mysql-port"],
      socketFile: values["mysql-socket"] || undefined,
    };
    const cnf = command === "init" ? newMycnf(where) : resolveMycnf(where);
    const mysqld = new Mysqld(cnf, {
      mysqlRoot: values["mysql-root"] || undefined,
      extraMyCnf: command === "init" ? readExtraMyCnf(process.env) : [],
      logger,
    });
    const wait = { waitTimeMs: values["wait-time"] };
    switch (command) {
      case "init":
        await mysqld.init(wait);
        break;
      case "start":
        await mysqld.start(wait);
        break;
      case "shutdown":
        await mysqld.shutdown(wait);
        break;
      case "teardown":
        await mysqld.teardown({ ...wait, force: values.force });
        break;
    }
    return 0;
  } finally {
    removePidFile?.();
  }
}

await runProgram({ name: "mysqlctl", usage, main });
