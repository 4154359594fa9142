import pino from "pino";
import { describe, expect, it } from "vitest";
import {
  Filter,
  type VEvent,
  VEventType,
  type VGtid,
  type VStreamResponse,
} from "../../../libs/proto/binlogdata.js";
import { SrvKeyspace, TabletType } from "../../../libs/proto/topodata.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import { EMPTY_EVENT } from "./shard-events.js";
import { resolveShardGtids } from "./shards.js";
import { mergeVStreams, type ShardStreamRequest, type ShardStreamSource } from "./vstream-manager.js";

const logger = pino({ level: "silent" });
const filter = Filter.fromPartial({ rules: [{ match: "t", filter: "" }] });

function ev(type: VEventType, parts: Partial<VEvent> = {}): VEvent {
  return { ...EMPTY_EVENT, type, ...parts };
}

/** A transaction as a tablet sends it: BEGIN, ROW, GTID, COMMIT. */
function tx(gtid: string): VStreamResponse {
  return {
    events: [
      ev(VEventType.BEGIN),
      ev(VEventType.ROW, {
        rowEvent: {
          tableName: "t",
          rowChanges: [],
          keyspace: "",
          shard: "",
          flags: 0,
          isInternalTable: false,
        },
      }),
      ev(VEventType.GTID, { gtid }),
      ev(VEventType.COMMIT),
    ],
  };
}

type Script = (request: ShardStreamRequest, attempt: number) => AsyncIterable<VStreamResponse>;

/** A fake tablet per shard, scripted by the request it gets; records every request (sandboxconn style). */
class FakeSource implements ShardStreamSource {
  readonly requests: ShardStreamRequest[] = [];
  constructor(private readonly scripts: Record<string, Script>) {}
  open(request: ShardStreamRequest, signal: AbortSignal) {
    this.requests.push(request);
    const attempt = this.requests.filter((r) => r.shard === request.shard).length;
    const script = this.scripts[request.shard];
    if (script === undefined) throw new Error(`no script for ${request.shard}`);
    const inner = script(request, attempt);
    async function* responses() {
      for await (const r of inner) {
        yield r;
      }
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    }
    return { tablet: `tablet-${request.shard}`, responses: responses() };
  }
}

async function* from(...responses: (VStreamResponse | Error)[]): AsyncIterable<VStreamResponse> {
  for (const r of responses) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (r instanceof Error) throw r;
    yield r;
  }
}

async function collect(source: ShardStreamSource, start: VGtid, count: number): Promise<VEvent[]> {
  const controller = new AbortController();
  const out: VEvent[] = [];
  for await (const response of mergeVStreams(
    source,
    start.shardGtids,
    {
      tabletType: TabletType.PRIMARY,
      filter,
      heartbeatIntervalMs: 0,
      retry: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 },
      logger,
    },
    controller.signal,
  )) {
    out.push(...response.events);
    if (out.filter((e) => e.type === VEventType.COMMIT).length >= count) break;
  }
  return out;
}

const start = (a: string, b: string): VGtid => ({
  shardGtids: [
    { keyspace: "ks", shard: "-80", gtid: a, tablePKs: [] },
    { keyspace: "ks", shard: "80-", gtid: b, tablePKs: [] },
  ],
});

function vgtids(events: VEvent[]): string[][] {
  return events
    .filter((e) => e.type === VEventType.VGTID)
    .map((e) => (e.vgtid?.shardGtids ?? []).map((s) => `${s.shard}@${s.gtid}`));
}

