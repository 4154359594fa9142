/** Parsing of the client's Handshake Response 41 (Vitess parseClientHandshakePacket). */
import { Capability, NATIVE_PASSWORD_PLUGIN } from "./constants.js";
import { MalformedPacketError, PayloadReader } from "./packet-reader.js";

export interface HandshakeResponse {
  capabilities: number;
  maxPacketSize: number;
  charset: number;
  user: string;
  authResponse: Buffer;
  database: string;
  /** The auth plugin the client answered with; mysql_native_password when it did not say. */
  authPlugin: string;
  attributes: Map<string, string>;
}

function parseAttributes(r: PayloadReader): Map<string, string> {
  const attributes = new Map<string, string>();
  const end = r.pos + r.lenencInt();
  if (end > r.data.length) throw new MalformedPacketError("connection attributes overrun the packet");
  while (r.pos < end) {
    const key = r.lenencBytes().toString("utf8");
    const value = r.lenencBytes().toString("utf8");
    attributes.set(key, value);
  }
  return attributes;
}

/** Throws MalformedPacketError (answered with "Bad handshake") on anything but a complete 4.1 response. */
export function parseHandshakeResponse(payload: Buffer): HandshakeResponse {
  const r = new PayloadReader(payload);
  const capabilities = r.u32();
  if (!(capabilities & Capability.PROTOCOL_41)) {
    throw new MalformedPacketError("only protocol 4.1 clients are supported");
  }
  const maxPacketSize = r.u32();
  const charset = r.u8();
  r.skip(23);
  if (capabilities & Capability.SSL && r.remaining === 0) {
    throw new MalformedPacketError("the client asked for SSL, which this server does not offer");
  }
  const user = r.nullString();
  let authResponse: Buffer;
  if (capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) {
    authResponse = r.lenencBytes();
  } else if (capabilities & Capability.SECURE_CONNECTION) {
    authResponse = r.bytes(r.u8());
  } else {
    const end = payload.indexOf(0, r.pos);
    if (end < 0) throw new MalformedPacketError("unterminated auth response");
    authResponse = payload.subarray(r.pos, end);
    r.pos = end + 1;
  }
  let database = "";
  if (capabilities & Capability.CONNECT_WITH_DB && r.remaining > 0) database = r.nullString();
  let authPlugin = NATIVE_PASSWORD_PLUGIN;
  if (capabilities & Capability.PLUGIN_AUTH && r.remaining > 0) {
    authPlugin = r.nullString() || NATIVE_PASSWORD_PLUGIN;
  }
  let attributes = new Map<string, string>();
  if (capabilities & Capability.CONNECT_ATTRS && r.remaining > 0) attributes = parseAttributes(r);
  return {
    capabilities,
    maxPacketSize,
    charset,
    user,
    authResponse: Buffer.from(authResponse),
    database,
    authPlugin,
    attributes,
  };
}
