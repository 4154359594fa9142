import { describe, expect, it } from "vitest";
import { Code, isVtError } from "../vterrors/index.js";
import { createDefaultVindexRegistry } from "./default-registry.js";
import { newHashVindex } from "./hash.js";
import { VindexRegistry } from "./registry.js";

describe("VindexRegistry", () => {
  it("lists Vitess's vindex types explicitly", () => {
    expect(createDefaultVindexRegistry().types()).toEqual([
      "binary",
      "binary_md5",
      "consistent_lookup",
      "consistent_lookup_unique",
      "hash",
      "lookup",
      "lookup_hash",
      "lookup_hash_unique",
      "lookup_unique",
      "null",
      "numeric",
      "numeric_static_map",
      "reverse_bits",
      "unicode_loose_md5",
      "unicode_loose_xxhash",
      "xxhash",
    ]);
  });

  it("refuses a duplicate registration", () => {
    const registry = new VindexRegistry().register("hash", newHashVindex);
    expect(() => registry.register("hash", newHashVindex)).toThrow(
      'vindex type "hash" is already registered',
    );
  });

  it("names an unknown type", () => {
    try {
      createDefaultVindexRegistry().create("hsh", "hash", {});
      expect.unreachable();
    } catch (err) {
      expect(isVtError(err, Code.INVALID_ARGUMENT)).toBe(true);
      expect((err as Error).message).toBe('vindex type "hsh" not found');
    }
  });

  it("names missing and malformed params", () => {
    const registry = createDefaultVindexRegistry();
    expect(() => registry.create("lookup", "email_idx", { from: "email", to: "ksid" })).toThrow(
      "vindex email_idx (lookup): missing required param 'table'",
    );
    expect(() =>
      registry.create("lookup_unique", "email_idx", { table: "t", from: "f", to: "k", autocommit: "yes" }),
    ).toThrow("vindex email_idx (lookup_unique): autocommit value must be 'true' or 'false': 'yes'");
    expect(() =>
      registry.create("lookup", "l", { table: "t", from: "f", to: "k", read_lock: "unknown" }),
    ).toThrow("invalid read_lock value: unknown");
    expect(() => registry.create("consistent_lookup", "l", { table: "a.b.c", from: "f", to: "k" })).toThrow(
      "invalid table param 'a.b.c'",
    );
  });

  it("accepts unknown params and lists them (Vitess warns)", () => {
    const registry = createDefaultVindexRegistry();
    expect(registry.create("xxhash", "x", { hello: "world" }).unknownParams).toEqual(["hello"]);
    expect(registry.create("hash", "h", {}).unknownParams).toEqual([]);
    expect(
      registry.create("lookup", "l", {
        table: "t",
        from: "f",
        to: "k",
        autocommit: "true",
        write_only: "false",
        ignore_nulls: "true",
        no_verify: "false",
        batch_lookup: "true",
        read_lock: "shared",
        multi_shard_autocommit: "false",
        extra: "1",
      }).unknownParams,
    ).toEqual(["extra"]);
  });
});
