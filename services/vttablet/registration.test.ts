import { beforeEach, describe, expect, it } from "vitest";
import { type Shard, Tablet, TabletType } from "../../libs/proto/topodata.js";
import {
  createMemoryTopoServer,
  getKeyspace,
  getShardReplication,
  getTablet,
  getVSchema,
  parseTabletAlias,
  type TopoServer,
  updateShardFields,
} from "../../libs/topo/index.js";
import { VtError } from "../../libs/vterrors/index.js";
import { checkCell, ensureKeyspaceAndShard, registerTablet, startingType } from "./registration.js";
import { silentLogger } from "./testing/fakes.js";

const ALIAS = parseTabletAlias("zone1-100");

function desired(overrides: Partial<Tablet> = {}): Tablet {
  return Tablet.fromPartial({
    alias: ALIAS,
    hostname: "localhost",
    portMap: { vt: 15100, grpc: 16100 },
    keyspace: "commerce",
    shard: "-80",
    type: TabletType.REPLICA,
    mysqlHostname: "127.0.0.1",
    mysqlPort: 17100,
    ...overrides,
  });
}

describe("registration", () => {
  let ts: TopoServer;
  let shard: Shard;

  beforeEach(async () => {
    ({ server: ts } = await createMemoryTopoServer(["zone1"]));
    shard = (await ensureKeyspaceAndShard(ts, "commerce", "-80", silentLogger)).shard;
  });

  it("creates the keyspace, its empty VSchema and the shard with its key range, once", async () => {
    await getKeyspace(ts, "commerce");
    expect(await getVSchema(ts, "commerce")).toMatchObject({ sharded: false });
    expect(shard.keyRange?.start).toEqual(Buffer.alloc(0));
    expect(shard.keyRange?.end).toEqual(Buffer.from([0x80]));
    await ensureKeyspaceAndShard(ts, "commerce", "-80", silentLogger);
  });

  it("refuses an unknown cell", async () => {
    await checkCell(ts, "zone1");
    await expect(checkCell(ts, "zone9")).rejects.toThrow(/cell zone9 does not exist/);
  });

  it("creates the record and lists it in ShardReplication; a restart updates it in place", async () => {
    const first = await registerTablet(
      ts,
      desired({ tags: { a: "1" } }),
      TabletType.REPLICA,
      shard,
      silentLogger,
    );
    expect(first.type).toBe(TabletType.REPLICA);
    const again = await registerTablet(
      ts,
      desired({ hostname: "h2" }),
      TabletType.RDONLY,
      shard,
      silentLogger,
    );
    expect(again.hostname).toBe("h2");
    expect(again.type).toBe(TabletType.RDONLY);
    expect(again.tags).toEqual({ a: "1" });
    const nodes = (await getShardReplication(ts, "zone1", "commerce", "-80")).shardReplication.nodes;
    expect(nodes).toEqual([{ tabletAlias: ALIAS }]);
  });

  it("refuses a record registered in another shard", async () => {
    await registerTablet(ts, desired(), TabletType.REPLICA, shard, silentLogger);
    const other = (await ensureKeyspaceAndShard(ts, "commerce", "80-", silentLogger)).shard;
    const err = await registerTablet(
      ts,
      desired({ shard: "80-" }),
      TabletType.REPLICA,
      other,
      silentLogger,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(VtError);
    expect((err as VtError).message).toMatch(/already registered in commerce\/-80/);
  });

  it("comes back PRIMARY when the shard record names it", async () => {
    await registerTablet(ts, desired(), TabletType.REPLICA, shard, silentLogger);
    const term = { seconds: 1_700_000_000, nanoseconds: 0 };
    const named = (
      await updateShardFields(ts, "commerce", "-80", (s) => {
        s.primaryAlias = ALIAS;
        s.primaryTermStartTime = term;
      })
    ).shard;
    const restarted = await registerTablet(ts, desired(), TabletType.REPLICA, named, silentLogger);
    expect(restarted.type).toBe(TabletType.PRIMARY);
    expect(restarted.primaryTermStartTime).toEqual(term);
    expect((await getTablet(ts, ALIAS)).tablet.type).toBe(TabletType.PRIMARY);
  });
});

describe("startingType (checkPrimaryShip)", () => {
  const term = (seconds: number) => ({ seconds, nanoseconds: 0 });
  const shardNaming = (uid: number | undefined, seconds: number): Shard => ({
    primaryAlias: uid === undefined ? undefined : { cell: "zone1", uid },
    primaryTermStartTime: term(seconds),
    keyRange: undefined,
    sourceShards: [],
    tabletControls: [],
    isPrimaryServing: true,
  });

  it("keeps an old PRIMARY record whose term is later than the shard's", () => {
    const existing = desired({ type: TabletType.PRIMARY, primaryTermStartTime: term(20) });
    expect(startingType(TabletType.REPLICA, shardNaming(101, 10), existing, desired())).toEqual({
      type: TabletType.PRIMARY,
      primaryTermStartTime: term(20),
    });
    expect(startingType(TabletType.REPLICA, shardNaming(101, 30), existing, desired()).type).toBe(
      TabletType.REPLICA,
    );
  });

  it("takes the init type otherwise", () => {
    expect(startingType(TabletType.RDONLY, shardNaming(undefined, 0), undefined, desired())).toEqual({
      type: TabletType.RDONLY,
      primaryTermStartTime: undefined,
    });
  });
});
