import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { DbConnection } from "../../../libs/mysql/db-connection.js";
import { ResourcePool } from "../../../libs/mysql/pool.js";
import {
  ExecuteOptions_TransactionAccessMode as AccessMode,
  ExecuteOptions,
  ExecuteOptions_TransactionIsolation as Isolation,
} from "../../../libs/proto/query.js";
import { Code, isVtError, type VtError } from "../../../libs/vterrors/index.js";
import { TxKiller } from "./tx-killer.js";
import { beginStatements, formatDuration, formatEndTime, TxPool } from "./tx-pool.js";

/** A connection that records statements and can be told to fail; enough for the transaction pool. */
class FakeConn {
  readonly statements: string[] = [];
  isClosed = false;
  failOn: string | undefined;
  constructor(readonly threadId: number) {}
  async execute(sql: string) {
    this.statements.push(sql);
    if (sql === this.failOn) throw new Error(`${sql} failed`);
    return {};
  }
}

function setup(size = 2) {
  let next = 0;
  const conns: FakeConn[] = [];
  const pool = new ResourcePool<DbConnection>({
    name: "tx_pool",
    size,
    acquireTimeoutMs: 50,
    create: async () => {
      const conn = new FakeConn(++next);
      conns.push(conn);
      return conn as unknown as DbConnection;
    },
    destroy: (conn) => {
      (conn as unknown as FakeConn).isClosed = true;
    },
    isUsable: (conn) => !conn.isClosed,
  });
  return { pool, conns, txPool: new TxPool(pool, pino({ level: "silent" })) };
}

function failure(fn: () => unknown): VtError {
  try {
    fn();
  } catch (err) {
    return err as VtError;
  }
  throw new Error("expected a failure");
}

describe("beginStatements", () => {
  it("opens with BEGIN by default and honours isolation and access modes", () => {
    expect(beginStatements(undefined)).toEqual(["begin"]);
    const options = ExecuteOptions.fromPartial({ transactionIsolation: Isolation.READ_COMMITTED });
    expect(beginStatements(options)).toEqual(["set transaction isolation level read committed", "begin"]);
    expect(
      beginStatements(
        ExecuteOptions.fromPartial({ transactionIsolation: Isolation.CONSISTENT_SNAPSHOT_READ_ONLY }),
      ),
    ).toEqual([
      "set transaction isolation level repeatable read",
      "start transaction with consistent snapshot, read only",
    ]);
    expect(
      beginStatements(ExecuteOptions.fromPartial({ transactionAccessMode: [AccessMode.READ_WRITE] })),
    ).toEqual(["start transaction read write"]);
    expect(
      beginStatements(ExecuteOptions.fromPartial({ transactionIsolation: Isolation.AUTOCOMMIT })),
    ).toEqual([]);
  });
});

describe("formatting", () => {
  it("spells durations and end times as Go does", () => {
    expect(formatDuration(500)).toBe("500ms");
    expect(formatDuration(30_000)).toBe("30s");
    expect(formatDuration(1_500)).toBe("1.5s");
    expect(formatDuration(90_000)).toBe("1m30s");
    expect(formatEndTime(Date.UTC(2024, 0, 2, 3, 4, 5, 6))).toBe("2024-01-02 03:04:05.006 UTC");
  });
});

