import { afterEach, describe, expect, it } from "vitest";
import { SrvKeyspace, TabletType } from "../proto/topodata.js";
import { Keyspace as KeyspaceVSchema, RoutingRules, SrvVSchema } from "../proto/vschema.js";
import { TopoError, TopoErrorCode } from "./errors.js";
import type { RecordEvent } from "./records.js";
import { getRoutingRules, saveRoutingRules } from "./routing-rules.js";
import { createMemoryTopoServer, type TopoServer } from "./server.js";
import { getSrvKeyspace, getSrvKeyspaceNames, updateSrvKeyspace } from "./srv-keyspace.js";
import { getSrvVSchema, updateSrvVSchema, watchSrvVSchema } from "./srv-vschema.js";
import { deleteVSchema, getVSchema, getVSchemaVersioned, saveVSchema } from "./vschema.js";

const servers: TopoServer[] = [];
async function memoryServer(): Promise<TopoServer> {
  const { server } = await createMemoryTopoServer(["zone1", "zone2"]);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function code(promise: Promise<unknown>): Promise<TopoErrorCode> {
  const err = await promise.then(
    () => expect.fail("expected a rejection"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TopoError);
  return (err as TopoError).code;
}

async function next<T>(iterator: AsyncIterator<RecordEvent<T>>): Promise<RecordEvent<T> | "end"> {
  const result = await Promise.race([
    iterator.next(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no event within 2 s")), 2_000)),
  ]);
  return result.done ? "end" : result.value;
}

describe("serving records", () => {
  it("writes SrvKeyspace per cell", async () => {
    const server = await memoryServer();
    expect(await code(getSrvKeyspace(server, "zone1", "commerce"))).toBe(TopoErrorCode.NoNode);
    const srv = SrvKeyspace.create({
      partitions: [
        {
          servedType: TabletType.PRIMARY,
          shardReferences: [{ name: "0", keyRange: undefined }],
          shardTabletControls: [],
        },
      ],
    });
    await updateSrvKeyspace(server, "zone1", "commerce", srv);
    await updateSrvKeyspace(server, "zone1", "commerce", srv);
    expect(await getSrvKeyspace(server, "zone1", "commerce")).toEqual(srv);
    expect(await getSrvKeyspaceNames(server, "zone1")).toEqual(["commerce"]);
    expect(await getSrvKeyspaceNames(server, "zone2")).toEqual([]);
    expect(await code(getSrvKeyspace(server, "zone2", "commerce"))).toBe(TopoErrorCode.NoNode);
  });

  it("saves and reads a keyspace VSchema", async () => {
    const server = await memoryServer();
    expect(await code(getVSchema(server, "customer"))).toBe(TopoErrorCode.NoNode);
    const vschema = KeyspaceVSchema.fromPartial({
      sharded: true,
      vindexes: { hash: { type: "hash" } },
      tables: { customer: { columnVindexes: [{ column: "customer_id", name: "hash" }] } },
    });
    await saveVSchema(server, "customer", vschema);
    expect(await getVSchema(server, "customer")).toEqual(vschema);
    const { version } = await getVSchemaVersioned(server, "customer");
    await saveVSchema(server, "customer", KeyspaceVSchema.create(), version);
    expect(await code(saveVSchema(server, "customer", vschema, version))).toBe(TopoErrorCode.BadVersion);
    await deleteVSchema(server, "customer");
    expect(await code(getVSchema(server, "customer"))).toBe(TopoErrorCode.NoNode);
  });

  it("treats missing routing rules as empty and deletes them when saved empty", async () => {
    const server = await memoryServer();
    expect(await getRoutingRules(server)).toEqual(RoutingRules.create());
    const rules = RoutingRules.create({
      rules: [{ fromTable: "customer", toTables: ["commerce.customer"] }],
    });
    await saveRoutingRules(server, rules);
    expect(await getRoutingRules(server)).toEqual(rules);
    await saveRoutingRules(server, RoutingRules.create());
    expect(await code(server.globalConn.get("RoutingRules"))).toBe(TopoErrorCode.NoNode);
    await saveRoutingRules(server, RoutingRules.create());
  });

  it("watches SrvVSchema: current value, decoded changes, then deletion", async () => {
    const server = await memoryServer();
    expect(await code(watchSrvVSchema(server, "zone1"))).toBe(TopoErrorCode.NoNode);
    const first = SrvVSchema.fromPartial({ keyspaces: { commerce: { sharded: false } } });
    await updateSrvVSchema(server, "zone1", first);
    expect(await getSrvVSchema(server, "zone1")).toEqual(first);

    const watch = await watchSrvVSchema(server, "zone1");
    expect(watch.current.value).toEqual(first);
    const second = SrvVSchema.fromPartial({ keyspaces: { commerce: {}, customer: { sharded: true } } });
    await updateSrvVSchema(server, "zone1", second);
    await updateSrvVSchema(server, "zone2", first); // another cell: not seen
    await (await server.connForCell("zone1")).delete("SrvVSchema", null);

    const iterator = watch.changes[Symbol.asyncIterator]();
    const changed = await next(iterator);
    expect(changed !== "end" && changed.kind === "changed" && changed.value).toEqual(second);
    expect(await next(iterator)).toEqual({ kind: "deleted" });
    expect(await next(iterator)).toBe("end");
  });

  it("ends a SrvVSchema watch with an error naming the path when a change cannot be decoded", async () => {
    const server = await memoryServer();
    await updateSrvVSchema(server, "zone1", SrvVSchema.create());
    const watch = await watchSrvVSchema(server, "zone1");
    await (await server.connForCell("zone1")).update("SrvVSchema", new Uint8Array([0xff, 0xff, 0xff]), null);
    const iterator = watch.changes[Symbol.asyncIterator]();
    const event = await next(iterator);
    expect(event !== "end" && event.kind === "error" && event.error.message).toContain("SrvVSchema");
    expect(await next(iterator)).toBe("end");
  });
});
