/** The server against the real `mariadb` command-line client (libmariadb), with static auth. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthServerStatic } from "./auth-server-static.js";
import { CannedHandler, field, okResult, resultOf, Type } from "./testing/canned-handler.js";
import { startTestServer, type TestServer } from "./testing/test-server.js";

const handler = new CannedHandler();
let ts: TestServer;
let dir: string;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the client against the test server; `input` goes to its stdin (batch mode). */
function mariadb(args: string[], input = ""): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      "mariadb",
      ["--no-defaults", "-h", "127.0.0.1", "-P", String(ts.port), ...args],
      { timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

function lastLine(text: string): string {
  return text.trim().split("\n").pop() ?? "";
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mysql-server-cli-"));
  const users = join(dir, "users.json");
  writeFileSync(
    users,
    JSON.stringify({
      app: [{ Password: "s3cret", UserData: "app-user", Groups: ["apps"], Keyspaces: ["commerce"] }],
      nopass: [{ Password: "", UserData: "nopass" }],
    }),
  );
  handler
    .on(
      "select * from customer",
      resultOf(
        [field("customer_id", Type.INT64), field("email", Type.VARCHAR), field("note", Type.TEXT)],
        [
          [1, "alice@domain.com", null],
          [2, "bob@domain.com", "vip"],
        ],
      ),
    )
    .on("select database()", async ({ conn }) =>
      resultOf([field("database()", Type.VARCHAR)], [[conn.schema || null]]),
    )
    .on("select current_user()", async ({ conn }) =>
      resultOf(
        [field("user", Type.VARCHAR), field("data", Type.VARCHAR), field("keyspaces", Type.VARCHAR)],
        [[conn.user.user, conn.user.userData, (conn.user.keyspaces ?? []).join(",")]],
      ),
    )
    .on("insert into corder values (1)", okResult(1, "5"))
    .on("select 1", resultOf([field("1", Type.INT64)], [[1]]));
  handler.databases.add("commerce");
  ts = await startTestServer(handler, { authServer: AuthServerStatic.fromFile(users) });
});

afterAll(async () => {
  await ts.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("mariadb CLI", () => {
  it("prints a result as a table", async () => {
    const r = await mariadb(["-u", "app", "-ps3cret", "--table", "-e", "select * from customer"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "+-------------+------------------+------+",
        "| customer_id | email            | note |",
        "+-------------+------------------+------+",
        "|           1 | alice@domain.com | NULL |",
        "|           2 | bob@domain.com   | vip  |",
        "+-------------+------------------+------+",
        "",
      ].join("\n"),
    );
  });

  it("runs several statements, USE (COM_INIT_DB) and -D, and exposes the user data", async () => {
    const r = await mariadb([
      "-u",
      "app",
      "-ps3cret",
      "--batch",
      "-e",
      "select database(); use commerce; select database(); insert into corder values (1); select current_user()",
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      "database()\nNULL\ndatabase()\ncommerce\nuser\tdata\tkeyspaces\napp\tapp-user\tcommerce\n",
    );
    const withDb = await mariadb([
      "-u",
      "app",
      "-ps3cret",
      "-D",
      "commerce",
      "--batch",
      "-e",
      "select database()",
    ]);
    expect(withDb.stdout).toBe("database()\ncommerce\n");
  });

  it("reports errors with errno and SQLSTATE like MySQL", async () => {
    const r = await mariadb(["-u", "app", "-ps3cret", "-e", "select * from nope"]);
    expect(r.code).toBe(1);
    // The client echoes the failed statement between dashes before the error when not on a terminal.
    expect(lastLine(r.stderr)).toBe("ERROR 1146 (42S02) at line 1: Table 'vt_test.nope' doesn't exist");
    const bad = await mariadb(["-u", "app", "-ps3cret", "-e", "use nowhere"]);
    expect(lastLine(bad.stderr)).toBe("ERROR 1049 (42000) at line 1: Unknown database 'nowhere'");
    const force = await mariadb(
      ["-u", "app", "-ps3cret", "--force", "--batch"],
      "select * from nope;\nselect 1;\n",
    );
    expect(force.stdout).toBe("1\n1\n");
  });

  it("refuses a wrong password with ERROR 1045 (28000)", async () => {
    const r = await mariadb(["-u", "app", "-pwrong", "-e", "select 1"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "ERROR 1045 (28000): Access denied for user 'app'@'127.0.0.1' (using password: YES)",
    );
    const noPassword = await mariadb(["-u", "app", "-e", "select 1"]);
    expect(noPassword.stderr.trim()).toBe(
      "ERROR 1045 (28000): Access denied for user 'app'@'127.0.0.1' (using password: NO)",
    );
    const unknown = await mariadb(["-u", "mallory", "-ps3cret", "-e", "select 1"]);
    expect(unknown.stderr.trim()).toContain("ERROR 1045 (28000): Access denied for user 'mallory'");
    const empty = await mariadb(["-u", "nopass", "--batch", "-e", "select 1"]);
    expect(empty.stdout).toBe("1\n1\n");
  });
});
