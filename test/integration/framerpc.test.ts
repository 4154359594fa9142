import { createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFrameClient } from "../../libs/framerpc/index.js";
import { ExecuteRequest } from "../../libs/proto/query.js";
import { QueryService } from "../../libs/proto/queryservice.js";
import { TabletType } from "../../libs/proto/topodata.js";
import { Code, isVtError } from "../../libs/vterrors/index.js";
import { type ControlPlane, startControlPlane } from "../harness/cluster.js";
import { startMysqld, type TestMysqld } from "../harness/mysqld.js";
import { freePort } from "../harness/ports.js";
import { startVtgate, type VtgateHandle } from "../harness/vtgate.js";
import { startVttablet, type VttabletHandle } from "../harness/vttablet.js";

/**
 * vtgate over framerpc (its default --tablet-transport frame) and over gRPC (--tablet-transport grpc)
 * against a vttablet serving --frame-port (libs/framerpc): queries, transactions and MySQL errors behave
 * the same on both, and the tablet record publishes the frame port.
 */
describe("vtgate over framerpc", () => {
  let plane: ControlPlane;
  let mysqld: TestMysqld;
  let tablet: VttabletHandle;
  let vtgate: VtgateHandle;
  let grpcVtgate: VtgateHandle;
  let framePort: number;

  beforeAll(async () => {
    plane = await startControlPlane("framerpc");
    await plane.ok("CreateKeyspace", "--durability-policy", "none", "commerce");
    await plane.ok("CreateShard", "commerce/0");
    mysqld = await startMysqld(plane.dir, { uid: 100 });
    framePort = await freePort();
    tablet = await startVttablet({
      tabletPath: "zone1-100",
      keyspace: "commerce",
      shard: "0",
      topoAddress: plane.etcd.clientAddress,
      mysql: { socket: mysqld.socket, port: mysqld.port },
      dir: plane.dir,
      extraArgs: ["--frame-port", String(framePort)],
    });
    await plane.ok("PlannedReparentShard", "commerce/0", "--new-primary", "zone1-100");
    vtgate = await startVtgate({
      topoAddress: plane.etcd.clientAddress,
      dir: plane.dir,
      tabletTypesToWait: "PRIMARY",
      waitForServingTablets: 1,
    });
    grpcVtgate = await startVtgate({
      topoAddress: plane.etcd.clientAddress,
      dir: plane.dir,
      tabletTypesToWait: "PRIMARY",
      waitForServingTablets: 1,
      extraArgs: ["--tablet-transport", "grpc"],
    });
  }, 180_000);

  afterAll(async () => {
    await grpcVtgate?.stop();
    await vtgate?.stop();
    await tablet?.stop();
    await mysqld?.shutdown();
    await plane?.stop();
  }, 120_000);

  it("publishes the frame port in the tablet record", async () => {
    const info = JSON.parse(await plane.ok("GetTablet", "zone1-100")) as { port_map: Record<string, number> };
    expect(info.port_map.frame).toBe(framePort);
  });

  it.each([
    ["framerpc (the default)", () => vtgate, "t_frame"],
    ["gRPC", () => grpcVtgate, "t_grpc"],
  ] as const)(
    "over %s: runs statements, prepared statements and transactions, and keeps MySQL errors",
    async (_transport, gate, t) => {
      const conn = await createConnection({
        host: "127.0.0.1",
        port: gate().mysqlPort,
        user: "app",
        database: "commerce",
      });
      try {
        await conn.query(`create table ${t} (id int primary key, v varchar(20))`);
        await conn.query(`insert into ${t} values (1, 'one'), (2, 'two')`);
        const [rows] = await conn.execute(`select v from ${t} where id = ?`, [2]);
        expect(rows).toEqual([{ v: "two" }]);
        await conn.query("begin");
        await conn.query(`insert into ${t} values (3, 'three')`);
        await conn.query("rollback");
        const [count] = await conn.query({ sql: `select count(*) from ${t}`, rowsAsArray: true });
        expect(String((count as unknown[][])[0]?.[0])).toBe("2");
        await expect(conn.query("select * from nope")).rejects.toMatchObject({
          errno: 1146,
          sqlState: "42S02",
        });
        const [again] = await conn.query(`select v from ${t} where id = 1`);
        expect(again).toEqual([{ v: "one" }]);
      } finally {
        await conn.end();
      }
    },
  );

  it("kills the tablet's statement when the framerpc caller gives up (its deadline passes)", async () => {
    const client = createFrameClient(QueryService, "127.0.0.1", framePort);
    const dba = await mysqld.connect();
    try {
      const call = client.rpc.execute?.(
        ExecuteRequest.fromPartial({
          target: { keyspace: "commerce", shard: "0", tabletType: TabletType.PRIMARY, cell: "" },
          query: { sql: "select sleep(30) from dual /* framerpc-cancel */", bindVariables: {} },
        }),
        { timeoutMs: 500 },
      );
      const err = await (call as Promise<unknown>).then(
        () => new Error("zone1-100: the sleep answered instead of being cancelled"),
        (e: unknown) => e,
      );
      expect(isVtError(err, Code.DEADLINE_EXCEEDED), String(err)).toBe(true);
      // The CANCEL frame reaches the tablet, which sends KILL QUERY: the sleep leaves MariaDB's process list.
      await expect
        .poll(
          async () => {
            const [rows] = await dba.query({
              sql: "select count(*) from information_schema.processlist where info like '%framerpc-cancel%' and info not like '%processlist%'",
              rowsAsArray: true,
            });
            return Number((rows as unknown[][])[0]?.[0]);
          },
          { timeout: 10_000, interval: 200 },
        )
        .toBe(0);
    } finally {
      client.close();
      await dba.end();
    }
  });
});
