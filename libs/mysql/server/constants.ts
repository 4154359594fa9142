/** MySQL client/server protocol constants (capability flags, commands, status flags, error numbers). */

/** Capability flags exchanged in the handshake. */
export const Capability = {
  LONG_PASSWORD: 1 << 0,
  FOUND_ROWS: 1 << 1,
  LONG_FLAG: 1 << 2,
  CONNECT_WITH_DB: 1 << 3,
  NO_SCHEMA: 1 << 4,
  COMPRESS: 1 << 5,
  ODBC: 1 << 6,
  LOCAL_FILES: 1 << 7,
  IGNORE_SPACE: 1 << 8,
  PROTOCOL_41: 1 << 9,
  INTERACTIVE: 1 << 10,
  SSL: 1 << 11,
  IGNORE_SIGPIPE: 1 << 12,
  TRANSACTIONS: 1 << 13,
  RESERVED: 1 << 14,
  SECURE_CONNECTION: 1 << 15,
  MULTI_STATEMENTS: 1 << 16,
  MULTI_RESULTS: 1 << 17,
  PS_MULTI_RESULTS: 1 << 18,
  PLUGIN_AUTH: 1 << 19,
  CONNECT_ATTRS: 1 << 20,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 1 << 21,
  CAN_HANDLE_EXPIRED_PASSWORDS: 1 << 22,
  SESSION_TRACK: 1 << 23,
  DEPRECATE_EOF: 1 << 24,
} as const;

/** What this server advertises: no SSL, no compression, no session tracking, no query attributes. */
export const SERVER_CAPABILITIES =
  (Capability.LONG_PASSWORD |
    Capability.FOUND_ROWS |
    Capability.LONG_FLAG |
    Capability.CONNECT_WITH_DB |
    Capability.PROTOCOL_41 |
    Capability.TRANSACTIONS |
    Capability.SECURE_CONNECTION |
    Capability.MULTI_STATEMENTS |
    Capability.MULTI_RESULTS |
    Capability.PS_MULTI_RESULTS |
    Capability.PLUGIN_AUTH |
    Capability.CONNECT_ATTRS |
    Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
    Capability.DEPRECATE_EOF) >>>
  0;

/** Command bytes (first byte of a command packet). */
export const Command = {
  SLEEP: 0x00,
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  FIELD_LIST: 0x04,
  STATISTICS: 0x09,
  PING: 0x0e,
  CHANGE_USER: 0x11,
  STMT_PREPARE: 0x16,
  STMT_EXECUTE: 0x17,
  STMT_SEND_LONG_DATA: 0x18,
  STMT_CLOSE: 0x19,
  STMT_RESET: 0x1a,
  SET_OPTION: 0x1b,
  STMT_FETCH: 0x1c,
  RESET_CONNECTION: 0x1f,
} as const;

/** Server status flags carried by OK and EOF packets. */
export const ServerStatus = {
  IN_TRANS: 0x0001,
  AUTOCOMMIT: 0x0002,
  MORE_RESULTS_EXISTS: 0x0008,
  NO_GOOD_INDEX_USED: 0x0010,
  NO_INDEX_USED: 0x0020,
  CURSOR_EXISTS: 0x0040,
  LAST_ROW_SENT: 0x0080,
  DB_DROPPED: 0x0100,
  NO_BACKSLASH_ESCAPES: 0x0200,
  SESSION_STATE_CHANGED: 0x4000,
} as const;

/** COM_SET_OPTION values. */
export const SetOption = {
  MULTI_STATEMENTS_ON: 0,
  MULTI_STATEMENTS_OFF: 1,
} as const;

/** First byte of response packets. */
export const PacketHeader = {
  OK: 0x00,
  AUTH_MORE_DATA: 0x01,
  LOCAL_INFILE: 0xfb,
  EOF: 0xfe,
  AUTH_SWITCH: 0xfe,
  ERR: 0xff,
} as const;

/** Payloads of this length continue in the next packet. */
export const MAX_PACKET_PAYLOAD = 0xffffff;

export const PROTOCOL_VERSION = 10;

export const NATIVE_PASSWORD_PLUGIN = "mysql_native_password";
export const CACHING_SHA2_PLUGIN = "caching_sha2_password";

/** MySQL error numbers and SQLSTATEs the protocol layer itself produces. */
export const ProtocolError = {
  CON_COUNT: { errno: 1040, sqlstate: "08004" },
  HANDSHAKE: { errno: 1043, sqlstate: "08S01" },
  ACCESS_DENIED: { errno: 1045, sqlstate: "28000" },
  UNKNOWN_COM: { errno: 1047, sqlstate: "08S01" },
  EMPTY_QUERY: { errno: 1065, sqlstate: "42000" },
  NET_PACKET_TOO_LARGE: { errno: 1153, sqlstate: "08S01" },
  NET_PACKETS_OUT_OF_ORDER: { errno: 1156, sqlstate: "08S01" },
  NET_READ_INTERRUPTED: { errno: 1159, sqlstate: "08S01" },
  WRONG_ARGUMENTS: { errno: 1210, sqlstate: "HY000" },
  UNKNOWN_STMT_HANDLER: { errno: 1243, sqlstate: "HY000" },
  MAX_PREPARED_STMT_COUNT: { errno: 1461, sqlstate: "42000" },
  MALFORMED_PACKET: { errno: 1835, sqlstate: "HY000" },
  UNKNOWN_ERROR: { errno: 1105, sqlstate: "HY000" },
} as const;