describe("mergeVStreams", () => {
  it("replaces each GTID by a VGTID with every shard's delivered position, and stamps keyspace/shard", async () => {
    const source = new FakeSource({
      "-80": () => from(tx("MariaDB/0-1-5")),
      "80-": () => from({ events: [] }, tx("MariaDB/0-2-9")),
    });
    const events = await collect(source, start("MariaDB/0-1-4", "MariaDB/0-2-8"), 2);
    expect(events.filter((e) => e.type === VEventType.GTID)).toEqual([]);
    const seen = vgtids(events).map((v) => v.join(" "));
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe("-80@MariaDB/0-1-5 80-@MariaDB/0-2-9");
    const rows = events.filter((e) => e.type === VEventType.ROW);
    expect(rows.map((r) => `${r.keyspace}/${r.shard}/${r.rowEvent?.shard}`).sort()).toEqual([
      "ks/-80/-80",
      "ks/80-/80-",
    ]);
  });

  it("reconnects a failed shard from its last delivered position, dropping the partial transaction", async () => {
    const unavailable = new VtError(Code.UNAVAILABLE, "tablet going away");
    const partial: VStreamResponse = { events: [ev(VEventType.BEGIN), ev(VEventType.ROW)] };
    const source = new FakeSource({
      "-80": (_request, attempt) =>
        attempt === 1 ? from(tx("MariaDB/0-1-5"), partial, unavailable) : from(tx("MariaDB/0-1-6")),
      "80-": () => from(),
    });
    const events = await collect(source, start("MariaDB/0-1-4", "current"), 2);
    const retried = source.requests.filter((r) => r.shard === "-80");
    expect(retried.map((r) => r.position)).toEqual(["MariaDB/0-1-4", "MariaDB/0-1-5"]);
    expect(events.map((e) => VEventType[e.type]).join(" ")).toBe(
      "BEGIN ROW VGTID COMMIT BEGIN ROW VGTID COMMIT",
    );
    expect(vgtids(events)[1]).toEqual(["-80@MariaDB/0-1-6", "80-@current"]);
  });

  it("ends the stream on a permanent error (the caller's), without retrying", async () => {
    const source = new FakeSource({
      "-80": () => from(new VtError(Code.INVALID_ARGUMENT, "unknown table t")),
      "80-": () => from(),
    });
    await expect(collect(source, start("", "current"), 1)).rejects.toThrow(/ks\/-80.*unknown table t/);
    expect(source.requests.filter((r) => r.shard === "-80")).toHaveLength(1);
  });

  it("gives up after the bounded number of failures in a row", async () => {
    const source = new FakeSource({
      "-80": () => from(new VtError(Code.UNAVAILABLE, "down")),
      "80-": () => from(),
    });
    await expect(collect(source, start("current", "current"), 1)).rejects.toThrow(
      /giving up after 4 attempts/,
    );
  });

  it("copies first when a shard has no position, tracks LASTPK and ends the copy with COPY_COMPLETED", async () => {
    const lastpk = (table: string, completed: boolean): VEvent =>
      ev(VEventType.LASTPK, {
        lastPKEvent: { tableLastPK: { tableName: table, lastpk: undefined }, completed },
      });
    const source = new FakeSource({
      "-80": () =>
        from(
          { events: [ev(VEventType.BEGIN), lastpk("t", false), ev(VEventType.ROW), ev(VEventType.COMMIT)] },
          {
            events: [
              lastpk("t", true),
              ev(VEventType.GTID, { gtid: "MariaDB/0-1-7" }),
              ev(VEventType.COPY_COMPLETED),
            ],
          },
          tx("MariaDB/0-1-8"),
        ),
      "80-": () =>
        from({ events: [ev(VEventType.GTID, { gtid: "MariaDB/0-2-3" }), ev(VEventType.COPY_COMPLETED)] }),
    });
    const events = await collect(source, start("", ""), 2);
    expect(source.requests[0]?.tableLastPKs).toEqual([{ tableName: "t", lastpk: undefined }]);
    const first = events.find((e) => e.type === VEventType.VGTID);
    expect(first?.vgtid?.shardGtids[0]?.tablePKs).toEqual([{ tableName: "t", lastpk: undefined }]);
    const completed = events.filter((e) => e.type === VEventType.COPY_COMPLETED);
    expect(completed.map((e) => `${e.keyspace}/${e.shard}`).sort()).toEqual(["/", "ks/-80", "ks/80-"]);
  });
});

describe("resolveShardGtids", () => {
  const srv = SrvKeyspace.fromPartial({
    partitions: [
      { servedType: TabletType.PRIMARY, shardReferences: [{ name: "-80" }, { name: "80-" }] },
      { servedType: TabletType.REPLICA, shardReferences: [{ name: "0" }] },
    ],
  });
  it("expands a keyspace-wide entry into the shards serving the tablet type", async () => {
    const shards = await resolveShardGtids(
      [{ keyspace: "ks", shard: "", gtid: "current", tablePKs: [] }],
      TabletType.PRIMARY,
      async () => srv,
    );
    expect(shards.map((s) => `${s.shard}@${s.gtid}`)).toEqual(["-80@current", "80-@current"]);
  });
  it("refuses an empty vgtid and a keyspace-wide specific position", async () => {
    await expect(resolveShardGtids([], TabletType.PRIMARY, async () => srv)).rejects.toThrow(/at least one/);
    await expect(
      resolveShardGtids(
        [{ keyspace: "ks", shard: "", gtid: "MariaDB/0-1-1", tablePKs: [] }],
        TabletType.PRIMARY,
        async () => srv,
      ),
    ).rejects.toThrow(/"" or "current"/);
  });
});
