import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Connection, createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcClient, type GrpcClientHandle } from "../../libs/grpc/index.js";
import { unpackRow } from "../../libs/mysql/query-result.js";
import { type VEvent, VEventType, type VGtid } from "../../libs/proto/binlogdata.js";
import { TabletType } from "../../libs/proto/topodata.js";
import { VStreamRequest, type VStreamResponse } from "../../libs/proto/vtgate.js";
import { VitessService } from "../../libs/proto/vtgateservice.js";
import { Code, VtError } from "../../libs/vterrors/index.js";
import {
  type ControlPlane,
  type ShardTablets,
  startControlPlane,
  startShardTablets,
} from "../harness/cluster.js";
import { startVtgate, VTGATE_MAIN, type VtgateHandle } from "../harness/vtgate.js";

const VTCLIENT_MAIN = join(VTGATE_MAIN, "../../vtclient/main.js");

const CUSTOMER_VSCHEMA = {
  sharded: true,
  vindexes: { hash: { type: "hash" } },
  tables: {
    customer: { column_vindexes: [{ column: "customer_id", name: "hash" }] },
    corder: { column_vindexes: [{ column: "customer_id", name: "hash" }] },
  },
};

let plane: ControlPlane | undefined;
const shards: ShardTablets[] = [];
let vtgate: VtgateHandle | undefined;
let client: GrpcClientHandle<typeof VitessService> | undefined;
let app: Connection | undefined;
let nextId = 1;

/** A VStream through vtgate read in the background. */
class GateStream {
  readonly events: VEvent[] = [];
  error: unknown;
  ended = false;
  private readonly controller = new AbortController();
  readonly done: Promise<void>;

  constructor(vgtid: VGtid, filter = "/.*/") {
    const stream = client!.rpc.vStream(
      VStreamRequest.fromPartial({
        tabletType: TabletType.PRIMARY,
        vgtid,
        filter: { rules: [{ match: filter, filter: "" }] },
      }),
      { signal: this.controller.signal },
    ) as AsyncIterable<VStreamResponse>;
    this.done = (async () => {
      try {
        for await (const response of stream) this.events.push(...response.events);
      } catch (err) {
        if (!this.controller.signal.aborted) this.error = err;
      } finally {
        this.ended = true;
      }
    })();
  }

  async until(what: string, predicate: (events: VEvent[]) => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (this.ended) throw new Error(`stream ended before ${what}: ${String(this.error)}`);
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what} (${this.events.length} events)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}

/** "shard:id" of each inserted row, in stream order (the after image's first column). */
function insertedIds(events: readonly VEvent[], table = "customer"): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.type !== VEventType.ROW || e.rowEvent?.tableName !== table) continue;
    for (const change of e.rowEvent.rowChanges) {
      if (change.after === undefined || change.before !== undefined) continue;
      const values = unpackRow(change.after);
      out.push(`${e.shard}:${Buffer.from(values[0] as Uint8Array).toString()}`);
    }
  }
  return out;
}

function idsOnly(ids: readonly string[]): number[] {
  return ids.map((s) => Number(s.split(":")[1])).sort((a, b) => a - b);
}

async function insert(count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = nextId++;
    await app!.query(`insert into customer(customer_id, email) values (${id}, 'user${id}@domain.com')`);
    ids.push(id);
  }
  return ids;
}

const keyspaceWide = (gtid: string): VGtid => ({
  shardGtids: [{ keyspace: "customer", shard: "", gtid, tablePKs: [] }],
});

