import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ControlPlane,
  type ShardTablets,
  startControlPlane,
  startShardTablets,
} from "../harness/cluster.js";
import type { Connection } from "../harness/mysqld.js";
import { waitFor } from "../harness/wait.js";

const MT = ["MoveTables", "--target-keyspace", "customer", "--workflow", "commerce2customer"];
const WORKFLOW = "commerce2customer";
const ROWS = 200_000;
/** About 250 bytes a row: a VStreamRows batch holds about a thousand, so the copy takes many batches. */
const CREATE_BIG =
  "create table big (id bigint not null, k int not null, payload varbinary(300) not null, primary key (id), key k (k))";
/** The same on both sides when the contents are the same, whatever the physical order or row format. */
const FINGERPRINT = "select count(*), coalesce(sum(crc32(concat_ws('#', id, k, payload))), 0) from big";

let plane: ControlPlane | undefined;
let commerce: ShardTablets | undefined;
let customer: ShardTablets | undefined;
let sourceDb: Connection | undefined;
let targetDb: Connection | undefined;

const ok = (...args: string[]): Promise<string> => (plane as ControlPlane).ok(...args);

async function rows(db: Connection | undefined, sql: string): Promise<string[][]> {
  if (db === undefined) throw new Error("no connection");
  const [result] = await db.query({ sql, rowsAsArray: true });
  return (result as unknown[][]).map((row) => row.map((value) => (value === null ? "NULL" : String(value))));
}

/** rows_copied and state of the workflow's stream, and how many tables it still has to copy. */
async function copyProgress(): Promise<{ rowsCopied: number; state: string; tablesLeft: number }> {
  const [stream] = await rows(
    targetDb,
    `select id, rows_copied, state from _vt.vreplication where workflow = '${WORKFLOW}'`,
  );
  if (stream === undefined) throw new Error(`no stream of workflow ${WORKFLOW} on zone1-200`);
  const [left] = await rows(targetDb, `select count(*) from _vt.copy_state where vrepl_id = ${stream[0]}`);
  return { rowsCopied: Number(stream[1]), state: stream[2] ?? "", tablesLeft: Number(left?.[0]) };
}

beforeAll(async () => {
  plane = await startControlPlane("movetables-kill");
  await ok("CreateKeyspace", "--durability-policy", "none", "commerce");
  await ok("CreateShard", "commerce/0");
  await ok("CreateKeyspace", "--durability-policy", "none", "customer");
  await ok("CreateShard", "customer/0");
  [commerce, customer] = await Promise.all([
    startShardTablets(plane, "commerce", "0", [{ uid: 100, type: "replica" }]),
    startShardTablets(plane, "customer", "0", [{ uid: 200, type: "replica" }]),
  ]);
  await ok("PlannedReparentShard", "commerce/0", "--new-primary", "zone1-100");
  await ok("PlannedReparentShard", "customer/0", "--new-primary", "zone1-200");
  await ok("ApplySchema", "--sql", CREATE_BIG, "commerce");
  await ok("ApplyVSchema", "--vschema", '{"tables": {"big": {}}}', "commerce");
  const [sourceMysqld] = commerce.mysqlds;
  const [targetMysqld] = customer.mysqlds;
  if (sourceMysqld === undefined || targetMysqld === undefined) throw new Error("a shard has no mysqld");
  sourceDb = await sourceMysqld.connect("vt_dba", { database: "vt_commerce" });
  targetDb = await targetMysqld.connect("vt_dba", { database: "vt_customer" });
  await sourceDb.query(
    `insert into big select seq, seq % 1000, concat(seq, ':', repeat(md5(seq), 7)) from seq_1_to_${ROWS}`,
  );
}, 300_000);

afterAll(async () => {
  await sourceDb?.end().catch(() => undefined);
  await targetDb?.end().catch(() => undefined);
  await customer?.stop();
  await commerce?.stop();
  await plane?.stop();
}, 120_000);

