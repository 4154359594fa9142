import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BinaryNotFoundError } from "../../env/index.js";
import { Code, isVtError } from "../../vterrors/index.js";
import { DataDirNotEmptyError } from "./errors.js";
import { newMycnf, renderMycnf } from "./mycnf.js";
import { Mysqld, resolveMycnf } from "./mysqld.js";

const root = mkdtempSync(join(tmpdir(), "mysqld-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("Mysqld without a running server", () => {
  it("refuses to init over a non-empty data directory and leaves it alone", async () => {
    const cnf = newMycnf({ vtDataRoot: root, uid: 1, port: 17001 });
    mkdirSync(cnf.dataDir, { recursive: true });
    writeFileSync(join(cnf.dataDir, "ibdata1"), "precious");
    const init = new Mysqld(cnf).init({ waitTimeMs: 1000 });
    await expect(init).rejects.toBeInstanceOf(DataDirNotEmptyError);
    expect(isVtError(await init.catch((err: unknown) => err), Code.FAILED_PRECONDITION)).toBe(true);
    await expect(init).rejects.toThrow(
      `data directory ${cnf.dataDir} already exists and is not empty; run teardown first to start over`,
    );
    expect(existsSync(cnf.path)).toBe(false);
    expect(existsSync(join(cnf.dataDir, "ibdata1"))).toBe(true);
  });

  it("fails init before creating anything when mariadbd is missing, naming the package", async () => {
    const cnf = newMycnf({ vtDataRoot: root, uid: 2, port: 17002 });
    const mysqld = new Mysqld(cnf, { mysqlRoot: join(root, "no-such-install") });
    const init = mysqld.init({ waitTimeMs: 1000 });
    await expect(init).rejects.toBeInstanceOf(BinaryNotFoundError);
    await expect(init).rejects.toThrow(/mariadbd or mysqld not found.*apt-get install mariadb-server-core/);
    expect(existsSync(cnf.tabletDir)).toBe(false);
  });

  it("refuses a socket path too long for a unix socket", async () => {
    const cnf = newMycnf({ vtDataRoot: root, uid: 9, port: 17009, socketFile: join(root, "s".repeat(120)) });
    await expect(new Mysqld(cnf).init()).rejects.toThrow(/longer than 107 bytes.*--mysql-socket/);
    expect(existsSync(cnf.tabletDir)).toBe(false);
  });

  it("takes the install root from VT_MYSQL_ROOT", async () => {
    const cnf = newMycnf({ vtDataRoot: root, uid: 3, port: 17003 });
    const env = { VT_MYSQL_ROOT: join(root, "env-root"), PATH: "" };
    await expect(new Mysqld(cnf, { env }).init()).rejects.toThrow(join(root, "env-root", "sbin"));
  });

  it("refuses to start an instance that was never initialized", async () => {
    const cnf = newMycnf({ vtDataRoot: root, uid: 4, port: 17004 });
    await expect(new Mysqld(cnf).start({ waitTimeMs: 1000 })).rejects.toThrow(
      /my\.cnf does not exist: run init first/,
    );
  });

  it("shuts down idempotently: no pid file, or a pid file naming another program", async () => {
    const cnf = newMycnf({ vtDataRoot: root, uid: 5, port: 17005 });
    const mysqld = new Mysqld(cnf);
    await mysqld.shutdown({ waitTimeMs: 1000 });
    mkdirSync(cnf.tabletDir, { recursive: true });
    writeFileSync(cnf.pidFile, `${process.pid}\n`);
    expect(mysqld.runningPid()).toBeUndefined();
    await mysqld.shutdown({ waitTimeMs: 1000 });
  });

  it("teardown removes the tablet directory", async () => {
    const cnf = newMycnf({ vtDataRoot: root, uid: 6, port: 17006 });
    mkdirSync(cnf.dataDir, { recursive: true });
    writeFileSync(cnf.path, renderMycnf(cnf));
    await new Mysqld(cnf).teardown({ waitTimeMs: 1000 });
    expect(existsSync(cnf.tabletDir)).toBe(false);
  });
});

describe("resolveMycnf", () => {
  it("prefers the my.cnf written at init over the flags", () => {
    const written = newMycnf({ vtDataRoot: root, uid: 7, port: 17007, socketFile: join(root, "seven.sock") });
    mkdirSync(written.tabletDir, { recursive: true });
    writeFileSync(written.path, renderMycnf(written));
    expect(resolveMycnf({ vtDataRoot: root, uid: 7, port: 3306 })).toEqual(written);
  });

  it("falls back to the standard layout when there is no my.cnf", () => {
    expect(resolveMycnf({ vtDataRoot: root, uid: 8, port: 3306 })).toEqual(
      newMycnf({ vtDataRoot: root, uid: 8, port: 3306 }),
    );
  });
});
