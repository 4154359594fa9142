/** The replication commands' payloads (without the 4-byte packet header) and the server's ERR packet. */
import type { Mysql56GtidSet } from "../replication/index.js";
import { Command } from "./constants.js";

export interface RegisterSlaveParams {
  serverId: number;
  hostname?: string;
  user?: string;
  password?: string;
  port?: number;
}

/** COM_REGISTER_SLAVE: makes the replica show in SHOW SLAVE HOSTS. */
export function registerSlavePayload(params: RegisterSlaveParams): Buffer {
  const hostname = Buffer.from(params.hostname ?? "", "utf8");
  const user = Buffer.from(params.user ?? "", "utf8");
  const password = Buffer.from(params.password ?? "", "utf8");
  const out = Buffer.alloc(1 + 4 + 1 + hostname.length + 1 + user.length + 1 + password.length + 2 + 4 + 4);
  let p = out.writeUInt8(Command.REGISTER_SLAVE, 0);
  p = out.writeUInt32LE(params.serverId, p);
  for (const field of [hostname, user, password]) {
    p = out.writeUInt8(field.length, p);
    p += field.copy(out, p);
  }
  p = out.writeUInt16LE(params.port ?? 0, p);
  p = out.writeUInt32LE(0, p); // replication rank
  out.writeUInt32LE(0, p); // master id
  return out;
}

export interface BinlogDumpParams {
  serverId: number;
  /** "" with MariaDB's @slave_connect_state: start from the GTID position. */
  file: string;
  position: number;
  flags: number;
}

/** COM_BINLOG_DUMP: position (4), flags (2), server id (4), file name. */
export function binlogDumpPayload(params: BinlogDumpParams): Buffer {
  const file = Buffer.from(params.file, "utf8");
  const out = Buffer.alloc(1 + 4 + 2 + 4 + file.length);
  let p = out.writeUInt8(Command.BINLOG_DUMP, 0);
  p = out.writeUInt32LE(params.position, p);
  p = out.writeUInt16LE(params.flags, p);
  p = out.writeUInt32LE(params.serverId, p);
  file.copy(out, p);
  return out;
}

/** The SID block of COM_BINLOG_DUMP_GTID: n_sids (8), then sid (16), n_intervals (8), [start, end) (8+8). */
export function encodeSidBlock(gtidSet: Mysql56GtidSet): Buffer {
  const size = 8 + gtidSet.reduce((sum, uuidSet) => sum + 16 + 8 + uuidSet.intervals.length * 16, 0);
  const out = Buffer.alloc(size);
  let p = out.writeBigUInt64LE(BigInt(gtidSet.length), 0);
  for (const { sid, intervals } of gtidSet) {
    p += Buffer.from(sid.replaceAll("-", ""), "hex").copy(out, p);
    p = out.writeBigUInt64LE(BigInt(intervals.length), p);
    for (const interval of intervals) {
      p = out.writeBigUInt64LE(interval.start, p);
      p = out.writeBigUInt64LE(interval.end + 1n, p);
    }
  }
  return out;
}

export interface BinlogDumpGtidParams {
  serverId: number;
  flags: number;
  gtidSet: Mysql56GtidSet;
  file?: string;
  position?: number;
}

/**
 * MySQL's COM_BINLOG_DUMP_GTID: flags (2), server id (4), file name length (4), file name, position (8),
 * SID block length (4) and SID block (flag BINLOG_THROUGH_GTID, always set here).
 */
export function binlogDumpGtidPayload(params: BinlogDumpGtidParams): Buffer {
  const file = Buffer.from(params.file ?? "", "utf8");
  const sids = encodeSidBlock(params.gtidSet);
  const out = Buffer.alloc(1 + 2 + 4 + 4 + file.length + 8 + 4 + sids.length);
  let p = out.writeUInt8(Command.BINLOG_DUMP_GTID, 0);
  p = out.writeUInt16LE(params.flags, p);
  p = out.writeUInt32LE(params.serverId, p);
  p = out.writeUInt32LE(file.length, p);
  p += file.copy(out, p);
  p = out.writeBigUInt64LE(BigInt(params.position ?? 4), p);
  p = out.writeUInt32LE(sids.length, p);
  sids.copy(out, p);
  return out;
}

export interface ServerError {
  errno: number;
  sqlState: string;
  message: string;
}

/** An ERR packet payload: 0xff, errno (2), '#', SQLSTATE (5), message. */
export function parseErrorPacket(buf: Buffer, start: number, end: number): ServerError {
  const errno = buf.readUInt16LE(start + 1);
  let p = start + 3;
  let sqlState = "HY000";
  if (buf[p] === 0x23) {
    sqlState = buf.toString("latin1", p + 1, p + 6);
    p += 6;
  }
  return { errno, sqlState, message: buf.toString("utf8", p, end) };
}
