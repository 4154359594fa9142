import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BinaryNotFoundError, binarySearchDirs, findBinary } from "./binaries.js";

const dir = mkdtempSync(join(tmpdir(), "binaries-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function executable(path: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, 0o755);
  return path;
}

describe("findBinary", () => {
  it("searches only <root>/sbin and <root>/bin when a root is given", () => {
    const root = join(dir, "root1");
    const path = executable(join(root, "bin", "fake-mysqld"));
    expect(findBinary({ names: ["fake-mysqld"], debianPackage: "p", root, env: { PATH: "" } })).toBe(path);
    expect(binarySearchDirs({ root, env: { PATH: "/usr/bin" } })).toEqual([
      join(root, "sbin"),
      join(root, "bin"),
    ]);
  });

  it("takes the root from the named environment variable", () => {
    const root = join(dir, "root2");
    const path = executable(join(root, "sbin", "fake-mysqld"));
    const env = { VT_FAKE_ROOT: root, PATH: "" };
    expect(findBinary({ names: ["fake-mysqld"], debianPackage: "p", rootEnv: "VT_FAKE_ROOT", env })).toBe(
      path,
    );
  });

  it("searches PATH, then the extra and system directories, preferring earlier names", () => {
    const onPath = join(dir, "path");
    executable(join(onPath, "second-choice"));
    const extra = join(dir, "extra");
    const first = executable(join(extra, "first-choice"));
    const search = { names: ["first-choice", "second-choice"], debianPackage: "p", extraDirs: [extra] };
    expect(findBinary({ ...search, env: { PATH: onPath } })).toBe(first);
    expect(binarySearchDirs({ extraDirs: [extra], env: { PATH: onPath } }).slice(0, 2)).toEqual([
      onPath,
      extra,
    ]);
    expect(binarySearchDirs({ env: { PATH: "" } })).toContain("/usr/sbin");
  });

  it("ignores files that are not executable", () => {
    const root = join(dir, "plain-root");
    mkdirSync(join(root, "bin"), { recursive: true });
    writeFileSync(join(root, "bin", "not-exec-xyz"), "");
    expect(() => findBinary({ names: ["not-exec-xyz"], debianPackage: "p", root })).toThrow(
      BinaryNotFoundError,
    );
  });

  it("names the binary, where it looked and the Debian package to install", () => {
    const root = join(dir, "empty-root");
    let error: unknown;
    try {
      findBinary({ names: ["mariadbd", "mysqld"], debianPackage: "mariadb-server-core", root });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BinaryNotFoundError);
    const message = (error as Error).message;
    expect(message).toContain("mariadbd or mysqld not found");
    expect(message).toContain(join(root, "sbin"));
    expect(message).toContain("apt-get install mariadb-server-core");
    expect((error as BinaryNotFoundError).debianPackage).toBe("mariadb-server-core");
  });
});
