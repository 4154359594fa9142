import { defineFlags, FlagError, flagUsage, HelpRequested, parseFlags } from "../../libs/flags/index.js";
import { topoFlags } from "../../libs/topo/index.js";
import { errorMessage } from "../../libs/vterrors/index.js";
import { type ClientHandle, INTERNAL_SERVER, openGrpcClient, openInternalClient } from "./client.js";
import { COMMANDS, findCommand } from "./commands/index.js";
import type { CommandIO } from "./framework.js";

const globalFlags = defineFlags({
  server: {
    type: "string",
    default: "",
    help: `server to use for the connection (required); "${INTERNAL_SERVER}" runs the vtctld logic in-process against the topo flags`,
  },
  "action-timeout": { type: "duration", default: 3_600_000, help: "timeout to use for the command" },
  ...topoFlags,
});

const globalUsage = flagUsage(globalFlags);

function rootUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    "Executes a cluster management command on the remote vtctld server.",
    "",
    "Usage:",
    "  vtctldclient [flags] <command> [command flags] [args]",
    "",
    "Available Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.short}`),
    `  ${"help".padEnd(width)}Help about any command`,
    "",
    "Flags:",
    globalUsage,
    "  -h, --help  help for vtctldclient",
    "",
    'Use "vtctldclient <command> --help" for more information about a command.',
  ].join("\n");
}

const out = (text: string): void => void process.stdout.write(`${text}\n`);
const err = (text: string): void => void process.stderr.write(`${text}\n`);

/** Prints help or usage on stdout: exit 0. */
function shown(text: string): number {
  out(text);
  return 0;
}

/** A bad command line: the problem and the usage on stderr, exit 2. */
function badUsage(text: string): number {
  err(text);
  return 2;
}

/** Runs one command line; returns the exit code: 0 ok, 1 the command failed, 2 a bad command line. */
async function main(argv: string[]): Promise<number> {
  let root: ReturnType<typeof parseFlags<typeof globalFlags>>;
  try {
    root = parseFlags(globalFlags, argv, { stopAtFirstPositional: true });
  } catch (e) {
    if (e instanceof HelpRequested) return shown(rootUsage());
    if (e instanceof FlagError) return badUsage(`vtctldclient: ${e.message}\n${rootUsage()}`);
    throw e;
  }
  const [name, ...rest] = root.positionals;
  if (name === undefined) return shown(rootUsage());
  if (name === "help") {
    const target = rest[0] === undefined ? undefined : findCommand(rest[0]);
    if (rest[0] !== undefined && !target)
      return badUsage(`vtctldclient: unknown command "${rest[0]}"\n${rootUsage()}`);
    return shown(target ? target.usage(globalUsage) : rootUsage());
  }
  const command = findCommand(name);
  if (!command) return badUsage(`vtctldclient: unknown command "${name}"\n${rootUsage()}`);

  let parsed: ReturnType<typeof command.parse<typeof globalFlags>>;
  try {
    parsed = command.parse(rest, globalFlags);
  } catch (e) {
    if (e instanceof HelpRequested) return shown(command.usage(globalUsage));
    if (e instanceof FlagError) return badUsage(`vtctldclient: ${e.message}\n${command.usage(globalUsage)}`);
    throw e;
  }
  const values = { ...root.values };
  for (const flag of parsed.globals.given)
    (values as Record<string, unknown>)[flag] = parsed.globals.values[flag];

  let handle: ClientHandle | undefined;
  const io: CommandIO = {
    async client() {
      if (!handle) {
        if (values.server === "") {
          throw new Error(
            "please specify --server <vtctld_host:vtctld_port> to specify the vtctld server to connect to",
          );
        }
        handle =
          values.server === INTERNAL_SERVER
            ? await openInternalClient(values, values["action-timeout"])
            : openGrpcClient(values.server, values["action-timeout"]);
      }
      return handle.client;
    },
    print: out,
    printErr: err,
  };
  try {
    await parsed.run(io);
    return 0;
  } catch (e) {
    if (e instanceof FlagError) return badUsage(`vtctldclient: ${e.message}\n${command.usage(globalUsage)}`);
    err(`vtctldclient: ${errorMessage(e)}`);
    return 1;
  } finally {
    await handle?.close();
  }
}

const code = await main(process.argv.slice(2)).catch((e: unknown) => {
  err(`vtctldclient: ${errorMessage(e)}`);
  return 1;
});
process.exitCode = code;
// Open handles (a gRPC channel winding down) must not keep a finished command alive.
setTimeout(() => process.exit(code), 2_000).unref();