beforeAll(async () => {
  plane = await startControlPlane("vtgate-vstream");
  await plane.ok("CreateKeyspace", "--durability-policy", "none", "customer");
  await plane.ok("CreateShard", "customer/-80");
  await plane.ok("CreateShard", "customer/80-");
  const layout: [string, number][] = [
    ["-80", 200],
    ["80-", 300],
  ];
  shards.push(
    ...(await Promise.all(
      layout.map(([shard, uid]) =>
        startShardTablets(
          plane!,
          "customer",
          shard,
          // 80- has a replica too, for the primary change.
          shard === "80-" ? [{ uid }, { uid: uid + 1 }] : [{ uid, type: "replica" }],
        ),
      ),
    )),
  );
  for (const [shard, uid] of layout) {
    await plane.ok("PlannedReparentShard", `customer/${shard}`, "--new-primary", `zone1-${uid}`);
  }
  await plane.ok(
    "ApplySchema",
    "--sql",
    "create table customer(customer_id bigint not null, email varbinary(128), primary key(customer_id)) ENGINE=InnoDB",
    "customer",
  );
  await plane.ok(
    "ApplySchema",
    "--sql",
    "create table corder(order_id bigint not null, customer_id bigint, sku varbinary(128), primary key(order_id)) ENGINE=InnoDB",
    "customer",
  );
  await plane.ok("ApplyVSchema", "--vschema", JSON.stringify(CUSTOMER_VSCHEMA), "customer");
  await plane.ok("RebuildKeyspaceGraph", "customer");
  vtgate = await startVtgate({
    topoAddress: plane.etcd.clientAddress,
    dir: plane.dir,
    tabletTypesToWait: "PRIMARY",
    waitForServingTablets: 2,
  });
  client = createGrpcClient(VitessService, vtgate.grpcAddress);
  app = await createConnection({
    host: "127.0.0.1",
    port: vtgate.mysqlPort,
    user: "app",
    database: "customer",
  });
  // Rows that exist before any stream starts (the copy phase returns them).
  await insert(6);
}, 300_000);

afterAll(async () => {
  await app?.end().catch(() => undefined);
  client?.close();
  await vtgate?.stop();
  for (const s of shards) await s.stop();
  await plane?.stop();
}, 120_000);

