import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { Target } from "../../../libs/proto/query.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import { Code, type VtError } from "../../../libs/vterrors/index.js";
import { TabletServer } from "./tablet-server.js";

const PRIMARY: Target = { keyspace: "commerce", shard: "0", tabletType: TabletType.PRIMARY, cell: "zone1" };

/** A TabletServer that is never opened: nothing here connects to MySQL. */
function unopened() {
  return new TabletServer(
    {
      alias: { cell: "zone1", uid: 100 },
      dbName: "vt_commerce",
      mysql: { host: "127.0.0.1", port: 1 },
      appUser: "vt_app",
      appPassword: "",
      dbaUser: "vt_dba",
      dbaPassword: "",
      poolSize: 1,
      streamPoolSize: 1,
      txPoolSize: 1,
      queryTimeoutMs: 0,
      txTimeoutMs: 0,
      maxResultRows: 0,
    },
    pino({ level: "silent" }),
    new Registry(),
  );
}

describe("TabletServer without MySQL", () => {
  it("reports health from the state it is given; serving only once open", async () => {
    const tablet = unopened();
    expect(tablet.currentHealth()).toMatchObject({
      serving: false,
      tabletAlias: { cell: "zone1", uid: 100 },
    });
    tablet.setState({ target: PRIMARY, serving: true, primaryTermStartTime: 1_700_000_000 });
    tablet.setReplicationHealth({ lagSeconds: 2.4, error: "io thread stopped" });
    expect(tablet.currentHealth()).toMatchObject({
      target: PRIMARY,
      serving: false,
      primaryTermStartTimestamp: 1_700_000_000,
      realtimeStats: { replicationLagSeconds: 2, healthError: "io thread stopped" },
    });
    tablet.setState({
      target: { ...PRIMARY, tabletType: TabletType.REPLICA },
      serving: true,
      primaryTermStartTime: 5,
    });
    expect(tablet.currentHealth().primaryTermStartTimestamp).toBe(0);
    await tablet.close(10);
  });

  it("refuses calls before open and after close, saying it is not serving", async () => {
    const tablet = unopened();
    tablet.setState({ target: PRIMARY, serving: true, primaryTermStartTime: 0 });
    const err = (await tablet
      .execute(PRIMARY, { sql: "select 1", bindVariables: {} }, 0, undefined)
      .catch((e: unknown) => e)) as VtError;
    expect(err.code).toBe(Code.UNAVAILABLE);
    expect(err.message).toContain("operation not allowed in state NOT_SERVING");
    await tablet.close(10);
    await expect(tablet.open()).rejects.toThrow("is closed");
    const stream = tablet.streamExecute(PRIMARY, { sql: "select 1", bindVariables: {} }, 0, undefined);
    await expect(stream.next()).rejects.toMatchObject({ code: Code.UNAVAILABLE });
  });

  it("fails open with UNAVAILABLE naming the tablet when MySQL is unreachable, and can retry", async () => {
    const tablet = unopened();
    const err = (await tablet.open().catch((e: unknown) => e)) as VtError;
    expect(err.code).toBe(Code.UNAVAILABLE);
    expect(err.message).toContain("tablet zone1-0000000100: cannot open the query service");
    await expect(tablet.open()).rejects.toMatchObject({ code: Code.UNAVAILABLE });
    await tablet.close(10);
  });
});
