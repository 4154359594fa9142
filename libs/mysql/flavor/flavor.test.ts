import { describe, expect, it } from "vitest";
import { encodePosition, parsePosition } from "../replication/index.js";
import {
  flavorForVersion,
  isReplicationRunning,
  mariadbFlavor,
  mysqlFlavor,
  ReplicationState,
  replicationStatusToProto,
  type StatusRow,
} from "./index.js";

describe("MariaDB flavor", () => {
  it("points replication at a source by GTID (current_pos) with escaped credentials", () => {
    const sql = mariadbFlavor.setReplicationSourceCommand({
      host: "127.0.0.1",
      port: 17100,
      user: "vt_repl",
      password: "it's",
      connectRetrySeconds: 10,
    });
    expect(sql).toBe(
      "CHANGE MASTER TO\n  MASTER_HOST = '127.0.0.1',\n  MASTER_PORT = 17100,\n  MASTER_USER = 'vt_repl',\n" +
        "  MASTER_PASSWORD = 'it\\'s',\n  MASTER_CONNECT_RETRY = 10,\n  MASTER_USE_GTID = current_pos",
    );
  });

  it("sets a position by resetting the binlog, then gtid_slave_pos and gtid_binlog_state", () => {
    expect(mariadbFlavor.setReplicationPositionCommands(parsePosition("MariaDB/0-100-5"))).toEqual([
      "RESET MASTER",
      "SET GLOBAL gtid_slave_pos = '0-100-5'",
      "SET GLOBAL gtid_binlog_state = '0-100-5'",
    ]);
    expect(mariadbFlavor.setReplicationPositionCommands(parsePosition(""))[1]).toBe(
      "SET GLOBAL gtid_slave_pos = ''",
    );
  });

  it("uses read_only (MariaDB has no super_read_only)", () => {
    expect(mariadbFlavor.setReadOnlyCommands(true)).toEqual(["SET GLOBAL read_only = ON"]);
    expect(mariadbFlavor.setReadOnlyCommands(false)).toEqual(["SET GLOBAL read_only = OFF"]);
  });

  it("parses SHOW ALL SLAVES STATUS, picking the default connection", () => {
    const rows: StatusRow[] = [
      { Connection_name: "other", Master_Host: "elsewhere" },
      {
        Connection_name: "",
        Master_Host: "127.0.0.1",
        Master_User: "vt_repl",
        Master_Port: "17100",
        Connect_Retry: "10",
        Master_Log_File: "vt-0000000100-bin.000001",
        Read_Master_Log_Pos: "1234",
        Relay_Master_Log_File: "vt-0000000100-bin.000001",
        Exec_Master_Log_Pos: "1200",
        Slave_IO_Running: "Yes",
        Slave_SQL_Running: "Yes",
        Seconds_Behind_Master: "3",
        Last_IO_Error: "",
        Last_SQL_Error: "",
        Master_Server_Id: "100",
        Using_Gtid: "Current_Pos",
        Gtid_Slave_Pos: "0-100-7",
        SQL_Delay: "0",
        Replicate_Do_DB: "",
      },
    ];
    const row = mariadbFlavor.pickReplicationStatusRow(rows);
    expect(row?.Master_Host).toBe("127.0.0.1");
    const status = mariadbFlavor.parseReplicationStatus(row!);
    expect(encodePosition(status.position)).toBe("MariaDB/0-100-7");
    expect(status.ioState).toBe(ReplicationState.Running);
    expect(status.sqlState).toBe(ReplicationState.Running);
    expect(status.replicationLagSeconds).toBe(3);
    expect(status.replicationLagUnknown).toBe(false);
    expect(status.usingGtid).toBe(true);
    expect(status.hasReplicationFilters).toBe(false);
    expect(isReplicationRunning(status)).toBe(true);
    const proto = replicationStatusToProto(status);
    expect(proto.filePosition).toBe("FilePos/vt-0000000100-bin.000001:1200");
    expect(proto.sourcePort).toBe(17100);
    expect(proto.sourceServerId).toBe(100);
  });

  it("reports unknown lag and stopped threads", () => {
    const status = mariadbFlavor.parseReplicationStatus({
      Connection_name: "",
      Slave_IO_Running: "Connecting",
      Slave_SQL_Running: "No",
      Seconds_Behind_Master: null,
      Gtid_Slave_Pos: "",
      Last_SQL_Error: "Duplicate entry",
    });
    expect(status.ioState).toBe(ReplicationState.Connecting);
    expect(status.sqlState).toBe(ReplicationState.Stopped);
    expect(status.replicationLagUnknown).toBe(true);
    expect(isReplicationRunning(status)).toBe(false);
    expect(encodePosition(status.position)).toBe("");
  });
});

describe("MySQL flavor", () => {
  it("uses SOURCE_AUTO_POSITION and super_read_only", () => {
    const sql = mysqlFlavor.setReplicationSourceCommand({
      host: "db1",
      port: 3306,
      user: "vt_repl",
      password: "",
      connectRetrySeconds: 10,
      heartbeatIntervalSeconds: 1,
    });
    expect(sql).toContain("CHANGE REPLICATION SOURCE TO");
    expect(sql).toContain("SOURCE_HEARTBEAT_PERIOD = 1");
    expect(sql).toContain("SOURCE_AUTO_POSITION = 1");
    expect(mysqlFlavor.setReadOnlyCommands(true)).toContain("SET GLOBAL super_read_only = ON");
    expect(mysqlFlavor.setReadOnlyCommands(false)[0]).toBe("SET GLOBAL super_read_only = OFF");
  });

  it("parses SHOW REPLICA STATUS with multi-line GTID sets", () => {
    const uuid = "00000000-0000-0000-0000-000000000001";
    const status = mysqlFlavor.parseReplicationStatus({
      Channel_Name: "",
      Source_Host: "db1",
      Source_Port: "3306",
      Replica_IO_Running: "Yes",
      Replica_SQL_Running: "Yes",
      Seconds_Behind_Source: "0",
      Executed_Gtid_Set: `${uuid}:1-5,\n${uuid.replace(/1$/, "2")}:1-2`,
      Retrieved_Gtid_Set: `${uuid}:1-7`,
      Auto_Position: "1",
    });
    expect(encodePosition(status.position)).toBe(`MySQL56/${uuid}:1-5,${uuid.replace(/1$/, "2")}:1-2`);
    expect(encodePosition(status.relayLogPosition)).toContain(`${uuid}:1-7`);
    expect(status.usingGtid).toBe(true);
  });

  it("is chosen by @@version", () => {
    expect(flavorForVersion("10.11.6-MariaDB-0+deb12u1-log")).toBe(mariadbFlavor);
    expect(flavorForVersion("8.0.36")).toBe(mysqlFlavor);
  });
});
