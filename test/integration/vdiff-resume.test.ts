import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CommerceCluster,
  type ShardTablets,
  startCommerceCluster,
  startCustomerShard,
} from "../harness/cluster.js";
import type { Connection } from "../harness/mysqld.js";
import { waitFor } from "../harness/wait.js";

const WORKFLOW = ["--target-keyspace", "customer", "--workflow", "commerce2customer"];
const VDIFF = ["VDiff", ...WORKFLOW];
const ROWS = 500_000;
const CREATE_BIG =
  "create table big (id bigint not null, k int not null, payload varbinary(300) not null, primary key (id))";

let cluster: CommerceCluster | undefined;
let customer: ShardTablets | undefined;
let targetDb: Connection | undefined;

const ok = (...args: string[]): Promise<string> => (cluster as CommerceCluster).ok(...args);

/** The VDiff's state and its table's rows compared, read from the target's `_vt` directly (fast polling). */
async function progress(): Promise<{ state: string; rowsCompared: number; lastpk: string | null }> {
  const [result] = await (targetDb as Connection).query({
    sql: "select vd.state, vdt.rows_compared, vdt.lastpk from _vt.vdiff vd join _vt.vdiff_table vdt on vd.id = vdt.vdiff_id order by vd.id desc limit 1",
    rowsAsArray: true,
  });
  const row = (result as unknown[][])[0];
  if (row === undefined) return { state: "", rowsCompared: 0, lastpk: null };
  return {
    state: String(row[0]),
    rowsCompared: Number(row[1]),
    lastpk: row[2] === null ? null : String(row[2]),
  };
}

async function showLast(): Promise<{ State: string; RowsCompared: number; HasMismatch: boolean }> {
  return JSON.parse(await ok(...VDIFF, "show", "last", "--format=json"));
}

beforeAll(async () => {
  // Source rows come from commerce's rdonly tablet (VDiff's first choice), the target is customer/0's primary.
  cluster = await startCommerceCluster("vdiff-resume");
  await ok("ApplySchema", "--sql", CREATE_BIG, "commerce");
  await ok("ApplyVSchema", "--vschema", '{"tables": {"big": {}}}', "commerce");
  await ok(
    "ExecuteFetchAsDBA",
    "zone1-100",
    `insert into big select seq, seq % 1000, concat(seq, ':', repeat(md5(seq), 2)) from seq_1_to_${ROWS}`,
  );
  customer = await startCustomerShard(cluster as CommerceCluster, [{ uid: 200, type: "replica" }]);
  const [targetMysqld] = customer.mysqlds;
  if (targetMysqld === undefined) throw new Error("customer/0 has no mysqld");
  targetDb = await targetMysqld.connect("vt_dba", { database: "vt_customer" });
  await ok("MoveTables", ...WORKFLOW, "create", "--source-keyspace", "commerce", "--tables", "big");
  await waitFor(
    "the copy to finish",
    async () => {
      const json = JSON.parse(await ok("MoveTables", ...WORKFLOW, "status", "--format=json"));
      return json.shard_streams["customer/0"]?.streams[0]?.status === "Running";
    },
    { timeoutMs: 180_000, intervalMs: 500 },
  );
}, 400_000);

afterAll(async () => {
  await targetDb?.end().catch(() => undefined);
  await customer?.stop();
  await cluster?.stop();
}, 120_000);

describe("a VDiff continues from its last key after stop/resume and after a SIGKILL of the target vttablet", () => {
  it("compares every row exactly once in total", async () => {
    const uuid = /^VDiff ([0-9a-f-]{36}) /.exec(await ok(...VDIFF, "create"))?.[1] as string;
    expect(uuid).toBeDefined();

    // Stop it once it has saved some progress: the rows compared and the last key stay.
    await waitFor("the vdiff to save progress", async () => (await progress()).rowsCompared > 0, {
      timeoutMs: 60_000,
      intervalMs: 10,
    });
    expect(await ok(...VDIFF, "stop", uuid)).toBe("VDiff stop completed\n");
    const stopped = await progress();
    expect(stopped.state, "state after stop").toBe("stopped");
    expect(stopped.rowsCompared, "rows compared at the stop").toBeLessThan(ROWS);
    expect(stopped.lastpk, "last key at the stop").not.toBeNull();
    const status = JSON.parse(await ok("MoveTables", ...WORKFLOW, "status", "--format=json"));
    expect(status.shard_streams["customer/0"].streams[0].status, "the stream after the stop").toBe("Running");

    // Resume, then kill the tablet in the middle: the restarted engine continues the started diff.
    expect(await ok(...VDIFF, "resume", uuid)).toBe("VDiff resume scheduled\n");
    await waitFor(
      "the resumed vdiff to make progress",
      async () => {
        const now = await progress();
        return now.state === "started" && now.rowsCompared > stopped.rowsCompared;
      },
      { timeoutMs: 60_000, intervalMs: 10 },
    );
    const target = customer?.tablets[0];
    if (target === undefined) throw new Error("customer/0 has no tablet");
    target.process.killNow("SIGKILL");
    await target.process.exited;
    const atKill = await progress();
    expect(atKill.state, "state at the kill").toBe("started");
    expect(atKill.rowsCompared, "rows compared at the kill").toBeLessThan(ROWS);
    await target.restart();

    const done = await waitFor(
      "the vdiff to complete after the restart",
      async () => {
        const summary = await showLast();
        if (summary.State === "error") throw new Error(`vdiff in error: ${JSON.stringify(summary)}`);
        return summary.State === "completed" ? summary : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(done).toMatchObject({ State: "completed", RowsCompared: ROWS, HasMismatch: false });
  }, 300_000);
});
