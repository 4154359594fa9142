import { describe, expect, it } from "vitest";
import { mycnfDirectories, newMycnf, padUid, parseMycnf, renderMycnf, tabletDir } from "./mycnf.js";

function settings(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#") || line.startsWith("[")) continue;
    const [key = "", value = ""] = line.split(" = ");
    map.set(key, value);
  }
  return map;
}

describe("padUid / tabletDir", () => {
  it("pads the uid to 10 digits like tablet aliases", () => {
    expect(padUid(100)).toBe("0000000100");
    expect(padUid(0)).toBe("0000000000");
    expect(padUid(4294967295)).toBe("4294967295");
    expect(tabletDir("/vt", 101)).toBe("/vt/vt_0000000101");
  });

  it("rejects uids that cannot be a server-id", () => {
    expect(() => padUid(-1)).toThrow(/invalid tablet uid -1/);
    expect(() => padUid(1.5)).toThrow(/invalid tablet uid 1.5/);
    expect(() => padUid(2 ** 32)).toThrow(/invalid tablet uid 4294967296/);
  });
});

describe("newMycnf", () => {
  it("lays the tablet out as Vitess does", () => {
    const cnf = newMycnf({ vtDataRoot: "/vt", uid: 100, port: 17100 });
    expect(cnf).toEqual({
      path: "/vt/vt_0000000100/my.cnf",
      tabletDir: "/vt/vt_0000000100",
      serverId: 100,
      port: 17100,
      dataDir: "/vt/vt_0000000100/data",
      innodbDataHomeDir: "/vt/vt_0000000100/innodb/data",
      innodbLogGroupHomeDir: "/vt/vt_0000000100/innodb/logs",
      socketFile: "/vt/vt_0000000100/mysql.sock",
      pidFile: "/vt/vt_0000000100/mysql.pid",
      errorLogPath: "/vt/vt_0000000100/error.log",
      slowLogPath: "/vt/vt_0000000100/slow-query.log",
      tmpDir: "/vt/vt_0000000100/tmp",
      binLogPath: "/vt/vt_0000000100/bin-logs/vt-0000000100-bin",
      relayLogPath: "/vt/vt_0000000100/relay-logs/vt-0000000100-relay-bin",
      relayLogIndexPath: "/vt/vt_0000000100/relay-logs/vt-0000000100-relay-bin.index",
    });
    expect(mycnfDirectories(cnf)).toContain("/vt/vt_0000000100/bin-logs");
  });

  it("takes an explicit socket path", () => {
    expect(newMycnf({ vtDataRoot: "/vt", uid: 1, port: 1, socketFile: "/run/s.sock" }).socketFile).toBe(
      "/run/s.sock",
    );
  });
});

describe("renderMycnf", () => {
  const cnf = newMycnf({ vtDataRoot: "/vt", uid: 100, port: 17100 });
  const text = renderMycnf(cnf);
  const values = settings(text);

  it("starts with the [mysqld] section", () => {
    expect(text.split("\n")[1]).toBe("[mysqld]");
  });

  it("identifies the instance and its files", () => {
    expect(values.get("server-id")).toBe("100");
    expect(values.get("port")).toBe("17100");
    expect(values.get("bind-address")).toBe("127.0.0.1");
    expect(values.get("socket")).toBe(cnf.socketFile);
    expect(values.get("datadir")).toBe(cnf.dataDir);
    expect(values.get("pid-file")).toBe(cnf.pidFile);
    expect(values.get("log-error")).toBe(cnf.errorLogPath);
    expect(values.get("log-bin")).toBe("/vt/vt_0000000100/bin-logs/vt-0000000100-bin");
    expect(values.get("relay-log")).toBe(cnf.relayLogPath);
  });

  it("configures row-based replication with strict GTIDs", () => {
    expect(values.get("binlog_format")).toBe("ROW");
    expect(values.get("binlog_row_image")).toBe("FULL");
    expect(values.get("binlog_row_metadata")).toBe("FULL");
    expect(values.get("gtid_strict_mode")).toBe("1");
    expect(values.has("log_slave_updates")).toBe(true);
    expect(values.has("read-only")).toBe(true);
    expect(values.has("skip_slave_start")).toBe(true);
  });

  it("uses utf8mb4, skips name resolution and stays small", () => {
    expect(values.get("character_set_server")).toBe("utf8mb4");
    expect(values.has("skip-name-resolve")).toBe(true);
    expect(values.get("innodb_buffer_pool_size")).toBe("64M");
    expect(values.get("max_allowed_packet")).toBe("64M");
    expect(values.get("performance_schema")).toBe("OFF");
  });

  it("names the OS user only when asked (running as root)", () => {
    expect(values.has("user")).toBe(false);
    expect(settings(renderMycnf(cnf, { osUser: "root" })).get("user")).toBe("root");
  });

  it("appends extra fragments", () => {
    const withExtra = renderMycnf(cnf, { extra: ["max_connections = 50\n"] });
    expect(withExtra.endsWith("\nmax_connections = 50\n")).toBe(true);
  });
});

describe("parseMycnf", () => {
  it("reads back what renderMycnf wrote", () => {
    const cnf = newMycnf({ vtDataRoot: "/vt", uid: 7, port: 17007, socketFile: "/tmp/x.sock" });
    expect(parseMycnf(renderMycnf(cnf, { osUser: "root" }), cnf.path)).toEqual(cnf);
  });

  it("fills paths missing from a hand-written file with the standard layout", () => {
    const parsed = parseMycnf("[client]\nport = 1\n[mysqld]\nserver_id = 5\nport=3307\n", "/data/t5/my.cnf");
    expect(parsed.port).toBe(3307);
    expect(parsed.serverId).toBe(5);
    expect(parsed.socketFile).toBe("/data/t5/mysql.sock");
    expect(parsed.binLogPath).toBe("/data/t5/bin-logs/vt-0000000005-bin");
  });

  it("requires server-id and port", () => {
    expect(() => parseMycnf("[mysqld]\nport = 3306\n", "/x/my.cnf")).toThrow(/server-id and port/);
  });
});
