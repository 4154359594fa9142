import { afterEach, describe, expect, it } from "vitest";
import { HealthCheck } from "../../../libs/discovery/index.js";
import { FakeTablet, fakeDialer } from "../../../libs/discovery/testing/fake-tablet.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import {
  createMemoryTopoServer,
  deleteSrvVSchema,
  type TopoServer,
  updateSrvVSchema,
} from "../../../libs/topo/index.js";
import { createDefaultVindexRegistry } from "../../../libs/vindexes/index.js";
import { parseSrvVSchema } from "../../../libs/vschema/index.js";
import { SrvVSchemaWatcher } from "./srv-vschema-watcher.js";
import { TopologyView } from "./topology-view.js";

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("TopologyView and SrvVSchemaWatcher (memory topo)", () => {
  let ts: TopoServer | undefined;
  let hc: HealthCheck | undefined;
  let view: TopologyView | undefined;
  let watcher: SrvVSchemaWatcher | undefined;
  afterEach(async () => {
    watcher?.stop();
    view?.close();
    hc?.close();
    await ts?.close();
  });

  it("routes keyspaces seen on tablets without a VSchema, and follows SrvVSchema changes", async () => {
    ts = (await createMemoryTopoServer(["zone1"])).server;
    const primary = new FakeTablet("zone1-100", "commerce", "0", TabletType.PRIMARY);
    primary.record.dbNameOverride = "commerce_db";
    hc = new HealthCheck({ dialer: fakeDialer([primary]), localCell: "zone1", stream: { retryDelayMs: 10 } });
    hc.addTablet(primary.record);
    view = new TopologyView(hc, createDefaultVindexRegistry());
    const topology = view;
    await until("serving", () => hc?.tablets()[0]?.serving === true);

    // No SrvVSchema yet: the keyspace of the tablets routes, unsharded, any table.
    watcher = new SrvVSchemaWatcher(ts, "zone1", (srv) => topology.setSrvVSchema(srv), { retryDelayMs: 20 });
    await watcher.start();
    expect(topology.keyspaceNames()).toEqual(["commerce"]);
    expect(topology.vschema.findTable(undefined, "anything")?.keyspace.name).toBe("commerce");
    expect(topology.shardNames("commerce")).toEqual(["0"]);
    expect(topology.dbName("commerce")).toBe("commerce_db");
    expect(topology.dbName("other")).toBe("vt_other");
    const before = topology.version;

    // RebuildVSchemaGraph writes one: a second keyspace and a routing rule appear.
    await updateSrvVSchema(
      ts,
      "zone1",
      parseSrvVSchema({
        keyspaces: { commerce: { tables: { product: {} } }, customer: { tables: { customer: {} } } },
        routing_rules: { rules: [{ from_table: "customer", to_tables: ["commerce.customer"] }] },
      }),
    );
    await until("new VSchema", () => topology.keyspaceNames().length === 2);
    expect(topology.version).toBeGreaterThan(before);
    expect(topology.vschema.findRoutedTable(undefined, "customer")?.keyspace.name).toBe("commerce");

    await deleteSrvVSchema(ts, "zone1");
    await until("VSchema gone", () => topology.keyspaceNames().length === 1);
  });
});
