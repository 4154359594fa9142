import { describe, expect, it } from "vitest";
import { Type } from "../proto/query.js";
import { Code, MysqlErrno, VtError } from "../vterrors/index.js";
import { createDefaultVindexRegistry } from "./default-registry.js";
import type { LookupExecutor, LookupRows, LookupStatementOptions } from "./lookup-executor.js";
import {
  type BindVariables,
  int64Value,
  NULL_VALUE,
  type SqlValue,
  varbinaryValue,
  varcharValue,
} from "./values.js";
import {
  type CursorSingleColumn,
  isCursorSingleColumn,
  isLookup,
  type Lookup,
  wantsOwnerInfo,
} from "./vindex.js";

interface Recorded {
  keyspace: string | undefined;
  sql: string;
  bindVars: BindVariables;
  options?: LookupStatementOptions;
}

/** Records statements; answers selects with `rows`, can be told to fail. */
class FakeExecutor implements LookupExecutor {
  queries: Recorded[] = [];
  fail: Error | undefined;
  failInsertOnce: Error | undefined;
  answers: LookupRows[] = [];
  ownerRows: LookupRows = { rows: [] };
  inTransactionAndIsDml = false;

  async execute(
    keyspace: string | undefined,
    sql: string,
    bindVars: BindVariables,
    options: LookupStatementOptions,
  ) {
    this.queries.push({ keyspace, sql, bindVars, options });
    if (this.fail) throw this.fail;
    if (sql.startsWith("insert") && this.failInsertOnce) {
      const err = this.failInsertOnce;
      this.failInsertOnce = undefined;
      throw err;
    }
    return sql.startsWith("select") ? (this.answers.shift() ?? { rows: [] }) : { rows: [] };
  }

  async executeKeyspaceId(keyspace: string, _ksid: Uint8Array, sql: string, bindVars: BindVariables) {
    this.queries.push({ keyspace, sql, bindVars });
    return this.ownerRows;
  }
}

const registry = createDefaultVindexRegistry();

function lookupVindex(type: string, params: Record<string, string> = {}): CursorSingleColumn & Lookup {
  const vindex = registry.create(type, type, { table: "t", from: "fromc", to: "toc", ...params });
  if (!isCursorSingleColumn(vindex) || !isLookup(vindex)) throw new Error(`${type} is not a lookup`);
  return vindex;
}

const bytes = (text: string) => Buffer.from(text);
const int64 = (n: number) => ({ type: Type.INT64, value: Buffer.from(String(n)), values: [] });
const varbinary = (text: string) => ({ type: Type.VARBINARY, value: Buffer.from(text), values: [] });

