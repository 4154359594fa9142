import { describe, expect, it } from "vitest";
import { FlagError, parseFlags } from "../../libs/flags/index.js";
import { TabletType } from "../../libs/proto/topodata.js";
import { resolveConfig, vttabletFlags } from "./flags.js";

const base = [
  "--tablet-path",
  "zone1-100",
  "--init-keyspace",
  "commerce",
  "--init-shard",
  "0",
  "--port",
  "15100",
  "--grpc-port",
  "16100",
];

function config(extra: string[]) {
  return resolveConfig(parseFlags(vttabletFlags, [...base, ...extra]).values);
}

describe("vttablet flags", () => {
  it("resolve defaults like Vitess", () => {
    const c = config(["--db-socket", "/tmp/mysql.sock", "--mysql-port", "17100"]);
    expect(c.alias).toEqual({ cell: "zone1", uid: 100 });
    expect(c.initType).toBe(TabletType.REPLICA);
    expect(c.dbName).toBe("vt_commerce");
    expect(c.dbNameOverride).toBe("");
    expect(c.mysql).toEqual({ socket: "/tmp/mysql.sock" });
    expect(c.mysqlHostname).toBe("127.0.0.1");
    expect(c.mysqlPort).toBe(17100);
    expect(c.roles.dba.user).toBe("vt_dba");
    expect(c.roles.repl.user).toBe("vt_repl");
  });

  it("accept underscores and TCP mysqld", () => {
    const c = resolveConfig(
      parseFlags(vttabletFlags, [
        "--tablet_path=zone1-101",
        "--init_keyspace=ks",
        "--init_shard=-80",
        "--init_tablet_type=rdonly",
        "--init_db_name_override=other",
        "--port=1",
        "--grpc_port=2",
        "--db_host=10.0.0.5",
        "--db_port=3306",
      ]).values,
    );
    expect(c.initType).toBe(TabletType.RDONLY);
    expect(c.dbName).toBe("other");
    expect(c.mysql).toEqual({ host: "10.0.0.5", port: 3306 });
    expect(c.mysqlHostname).toBe("10.0.0.5");
    expect(c.mysqlPort).toBe(3306);
  });

  it("reject what Vitess rejects", () => {
    expect(() => config(["--init-tablet-type", "primary", "--db-socket", "s"])).toThrow(FlagError);
    expect(() => config(["--init-tablet-type", "bogus", "--db-socket", "s"])).toThrow(/unknown type "bogus"/);
    expect(() => config([])).toThrow(/--db-socket/);
    expect(() => resolveConfig(parseFlags(vttabletFlags, ["--tablet-path", "zone1"]).values)).toThrow(
      /invalid tablet alias/,
    );
    expect(() => resolveConfig(parseFlags(vttabletFlags, []).values)).toThrow(/--tablet-path is required/);
  });
});