describe("TxPool", () => {
  it("gives increasing ids tied to one connection, and returns it on commit", async () => {
    const { txPool, pool, conns } = setup();
    const a = await txPool.begin(undefined);
    const b = await txPool.begin(undefined);
    expect(b.id).toBeGreaterThan(a.id);
    expect(a.conn).not.toBe(b.conn);
    expect(txPool.size).toBe(2);
    const locked = txPool.lock(a.id, "for query");
    expect(locked).toBe(a);
    txPool.unlock(locked);
    await txPool.conclude(txPool.lock(a.id, "for commit"), "commit");
    expect(conns[0]?.statements).toEqual(["begin", "commit"]);
    expect(pool.stats()).toMatchObject({ inUse: 1, idle: 1 });
    const ended = failure(() => txPool.lock(a.id, "for query"));
    expect(isVtError(ended, Code.ABORTED)).toBe(true);
    expect(ended.message).toMatch(new RegExp(`^transaction ${a.id}: ended at .* UTC \\(committed\\)$`));
  });

  it("refuses unknown ids and concurrent use, naming the id", async () => {
    const { txPool } = setup();
    expect(failure(() => txPool.lock(42, "for query")).message).toBe("transaction 42: not found");
    const tx = await txPool.begin(undefined);
    txPool.lock(tx.id, "for query");
    const busy = failure(() => txPool.lock(tx.id, "for commit"));
    expect(busy.code).toBe(Code.ABORTED);
    expect(busy.message).toBe(`transaction ${tx.id}: in use: for query`);
  });

  it("gives the connection back when BEGIN fails", async () => {
    const { txPool, pool } = setup(1);
    const first = await txPool.begin(undefined);
    await txPool.conclude(txPool.lock(first.id, "for rollback"), "rollback");
    const conn = first.conn as unknown as FakeConn;
    conn.failOn = "begin";
    await expect(txPool.begin(undefined)).rejects.toThrow("begin failed");
    expect(pool.stats()).toMatchObject({ inUse: 0, idle: 1 });
  });

  it("discards a connection whose commit failed or that carries session state", async () => {
    const { txPool, pool } = setup();
    const tx = await txPool.begin(undefined);
    tx.tainted = true;
    await txPool.conclude(txPool.lock(tx.id, "for commit"), "commit");
    expect((tx.conn as unknown as FakeConn).isClosed).toBe(true);
    const other = await txPool.begin(undefined);
    (other.conn as unknown as FakeConn).failOn = "commit";
    await expect(txPool.conclude(txPool.lock(other.id, "for commit"), "commit")).rejects.toThrow(
      "commit failed",
    );
    expect(pool.stats()).toMatchObject({ inUse: 0 });
  });
});

describe("TxKiller", () => {
  it("rolls back transactions past the timeout; their ids then say why", async () => {
    const { txPool, pool } = setup();
    const killed: [number, string, boolean][] = [];
    const killer = new TxKiller(txPool, { txTimeoutMs: 1_000, idleTxTimeoutMs: 0 }, (tx, reason, busy) =>
      killed.push([tx.id, reason, busy]),
    );
    const old = await txPool.begin(undefined);
    const fresh = await txPool.begin(undefined);
    expect(killer.sweep(old.startedAt + 999)).toBe(0);
    (fresh as { startedAt: number }).startedAt = old.startedAt + 500;
    expect(killer.sweep(old.startedAt + 1_000)).toBe(1);
    expect(killed).toEqual([[old.id, "exceeded timeout: 1s", false]]);
    await new Promise((resolve) => setImmediate(resolve));
    expect((old.conn as unknown as FakeConn).statements).toEqual(["begin", "rollback"]);
    expect(pool.stats().inUse).toBe(1);
    expect(failure(() => txPool.lock(old.id, "for query")).message).toMatch(
      new RegExp(
        `^transaction ${old.id}: ended at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} UTC \\(exceeded timeout: 1s\\)$`,
      ),
    );
    expect(txPool.lock(fresh.id, "for query")).toBe(fresh);
  });

  it("marks a busy transaction and discards its connection when the call returns", async () => {
    const { txPool, pool } = setup();
    const killed: boolean[] = [];
    const killer = new TxKiller(txPool, { txTimeoutMs: 0, idleTxTimeoutMs: 100 }, (_tx, reason, busy) => {
      killed.push(busy);
      expect(reason).toBe("exceeded idle timeout: 100ms");
    });
    const tx = await txPool.begin(undefined);
    const locked = txPool.lock(tx.id, "for query");
    // Busy transactions are not idle.
    expect(killer.sweep(tx.lastUsedAt + 1_000)).toBe(0);
    txPool.unlock(locked);
    const idleAgain = txPool.lock(tx.id, "for query");
    txPool.end(idleAgain, "exceeded timeout: 1s");
    expect(idleAgain.endedWhileBusy).toBe("exceeded timeout: 1s");
    txPool.unlock(idleAgain);
    expect((tx.conn as unknown as FakeConn).isClosed).toBe(true);
    expect(pool.stats().inUse).toBe(0);
    expect(killed).toEqual([]);
  });
});