describe("lookup (Vitess's lookup_test.go)", () => {
  it("has Vitess's costs and uniqueness", () => {
    expect([lookupVindex("lookup").cost, lookupVindex("lookup").isUnique]).toEqual([20, false]);
    expect([lookupVindex("lookup_unique").cost, lookupVindex("lookup_unique").isUnique]).toEqual([10, true]);
    expect(lookupVindex("lookup").needsVCursor).toBe(true);
  });

  it("maps integers with one batched query", async () => {
    const vindex = lookupVindex("lookup");
    const executor = new FakeExecutor();
    executor.answers.push({
      rows: [
        [int64Value(1), varbinaryValue("1")],
        [int64Value(1), varbinaryValue("2")],
        [int64Value(2), varbinaryValue("3")],
      ],
    });
    const got = await vindex.map(executor, [int64Value(1), int64Value(2), int64Value(3)]);
    expect(got).toEqual([
      { kind: "keyspaceIds", ids: [bytes("1"), bytes("2")] },
      { kind: "keyspaceIds", ids: [bytes("3")] },
      { kind: "none" },
    ]);
    expect(executor.queries).toHaveLength(1);
    expect(executor.queries[0]!.sql).toBe("select fromc, toc from t where fromc in ::fromc");
    expect(executor.queries[0]!.bindVars.fromc!.type).toBe(Type.TUPLE);
    expect(executor.queries[0]!.bindVars.fromc!.values).toHaveLength(3);
    expect(executor.queries[0]!.options!.commitOrder).toBe("normal");
  });

  it("locks rows inside a DML transaction and queries text values one by one", async () => {
    const vindex = lookupVindex("lookup_unique");
    const executor = new FakeExecutor();
    executor.inTransactionAndIsDml = true;
    executor.answers.push({ rows: [[varcharValue("a"), varbinaryValue("k1")]] }, { rows: [] });
    const got = await vindex.map(executor, [varcharValue("a"), varcharValue("b")]);
    expect(got).toEqual([{ kind: "keyspaceId", id: bytes("k1") }, { kind: "none" }]);
    expect(executor.queries.map((q) => q.sql)).toEqual([
      "select fromc, toc from t where fromc in ::fromc for update",
      "select fromc, toc from t where fromc in ::fromc for update",
    ]);
  });

  it("refuses two rows for one value of a unique lookup", async () => {
    const vindex = lookupVindex("lookup_unique");
    const executor = new FakeExecutor();
    executor.answers.push({
      rows: [
        [int64Value(1), varbinaryValue("a")],
        [int64Value(1), varbinaryValue("b")],
      ],
    });
    await expect(vindex.map(executor, [int64Value(1)])).rejects.toThrow(
      "Lookup.Map: unexpected multiple results from vindex t: '1'",
    );
  });

  it("answers every shard when write_only, and verifies without queries", async () => {
    const vindex = lookupVindex("lookup", { write_only: "true" });
    const executor = new FakeExecutor();
    const got = await vindex.map(executor, [int64Value(1)]);
    expect(got[0]!.kind).toBe("keyRange");
    expect(await vindex.verify(executor, [int64Value(1)], [bytes("x")])).toEqual([true]);
    expect(executor.queries).toHaveLength(0);
  });

  it("verifies with one query per value", async () => {
    const vindex = lookupVindex("lookup");
    const executor = new FakeExecutor();
    executor.answers.push({ rows: [[int64Value(1)]] }, { rows: [] });
    expect(
      await vindex.verify(executor, [int64Value(1), int64Value(2)], [bytes("test1"), bytes("test2")]),
    ).toEqual([true, false]);
    expect(executor.queries.map((q) => [q.sql, q.bindVars])).toEqual([
      [
        "select fromc from t where fromc = :fromc and toc = :toc",
        { fromc: int64(1), toc: varbinary("test1") },
      ],
      [
        "select fromc from t where fromc = :fromc and toc = :toc",
        { fromc: int64(2), toc: varbinary("test2") },
      ],
    ]);
  });

  it("creates rows sorted, with insert ignore, and refuses NULL unless ignore_nulls", async () => {
    const vindex = lookupVindex("lookup");
    const executor = new FakeExecutor();
    await vindex.create(executor, [[int64Value(2)], [int64Value(1)]], [bytes("test2"), bytes("test1")], true);
    expect(executor.queries[0]).toMatchObject({
      sql: "insert ignore into t(fromc, toc) values(:fromc_0, :toc_0), (:fromc_1, :toc_1)",
      bindVars: {
        fromc_0: int64(1),
        toc_0: varbinary("test1"),
        fromc_1: int64(2),
        toc_1: varbinary("test2"),
      },
    });
    await expect(
      vindex.create(executor, [[int64Value(2)], [NULL_VALUE]], [bytes("a"), bytes("b")], false),
    ).rejects.toThrow("lookup.Create: input has null values: row: 1, col: 0");
    const ignoring = lookupVindex("lookup", { ignore_nulls: "true" });
    const executor2 = new FakeExecutor();
    await ignoring.create(executor2, [[int64Value(2)], [NULL_VALUE]], [bytes("a"), bytes("b")], false);
    expect(executor2.queries[0]!.sql).toBe("insert into t(fromc, toc) values(:fromc_0, :toc_0)");
  });

  it("upserts in autocommit mode and skips deletes", async () => {
    const vindex = registry.create("lookup", "lookup", {
      table: "ks.t",
      from: "from1,from2",
      to: "toc",
      autocommit: "true",
    });
    if (!isLookup(vindex)) throw new Error("not a lookup");
    const executor = new FakeExecutor();
    await vindex.create(
      executor,
      [
        [int64Value(1), int64Value(2)],
        [int64Value(3), int64Value(4)],
      ],
      [bytes("test1"), bytes("test2")],
      false,
    );
    expect(executor.queries[0]!.sql).toBe(
      "insert into ks.t(from1, from2, toc) values(:from1_0, :from2_0, :toc_0), (:from1_1, :from2_1, :toc_1) on duplicate key update from1=values(from1), from2=values(from2), toc=values(toc)",
    );
    expect(executor.queries[0]!.keyspace).toBe("ks");
    expect(executor.queries[0]!.options!.commitOrder).toBe("autocommit");
    await vindex.delete(executor, [[int64Value(1), int64Value(2)]], bytes("test1"));
    expect(executor.queries).toHaveLength(1);
  });

  it("deletes and updates", async () => {
    const vindex = lookupVindex("lookup");
    const executor = new FakeExecutor();
    await vindex.update(executor, [int64Value(1)], bytes("test"), [int64Value(2)]);
    expect(executor.queries.map((q) => q.sql)).toEqual([
      "delete from t where fromc = :fromc and toc = :toc",
      "insert into t(fromc, toc) values(:fromc_0, :toc_0)",
    ]);
    await expect(vindex.delete(executor, [[int64Value(1), int64Value(2)]], bytes("x"))).rejects.toThrow(
      "lookup.Delete: column vindex count does not match the columns in the lookup: 2 vs [fromc]",
    );
  });

  it("wraps executor errors with the operation, code kept", async () => {
    const vindex = lookupVindex("lookup");
    const executor = new FakeExecutor();
    executor.fail = new VtError(Code.UNAVAILABLE, "execute failed");
    await expect(vindex.map(executor, [int64Value(1)])).rejects.toMatchObject({
      code: Code.UNAVAILABLE,
      message: "lookup.Map: execute failed",
    });
  });

  it("lookup_hash stores the number whose hash is the keyspace id", async () => {
    const vindex = lookupVindex("lookup_hash_unique");
    const executor = new FakeExecutor();
    executor.answers.push({ rows: [[int64Value(10), { type: Type.UINT64, value: Buffer.from("1") }]] });
    const got = await vindex.map(executor, [int64Value(10)]);
    expect(got).toEqual([{ kind: "keyspaceId", id: new Uint8Array(Buffer.from("166b40b44aba4bd6", "hex")) }]);
    await vindex.create(executor, [[int64Value(10)]], [Buffer.from("166b40b44aba4bd6", "hex")], false);
    expect(executor.queries[1]!.bindVars.toc_0).toEqual({
      type: Type.UINT64,
      value: Buffer.from("1"),
      values: [],
    });
  });
});

