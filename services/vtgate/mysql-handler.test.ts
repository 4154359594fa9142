import { afterEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../libs/mysql/server/testing/test-server.js";
import { Type } from "../../libs/proto/query.js";
import { localField, localResult } from "./engine/results.js";
import { VtgateMysqlHandler } from "./mysql-handler.js";
import { createSandbox, type Sandbox } from "./testing/sandbox.js";

const TABLETS = [
  "zone1-100 commerce 0 PRIMARY",
  "zone1-101 commerce 0 REPLICA",
  "zone1-102 commerce 0 RDONLY",
];

describe("VtgateMysqlHandler over the MySQL protocol", () => {
  let sb: Sandbox | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    sb?.close();
  });

  async function setup(): Promise<{ sb: Sandbox; server: TestServer }> {
    sb = await createSandbox({ tablets: TABLETS });
    const handler = new VtgateMysqlHandler(sb.executor, { queryTimeoutMs: 0 });
    server = await startTestServer(handler);
    return { sb, server };
  }

  it("takes the target from the handshake database and from USE", async () => {
    const { sb, server } = await setup();
    const conn = await server.connect({ database: "commerce@replica" });
    await conn.query("select * from t1");
    expect(sb.tablet(101).queries()).toEqual(["select * from t1"]);
    await conn.query("use commerce@rdonly");
    await conn.query("select * from t2");
    expect(sb.tablet(102).queries()).toEqual(["select * from t2"]);
    const err = await server.connect({ database: "nosuch" }).catch((e: { errno: number }) => e);
    expect((err as { errno: number }).errno).toBe(1049);
  });

  it("runs prepared statements with their parameters as :vN bind variables", async () => {
    const { sb, server } = await setup();
    const conn = await server.connect({ database: "commerce" });
    await conn.execute("insert into t (a, b, c) values (?, ?, ?)", [5, "x", null]);
    const call = sb.tablet(100).calls[0];
    expect(call?.sql).toBe("insert into t (a, b, c) values (:v1, :v2, :v3)");
    // mysql2 sends JavaScript numbers as DOUBLE parameters.
    expect(call?.bindVariables.v1?.type).toBe(Type.FLOAT64);
    expect(call?.bindVariables.v1?.value.toString()).toBe("5");
    expect(call?.bindVariables.v2?.value.toString()).toBe("x");
    expect(call?.bindVariables.v3?.type).toBe(Type.NULL_TYPE);
    const err = await conn.execute("selec ?", [1]).catch((e: { errno: number }) => e);
    expect((err as { errno: number }).errno).toBe(1064);
  });

  it("streams results in an OLAP session and answers vtgate's own statements", async () => {
    const { sb, server } = await setup();
    sb.tablet(100).answer("select a from t", localResult([localField("a")], [["1"], ["2"], ["3"]]));
    const conn = await server.connect({ database: "commerce" });
    await conn.query("set workload = 'olap'");
    const [rows] = await conn.query("select a from t");
    expect(rows).toEqual([{ a: "1" }, { a: "2" }, { a: "3" }]);
    expect(sb.tablet(100).callsOf("streamExecute")).toHaveLength(1);
    const [version] = await conn.query("select @@version as v, database() as db");
    expect(version).toEqual([{ v: "8.0.40-Vitess", db: "commerce" }]);
  });

  it("rolls back an open transaction when the client goes away", async () => {
    const { sb, server } = await setup();
    const conn = await server.connect({ database: "commerce" });
    await conn.query("begin");
    await conn.query("insert into t values (1)");
    expect(sb.tablet(100).transactions.size).toBe(1);
    conn.destroy();
    const deadline = Date.now() + 2_000;
    while (sb.tablet(100).transactions.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(sb.tablet(100).transactions.size).toBe(0);
  });
});