describe("vtgate VStream over customer/-80 and customer/80-", () => {
  let midVgtid: VGtid | undefined;
  let afterMid: string[] = [];

  it("delivers both shards' transactions, each followed by a VGTID with every shard's position", async () => {
    const stream = new GateStream(keyspaceWide("current"));
    try {
      // Wait for both shards' streams to be open: a first transaction per shard moves its position.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const ids = await insert(10);
      await stream.until("10 inserted rows", (events) => insertedIds(events).length >= 10);
      const seen = insertedIds(stream.events);
      expect(idsOnly(seen)).toEqual(ids);
      expect(new Set(seen.map((s) => s.split(":")[0]))).toEqual(new Set(["-80", "80-"]));
      const fields = stream.events.filter((e) => e.type === VEventType.FIELD);
      expect(fields.map((f) => `${f.fieldEvent?.keyspace}/${f.fieldEvent?.shard}`).sort()).toEqual([
        "customer/-80",
        "customer/80-",
      ]);
      const vgtids = stream.events.filter((e) => e.type === VEventType.VGTID);
      expect(vgtids.length).toBeGreaterThanOrEqual(10);
      for (const v of vgtids) {
        expect(v.vgtid?.shardGtids.map((s) => s.shard)).toEqual(["-80", "80-"]);
      }
      // Each row's transaction is followed by a VGTID before its COMMIT.
      const kinds = stream.events.map((e) => VEventType[e.type]).join(" ");
      expect(kinds).toMatch(/ROW VGTID COMMIT/);
      // A place in the middle: the VGTID after the fifth row.
      let rowsSeen = 0;
      for (const e of stream.events) {
        if (e.type === VEventType.ROW) rowsSeen++;
        if (e.type === VEventType.VGTID && rowsSeen === 5 && midVgtid === undefined) midVgtid = e.vgtid;
      }
      expect(midVgtid).toBeDefined();
      afterMid = seen.slice(5);
    } finally {
      await stream.close();
    }
  }, 120_000);

  it("resumes from an emitted VGTID: the rest, then new ones, without duplicates or gaps", async () => {
    const stream = new GateStream(midVgtid!);
    try {
      const ids = await insert(4);
      await stream.until(
        "the rows after the VGTID",
        (events) => insertedIds(events).length >= afterMid.length + 4,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      const seen = insertedIds(stream.events);
      expect(seen.length).toBe(afterMid.length + 4);
      expect(idsOnly(seen)).toEqual([...idsOnly(afterMid), ...ids]);
      for (const shard of ["-80", "80-"]) {
        expect(
          seen
            .filter((s) => s.startsWith(`${shard}:`))
            .slice(0, afterMid.filter((s) => s.startsWith(`${shard}:`)).length),
        ).toEqual(afterMid.filter((s) => s.startsWith(`${shard}:`)));
      }
    } finally {
      await stream.close();
    }
  }, 120_000);

  it("reconnects after a shard's vttablet restarts, losing and repeating nothing", async () => {
    const stream = new GateStream(keyspaceWide("current"));
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const before = await insert(6);
      await stream.until("rows before the restart", (events) => insertedIds(events).length >= 6);
      const restarting = shards[0]!.tablets[0]!.restart();
      const during = await insert(2).catch(() => [] as number[]);
      await restarting;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = await insert(6);
      const expected = [...before, ...during, ...after];
      await stream.until("every row", (events) => insertedIds(events).length >= expected.length, 90_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(idsOnly(insertedIds(stream.events))).toEqual(expected);
      expect(stream.error).toBeUndefined();
      // The -80 stream did fail and was opened again (on the restarted vttablet).
      expect(readFileSync(vtgate!.logFile, "utf8")).toMatch(/"shard":"-80".*shard stream failed; retrying/);
    } finally {
      await stream.close();
    }
  }, 180_000);

  it("vtclient vstream --count N prints N JSON lines, rows with readable values", async () => {
    const child = spawn(
      process.execPath,
      [
        VTCLIENT_MAIN,
        "--server",
        vtgate!.grpcAddress,
        "vstream",
        "--keyspace",
        "customer",
        "--count",
        "5",
        "--timeout",
        "60s",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await insert(3);
      const code = await exited;
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const lines = stdout.trim().split("\n");
      expect(lines).toHaveLength(5);
      const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(events.map((e) => e.type)).toContain("ROW");
      const row = events.find((e) => e.type === "ROW") as { values: { after: string[] }[] };
      expect(row.values[0]?.after[1]).toMatch(/^user\d+@domain\.com$/);
    } finally {
      if (child.exitCode === null) child.kill("SIGTERM");
    }
  }, 60_000);

  it("copies first without a position: the existing rows of both shards, COPY_COMPLETED, then new changes", async () => {
    const [existing] = await app!.query({ sql: "select customer_id from customer", rowsAsArray: true });
    const existingIds = (existing as unknown[][]).map((r) => Number(r[0])).sort((a, b) => a - b);
    const stream = new GateStream(keyspaceWide(""));
    try {
      const copyDone = (events: VEvent[]) =>
        events.some((e) => e.type === VEventType.COPY_COMPLETED && e.keyspace === "" && e.shard === "");
      await stream.until("the copy phase", copyDone);
      const end = stream.events.findIndex((e) => e.type === VEventType.COPY_COMPLETED && e.keyspace === "");
      const copied = insertedIds(stream.events.slice(0, end));
      expect(idsOnly(copied)).toEqual(existingIds);
      expect(
        stream.events
          .filter((e) => e.type === VEventType.COPY_COMPLETED)
          .map((e) => `${e.keyspace}/${e.shard}`),
      ).toEqual(expect.arrayContaining(["customer/-80", "customer/80-", "/"]));
      // The VGTID after the copy has both shards' positions and no table left to copy.
      const last = stream.events
        .slice(0, end)
        .filter((e) => e.type === VEventType.VGTID)
        .pop();
      for (const s of last?.vgtid?.shardGtids ?? []) {
        expect(s.gtid).toMatch(/^MariaDB\//);
        expect(s.tablePKs).toEqual([]);
      }
      const fresh = await insert(3);
      await stream.until(
        "rows after the copy",
        (events) => insertedIds(events).length >= existingIds.length + 3,
      );
      expect(idsOnly(insertedIds(stream.events.slice(end)))).toEqual(fresh);
    } finally {
      await stream.close();
    }
  }, 120_000);

  it("copy-then-stream of two tables under a writer yields every row exactly once", async () => {
    let writing = true;
    let order = 1;
    const writer = (async () => {
      while (writing) {
        const id = order++;
        await app!.query(`insert into corder(order_id, customer_id, sku) values (${id}, ${id}, 'SKU-${id}')`);
        await insert(1);
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stream = new GateStream(keyspaceWide(""));
      try {
        await stream.until("the copy phase", (events) =>
          events.some((e) => e.type === VEventType.COPY_COMPLETED && e.keyspace === ""),
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
        writing = false;
        await writer;
        for (const [table, key] of [
          ["corder", "order_id"],
          ["customer", "customer_id"],
        ] as const) {
          const [rows] = await app!.query({ sql: `select ${key} from ${table}`, rowsAsArray: true });
          const expected = (rows as unknown[][]).map((r) => Number(r[0])).sort((a, b) => a - b);
          await stream.until(
            `every ${table} row`,
            (events) => insertedIds(events, table).length >= expected.length,
          );
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(idsOnly(insertedIds(stream.events, table))).toEqual(expected);
        }
        expect(stream.error).toBeUndefined();
      } finally {
        await stream.close();
      }
    } finally {
      writing = false;
      await writer;
    }
  }, 120_000);

  it("ends with the tablet's error for a filter naming an unknown table (no retries)", async () => {
    const stream = new GateStream(keyspaceWide("current"), "no_such_table");
    await stream.done;
    expect(stream.error).toBeInstanceOf(VtError);
    expect((stream.error as VtError).code).toBe(Code.INVALID_ARGUMENT);
    expect((stream.error as VtError).message).toMatch(/unknown table no_such_table/);
  }, 60_000);

  it("vtclient vstream --position takes a VGTID line it printed and continues from there", async () => {
    const run = async (args: string[], during: () => Promise<unknown>) => {
      const child = spawn(
        process.execPath,
        [VTCLIENT_MAIN, "--server", vtgate!.grpcAddress, "vstream", ...args],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      try {
        await during();
        expect(await exited).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill("SIGTERM");
      }
      return stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { type: string; values?: { after: string[] }[] });
    };
    const firstIds: number[] = [];
    const pause = () => new Promise((resolve) => setTimeout(resolve, 2000));
    const first = await run(
      ["--keyspace", "customer", "--filter", "customer", "--timeout", "6s"],
      async () => {
        await pause();
        firstIds.push(...(await insert(4)));
      },
    );
    const rowsOf = (events: typeof first) =>
      events
        .filter((e) => e.type === "ROW")
        .map((e) => Number(e.values?.[0]?.after[0]))
        .sort((a, b) => a - b);
    expect(rowsOf(first)).toEqual(firstIds);
    const lastVgtid = first.filter((e) => e.type === "VGTID").pop();
    const more: number[] = [];
    const second = await run(
      ["--position", JSON.stringify(lastVgtid), "--filter", "customer", "--timeout", "6s"],
      async () => {
        await pause();
        more.push(...(await insert(2)));
      },
    );
    expect(rowsOf(second)).toEqual(more);
  }, 90_000);

  it("follows a primary change (PlannedReparentShard) of 80- without losing or repeating transactions", async () => {
    const stream = new GateStream(keyspaceWide("current"));
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const before = await insert(6);
      await stream.until("rows before the reparent", (events) => insertedIds(events).length >= 6);
      await plane!.ok("PlannedReparentShard", "customer/80-", "--new-primary", "zone1-301");
      // vtgate sees the new primary through its health check; inserts retry until it does.
      const after: number[] = [];
      const deadline = Date.now() + 60_000;
      while (after.length < 6) {
        try {
          after.push(...(await insert(1)));
        } catch (err) {
          nextId--;
          if (Date.now() > deadline) throw err;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      const expected = [...before, ...after];
      await stream.until("every row", (events) => insertedIds(events).length >= expected.length, 90_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(idsOnly(insertedIds(stream.events))).toEqual(expected);
      expect(stream.error).toBeUndefined();
    } finally {
      await stream.close();
    }
  }, 180_000);
});
