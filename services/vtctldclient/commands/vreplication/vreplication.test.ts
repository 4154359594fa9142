import { beforeEach, describe, expect, it } from "vitest";
import { defineFlags } from "../../../../libs/flags/index.js";
import { Keyspace as KeyspaceVSchema } from "../../../../libs/proto/vschema.js";
import { FakeVReplication } from "../../../../libs/vtctl/testing/fake-vreplication.js";
import { createTestVtctld, type TestVtctld } from "../../../../libs/vtctl/testing/fixtures.js";
import { addKeyspaceWithShards } from "../../../../libs/vtctl/testing/schema-fixtures.js";
import { errorMessage } from "../../../../libs/vterrors/index.js";
import type { VtctldClient } from "../../framework.js";
import { findCommand } from "../index.js";

const globals = defineFlags({ server: { type: "string", default: "", help: "server" } });
let vtctld: TestVtctld;

beforeEach(async () => {
  vtctld = await createTestVtctld(["zone1"]);
  await addKeyspaceWithShards(vtctld, "commerce", ["0"], 100);
  await addKeyspaceWithShards(vtctld, "customer", ["0"], 200);
  await vtctld.call("applyVSchema", {
    keyspace: "commerce",
    vSchema: KeyspaceVSchema.fromPartial({ tables: { customer: {}, corder: {}, product: {} } }),
  });
  new FakeVReplication(vtctld.tmc).setTables("zone1-0000000100", "customer", "corder", "product");
});

/** Runs a vtctldclient command line against the in-process Vtctld service (memory topo, fake tablets). */
async function vtctldclient(line: string): Promise<string> {
  const argv = line.split(" ").map((arg) => arg.replaceAll("'", ""));
  const client = new Proxy(
    {},
    {
      get: (_target, method: string) =>
        method === "then" ? undefined : (request: never) => vtctld.call(method as never, request),
    },
  ) as VtctldClient;
  const [name, ...rest] = argv;
  const command = findCommand(name as string);
  if (!command) throw new Error(`no command ${name}`);
  const out: string[] = [];
  await command.parse(rest, globals).run({
    client: async () => client,
    print: (text) => out.push(text),
    printErr: () => undefined,
  });
  return out.join("\n");
}

const MT = "MoveTables --target-keyspace customer --workflow commerce2customer";

describe("seed 004 through vtctldclient", () => {
  it("create, status, show, SwitchTraffic, reverse workflow, complete, list", async () => {
    expect(await vtctldclient(`${MT} create --source-keyspace commerce --tables 'customer,corder'`)).toMatch(
      /^The following vreplication streams exist for workflow customer.commerce2customer:\n\nid=1 on customer\/zone1-200: Status: Running. VStream Lag: 0s.\n\nTraffic State: Reads Not Switched. Writes Not Switched$/,
    );
    const rules = JSON.parse(await vtctldclient("GetRoutingRules")) as { rules: unknown[] };
    expect(rules.rules).toHaveLength(16);

    const status = JSON.parse(await vtctldclient(`${MT} status --format=json`));
    expect(status).toEqual({
      table_copy_state: {},
      shard_streams: {
        "customer/0": {
          streams: [
            {
              id: 1,
              tablet: { cell: "zone1", uid: 200 },
              source_shard: "commerce/0",
              position: "MariaDB/0-1-5",
              status: "Running",
              info: "VStream Lag: 0s",
            },
          ],
        },
      },
      traffic_state: "Reads Not Switched. Writes Not Switched",
    });
    const show = JSON.parse(await vtctldclient(`${MT} show --include-logs=false`));
    expect(show.workflows[0]).toMatchObject({
      name: "commerce2customer",
      source: { keyspace: "commerce", shards: ["0"] },
      target: { keyspace: "customer", shards: ["0"] },
      workflow_type: "MoveTables",
      workflow_sub_type: "None",
    });
    expect(
      show.workflows[0].shard_streams["0/zone1-0000000200"].streams[0].binlog_source.filter.rules[0],
    ).toMatchObject({
      match: "customer",
      filter: "select * from customer",
    });

    expect(await vtctldclient(`${MT} SwitchTraffic`)).toBe(
      "SwitchTraffic was successful for workflow customer.commerce2customer\n\nStart State: Reads Not Switched. Writes Not Switched\nCurrent State: All Reads Switched. Writes Switched",
    );
    const reverse = JSON.parse(
      await vtctldclient("Workflow --keyspace commerce show --workflow commerce2customer_reverse"),
    );
    expect(reverse.workflows[0].shard_streams["0/zone1-0000000100"].tablet_controls).toEqual([
      { tablet_type: "PRIMARY", cells: [], denied_tables: ["corder", "customer"], frozen: false },
    ]);
    expect(await vtctldclient(`${MT} complete`)).toBe(
      "Successfully completed the commerce2customer workflow in the customer keyspace",
    );
    expect(await vtctldclient("GetRoutingRules")).toBe('{\n  "rules": []\n}');
    expect(await vtctldclient("Workflow --keyspace customer list")).toBe("[]");
    expect(await vtctldclient("Workflow --keyspace commerce list")).toBe("[]");
  });

  it("keeps the old names: Migrate, MigrateReads, MigrateWrites, SwitchReads, SwitchWrites", async () => {
    await vtctldclient("Migrate --workflow=commerce2customer commerce customer customer,corder");
    expect(await vtctldclient("Workflow --keyspace customer list")).toBe('[\n  "commerce2customer"\n]');
    expect(await vtctldclient("MigrateReads --tablet_type=rdonly customer.commerce2customer")).toMatch(
      /Current State: Reads partially switched. Replica not switched. All Rdonly Reads Switched. Writes Not Switched$/,
    );
    expect(await vtctldclient("SwitchReads --tablet_types=replica customer.commerce2customer")).toMatch(
      /Current State: All Reads Switched. Writes Not Switched$/,
    );
    expect(await vtctldclient("SwitchWrites customer.commerce2customer")).toMatch(
      /Current State: All Reads Switched. Writes Switched$/,
    );
    expect(await vtctldclient(`${MT} ReverseTraffic`)).toMatch(
      /^ReverseTraffic was successful[\s\S]*Current State: Reads Not Switched. Writes Not Switched$/,
    );
    expect(
      await vtctldclient("MigrateWrites --dry-run customer.commerce2customer").catch(errorMessage),
    ).toMatch(/before reads/);
  });

  it("stop, start and cancel", async () => {
    await vtctldclient(`${MT} create --source-keyspace commerce --tables customer,corder`);
    expect(await vtctldclient(`${MT} stop`)).toBe(
      "Successfully updated the commerce2customer workflow on (1) target primary tablets in the customer keyspace",
    );
    expect(
      JSON.parse(await vtctldclient(`${MT} status --format json`)).shard_streams["customer/0"].streams[0]
        .status,
    ).toBe("Stopped");
    await vtctldclient("Workflow --keyspace customer start --workflow commerce2customer");
    expect(await vtctldclient(`${MT} cancel`)).toBe(
      "Successfully cancelled the commerce2customer workflow in the customer keyspace",
    );
    expect(await vtctldclient("GetRoutingRules")).toBe('{\n  "rules": []\n}');
  });
});
