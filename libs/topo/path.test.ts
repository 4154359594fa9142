import { describe, expect, it } from "vitest";
import { isTopoError, TopoErrorCode } from "./errors.js";
import { normalizeDirPath, normalizeFilePath, normalizeRoot } from "./path.js";
import { keyspacePath, shardPath, tabletPath } from "./paths.js";

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isTopoError(err, TopoErrorCode.InvalidPath)).toBe(true);
    return (err as Error).message;
  }
  throw new Error("expected InvalidPath");
}

describe("topo paths", () => {
  it("drops a leading slash and keeps the rest", () => {
    expect(normalizeFilePath("/keyspaces/ks/Keyspace")).toBe("keyspaces/ks/Keyspace");
    expect(normalizeDirPath("/")).toBe("");
    expect(normalizeRoot("/vitess/global/")).toBe("/vitess/global");
    expect(normalizeRoot("/")).toBe("");
  });

  it("refuses paths that could escape or alias, naming them", () => {
    expect(invalid(() => normalizeFilePath("a/../../etc"))).toContain('"a/../../etc"');
    expect(invalid(() => normalizeFilePath("a//b"))).toContain("empty path segment");
    expect(invalid(() => normalizeDirPath("a/"))).toContain('"a/"');
    expect(invalid(() => normalizeRoot("vitess"))).toContain("must start with /");
  });

  it("builds record paths as in Vitess and refuses names that are not one segment", () => {
    expect(keyspacePath("commerce")).toBe("keyspaces/commerce/Keyspace");
    expect(shardPath("customer", "-80")).toBe("keyspaces/customer/shards/-80/Shard");
    expect(tabletPath({ cell: "zone1", uid: 100 })).toBe("tablets/zone1-0000000100/Tablet");
    expect(invalid(() => keyspacePath("a/b"))).toContain('keyspace "a/b"');
    expect(invalid(() => shardPath("ks", ".."))).toContain('shard ".."');
  });
});