describe("MoveTables survives a SIGKILL of the target vttablet in the middle of the copy", () => {
  it("resumes the copy after the restart, finishes by itself, and VDiff finds no mismatch", async () => {
    const target = customer?.tablets[0];
    if (target === undefined) throw new Error("customer/0 has no tablet");
    await ok(...MT, "create", "--source-keyspace", "commerce", "--tables", "big");

    // Kill as soon as the copy has committed its first batches.
    await waitFor(
      "commerce2customer to copy its first rows",
      async () => (await copyProgress()).rowsCopied > 0,
      {
        timeoutMs: 60_000,
        intervalMs: 20,
      },
    );
    target.process.killNow("SIGKILL");
    const exit = await target.process.exited;
    expect(exit.signal, `vttablet ${target.alias} should have died of SIGKILL`).toBe("SIGKILL");

    // What the stream had committed when it died: part of the table, with its place in _vt.copy_state.
    const atKill = await copyProgress();
    expect(atKill.state, "stream state at the kill").toBe("Copying");
    expect(atKill.rowsCopied, "rows_copied at the kill").toBeGreaterThan(0);
    expect(atKill.rowsCopied, "rows_copied at the kill").toBeLessThan(ROWS);
    const [copyState] = await rows(targetDb, "select table_name, lastpk from _vt.copy_state");
    expect(copyState?.[0]).toBe("big");
    expect(copyState?.[1], "lastpk of big at the kill").not.toBe("NULL");
    const [[copiedRows]] = (await rows(targetDb, "select count(*) from big")) as [[string]];
    expect(Number(copiedRows), "rows in customer's big at the kill").toBe(atKill.rowsCopied);

    // The source keeps changing while the target is down: rows already copied and rows still to copy.
    await sourceDb?.query("update big set k = -1 where id <= 10 or id > 199990");
    await sourceDb?.query("delete from big where id in (5, 199995)");
    await sourceDb?.query(`insert into big values (${ROWS + 1}, 7, 'after the kill')`);

    await target.restart();
    const done = await waitFor(
      "commerce2customer to finish the copy after the restart",
      async () => {
        const progress = await copyProgress();
        if (progress.state === "Error") throw new Error(`stream in Error: ${JSON.stringify(progress)}`);
        return progress.state === "Running" && progress.tablesLeft === 0 ? progress : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(done.rowsCopied, "rows_copied after the copy").toBeGreaterThanOrEqual(ROWS - atKill.rowsCopied);

    // The changes made while the target was down arrive through the binlog; then both sides are equal.
    const expected = await rows(sourceDb, FINGERPRINT);
    expect(expected[0]?.[0], "rows in commerce's big").toBe(String(ROWS - 1));
    await waitFor(
      "customer's big to match commerce's",
      async () => JSON.stringify(await rows(targetDb, FINGERPRINT)) === JSON.stringify(expected),
      { timeoutMs: 30_000, intervalMs: 250 },
    ).catch(async (err: unknown) => {
      throw new Error(
        `${(err as Error).message}: source ${JSON.stringify(expected)}, target ${JSON.stringify(await rows(targetDb, FINGERPRINT))}`,
      );
    });

    // VDiff compares both sides row by row at one synchronised position.
    const vdiff = ["VDiff", "--target-keyspace", "customer", "--workflow", WORKFLOW];
    const created = await ok(...vdiff, "create");
    const uuid = /^VDiff ([0-9a-f-]{36}) scheduled/.exec(created)?.[1];
    expect(uuid, created).toBeDefined();
    const report = await waitFor(
      `VDiff ${uuid} of ${WORKFLOW} to complete`,
      async () => {
        const json = JSON.parse(
          await ok("VDiff", "--format=json", ...vdiff.slice(1), "show", uuid ?? "last"),
        );
        if (json.State === "error") throw new Error(`VDiff failed: ${JSON.stringify(json)}`);
        return json.State === "completed" ? json : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(report, JSON.stringify(report)).toMatchObject({
      State: "completed",
      RowsCompared: ROWS - 1,
      HasMismatch: false,
    });
  }, 180_000);
});