describe("consistent_lookup_unique", () => {
  function consistent(): CursorSingleColumn & Lookup {
    const vindex = lookupVindex("consistent_lookup_unique");
    if (!wantsOwnerInfo(vindex)) throw new Error("consistent lookups want owner info");
    vindex.setOwnerInfo("user_ks", "user", ["email"]);
    return vindex;
  }

  const dup = () =>
    new VtError(Code.ALREADY_EXISTS, "Duplicate entry", {
      mysql: { errno: MysqlErrno.ER_DUP_ENTRY, sqlstate: "23000" },
    });

  it("inserts in the pre-commit session", async () => {
    const vindex = consistent();
    const executor = new FakeExecutor();
    await vindex.create(executor, [[varcharValue("a@x")]], [bytes("k1")], false);
    expect(executor.queries[0]).toMatchObject({
      sql: "insert into t(fromc, toc) values(:fromc_0, :toc_0)",
      options: { commitOrder: "pre" },
    });
  });

  it("takes over a leftover row whose owner is gone", async () => {
    const vindex = consistent();
    const executor = new FakeExecutor();
    executor.failInsertOnce = dup();
    executor.answers.push({ rows: [[varbinaryValue("old")]] });
    await vindex.create(executor, [[varcharValue("a@x")]], [bytes("k1")], false);
    expect(executor.queries.map((q) => q.sql)).toEqual([
      "insert into t(fromc, toc) values(:fromc_0, :toc_0)",
      "select toc from t where fromc = :fromc for update",
      "select email from user where email = :fromc lock in share mode",
      "update t set toc=:toc where fromc = :fromc",
    ]);
    expect(executor.queries[2]!.keyspace).toBe("user_ks");
  });

  it("refuses a duplicate whose owner row exists", async () => {
    const vindex = consistent();
    const executor = new FakeExecutor();
    executor.failInsertOnce = dup();
    executor.answers.push({ rows: [[varbinaryValue("old")]] });
    executor.ownerRows = { rows: [[varcharValue("a@x")]] };
    await expect(
      vindex.create(executor, [[varcharValue("a@x")]], [bytes("k1")], false),
    ).rejects.toMatchObject({
      code: Code.ALREADY_EXISTS,
    });
  });

  it("deletes after commit and skips updates that change nothing", async () => {
    const vindex = consistent();
    const executor = new FakeExecutor();
    await vindex.update(executor, [varcharValue("a")], bytes("k"), [varcharValue("a")]);
    expect(executor.queries).toHaveLength(0);
    await vindex.delete(executor, [[varcharValue("a")]], bytes("k"));
    expect(executor.queries[0]).toMatchObject({
      sql: "delete from t where fromc = :fromc and toc = :toc",
      options: { commitOrder: "post" },
    });
  });

  it("refuses an owner with the wrong number of columns", () => {
    const vindex = lookupVindex("consistent_lookup");
    if (!wantsOwnerInfo(vindex)) throw new Error("consistent lookups want owner info");
    expect(() => vindex.setOwnerInfo("ks", "user", ["a", "b"])).toThrow(
      "owner table column count does not match vindex consistent_lookup",
    );
  });
});

describe("mapping values is typed by capability", () => {
  it("keeps unknown values as SqlValue", () => {
    const v: SqlValue = int64Value(5);
    expect(v.value.toString()).toBe("5");
  });
});
