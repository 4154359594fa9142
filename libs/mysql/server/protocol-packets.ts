/** Builders for the server's fixed-format packets: handshake, auth switch, OK, EOF, ERR, column definitions. */
import type { Field } from "../../proto/query.js";
import { defaultCollation, typeToMysql } from "../mysql-types.js";
import { NATIVE_PASSWORD_PLUGIN, PacketHeader, PROTOCOL_VERSION } from "./constants.js";
import type { PacketWriter } from "./packet-writer.js";

export interface HandshakeParams {
  serverVersion: string;
  connectionId: number;
  /** 20 bytes of scramble. */
  salt: Buffer;
  capabilities: number;
  charset: number;
  status: number;
}

/** The Initial Handshake Packet (protocol 10), advertising mysql_native_password. */
export function writeHandshakeV10(w: PacketWriter, p: HandshakeParams): void {
  w.begin(128);
  w.u8(PROTOCOL_VERSION);
  w.nullString(p.serverVersion);
  w.u32(p.connectionId);
  w.bytes(p.salt, 0, 8);
  w.u8(0);
  w.u16(p.capabilities & 0xffff);
  w.u8(p.charset);
  w.u16(p.status);
  w.u16(p.capabilities >>> 16);
  w.u8(p.salt.length + 1);
  w.zeros(10);
  w.bytes(p.salt, 8);
  w.u8(0);
  w.nullString(NATIVE_PASSWORD_PLUGIN);
  w.end();
}

/** Asks the client to answer again with `plugin` over `data` (the scramble plus a NUL). */
export function writeAuthSwitchRequest(w: PacketWriter, plugin: string, salt: Buffer): void {
  w.begin(64);
  w.u8(PacketHeader.AUTH_SWITCH);
  w.nullString(plugin);
  w.bytes(salt);
  w.u8(0);
  w.end();
}

export interface OkParams {
  affectedRows: number;
  /** Unsigned decimal (uint64 range). */
  lastInsertId: string;
  status: number;
  warnings: number;
  info?: string;
}

/** An OK packet; with `eofHeader` it is the 0xfe-headed OK that ends a result set under DEPRECATE_EOF. */
export function writeOk(w: PacketWriter, p: OkParams, eofHeader = false): void {
  w.begin(32);
  w.u8(eofHeader ? PacketHeader.EOF : PacketHeader.OK);
  w.lenencInt(p.affectedRows);
  w.lenencDecimal(p.lastInsertId);
  w.u16(p.status);
  w.u16(p.warnings);
  if (p.info) w.restString(p.info);
  w.end();
}

/** The classic EOF packet (clients without CLIENT_DEPRECATE_EOF). */
export function writeEof(w: PacketWriter, warnings: number, status: number): void {
  w.begin(5);
  w.u8(PacketHeader.EOF);
  w.u16(warnings);
  w.u16(status);
  w.end();
}

/** What ends column definitions or rows: an EOF packet, or an 0xfe OK packet under DEPRECATE_EOF. */
export function writeEndOfResult(
  w: PacketWriter,
  deprecateEof: boolean,
  warnings: number,
  status: number,
): void {
  if (deprecateEof) writeOk(w, { affectedRows: 0, lastInsertId: "0", status, warnings }, true);
  else writeEof(w, warnings, status);
}

const MAX_ERROR_MESSAGE_BYTES = 16 * 1024;

export function writeErr(w: PacketWriter, errno: number, sqlstate: string, message: string): void {
  const text =
    message.length > MAX_ERROR_MESSAGE_BYTES ? `${message.slice(0, MAX_ERROR_MESSAGE_BYTES)}...` : message;
  w.begin(16 + text.length);
  w.u8(PacketHeader.ERR);
  w.u16(errno);
  w.u8(0x23); // '#'
  w.restString(sqlstate.padEnd(5, "0").slice(0, 5));
  w.restString(text);
  w.end();
}

/**
 * A Column Definition 41 packet for `field`: its MySQL type from query.Type, its flags (the Field's own when
 * set, else those the type implies), its collation (utf8mb4 for text, binary otherwise when unset).
 * COM_FIELD_LIST answers add a (NULL) default value.
 */
export function writeColumnDefinition(w: PacketWriter, field: Field, forFieldList = false): void {
  const { mysqlType, flags } = typeToMysql(field.type);
  w.begin(48 + field.database.length + field.table.length + field.orgTable.length + field.name.length * 2);
  w.lenencString("def");
  w.lenencString(field.database);
  w.lenencString(field.table);
  w.lenencString(field.orgTable);
  w.lenencString(field.name);
  w.lenencString(field.orgName);
  w.u8(0x0c);
  w.u16(field.charset || defaultCollation(field.type));
  w.u32(field.columnLength);
  w.u8(mysqlType);
  w.u16(field.flags || flags);
  w.u8(field.decimals);
  w.u16(0);
  if (forFieldList) w.u8(0xfb);
  w.end();
}
