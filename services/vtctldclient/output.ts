import { parsePosition, positionAtLeast } from "../../libs/mysql/replication/index.js";
import { type Event, Level } from "../../libs/proto/logutil.js";
import { Field, type QueryResult } from "../../libs/proto/query.js";
import type { Status } from "../../libs/proto/replicationdata.js";
import { type Tablet, tabletTypeToJSON } from "../../libs/proto/topodata.js";
import type { Time } from "../../libs/proto/vttime.js";
import {
  JsonNumber,
  JsonObject,
  type JsonValue,
  messageJsonValue,
  writeJson,
} from "../../libs/proto-json/index.js";
import { tabletAliasString } from "../../libs/topo/index.js";

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** Go's netutil.JoinHostPort: brackets around IPv6 hosts. */
function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's time.Format(time.RFC3339) in the local zone: "2023-09-28T16:37:49Z" or "...+02:00". */
export function rfc3339(time: Time): string {
  const date = new Date(time.seconds * 1000);
  const offset = -date.getTimezoneOffset();
  const zone =
    offset === 0
      ? "Z"
      : `${offset > 0 ? "+" : "-"}${pad2(Math.floor(Math.abs(offset) / 60))}:${pad2(Math.abs(offset) % 60)}`;
  return (
    `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}T` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}${zone}`
  );
}

/** vtctldclient's MarshalMapAWK: `[k1: "v1" k2: "v2"]`, pairs sorted. */
export function mapAwk(map: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(map).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return `[${pairs.sort().join(" ")}]`;
}

/**
 * vtctldclient's MarshalTabletAWK: `zone1-0000000100 commerce 0 primary localhost:15100 localhost:17100 []
 * 2023-09-28T16:37:49Z`, with <null> for an empty keyspace, shard or primary term start.
 */
export function tabletAwk(tablet: Tablet): string {
  const alias = tablet.alias ? tabletAliasString(tablet.alias) : "<null>";
  const term =
    tablet.primaryTermStartTime && tablet.primaryTermStartTime.seconds > 0
      ? rfc3339(tablet.primaryTermStartTime)
      : "<null>";
  return [
    alias,
    tablet.keyspace || "<null>",
    tablet.shard || "<null>",
    tabletTypeToJSON(tablet.type).toLowerCase(),
    joinHostPort(tablet.hostname, tablet.portMap.vt ?? 0),
    joinHostPort(tablet.mysqlHostname, tablet.mysqlPort),
    mapAwk(tablet.tags),
    term,
  ].join(" ");
}

const LEVEL_CHARS: Record<number, string> = { [Level.INFO]: "I", [Level.WARNING]: "W", [Level.ERROR]: "E" };

/** Vitess's logutil.EventString: `I0928 16:37:49.123456 file.go:42] message` (local time). */
export function eventString(event: Event): string {
  if (event.level === Level.CONSOLE) return event.value;
  const time = event.time ?? { seconds: 0, nanoseconds: 0 };
  const date = new Date(time.seconds * 1000);
  const micros = String(Math.floor(time.nanoseconds / 1000)).padStart(6, "0");
  return (
    `${LEVEL_CHARS[event.level] ?? "I"}${pad2(date.getMonth() + 1)}${pad2(date.getDate())} ` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}.${micros} ` +
    `${event.file}:${event.line}] ${event.value}`
  );
}

/**
 * vtctldclient's SortedReplicatingTablets: tablets without a status first, then by tablet type (PRIMARY
 * first), then by replication position, most advanced last.
 */
export function sortedReplicatingTablets(
  tabletMap: Readonly<Record<string, Tablet>>,
  statuses: Readonly<Record<string, Status>>,
): { tablet: Tablet; status: Status | undefined }[] {
  const rows = Object.entries(tabletMap)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([alias, tablet]) => ({ tablet, status: statuses[alias] }));
  const behind = (l: Status, r: Status): boolean => {
    try {
      return !positionAtLeast(parsePosition(l.position), parsePosition(r.position));
    } catch {
      return true;
    }
  };
  return rows.sort((l, r) => {
    if (!l.status || !r.status) return (l.status ? 1 : 0) - (r.status ? 1 : 0);
    if (l.tablet.type !== r.tablet.type) return l.tablet.type - r.tablet.type;
    if (behind(l.status, r.status)) return -1;
    return behind(r.status, l.status) ? 1 : 0;
  });
}

/** A row's values as text; NULL (length -1) is undefined. */
export function rowValues(result: QueryResult): (string | undefined)[][] {
  return result.rows.map((row) => {
    const values: (string | undefined)[] = [];
    let offset = 0;
    const bytes = Buffer.from(row.values);
    for (const length of row.lengths) {
      if (length < 0) {
        values.push(undefined);
        continue;
      }
      values.push(bytes.subarray(offset, offset + length).toString("utf8"));
      offset += length;
    }
    return values;
  });
}

const NUMERIC = /^-?(?:\d{1,3}(?:,\d{3})*|\d+)(?:\.\d+)?$/;

/**
 * vtctldclient's WriteQueryResultTable (olekukonko/tablewriter defaults): a boxed table, headers centered,
 * numbers right-aligned; nothing for an empty result.
 */
export function queryResultTable(result: QueryResult): string | undefined {
  const rows = rowValues(result).map((row) => row.map((v) => v ?? ""));
  if (rows.length === 0) return undefined;
  const headers = result.fields.map((f) => f.name);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  const center = (text: string, width: number): string => {
    const gap = width - text.length;
    const left = Math.floor(gap / 2);
    return " ".repeat(left) + text + " ".repeat(gap - left);
  };
  const line = (cells: string[]): string => `|${cells.map((c) => ` ${c} `).join("|")}|`;
  return [
    rule,
    line(headers.map((h, i) => center(h, widths[i] ?? 0))),
    rule,
    ...rows.map((row) =>
      line(row.map((v, i) => (NUMERIC.test(v) ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))),
    ),
    rule,
  ].join("\n");
}

/** MySQL types whose values Vitess's sqltypes.Value marshals as JSON strings (the "quoted" flag, and BIT). */
function isQuotedType(type: number): boolean {
  const BIT = 2073;
  return (type & 0x800) !== 0 || type === BIT;
}

/** vtctldclient's --json output of a query result (Go's encoding/json of sqltypes.Result). */
export function queryResultJson(result: QueryResult): string {
  const rows: JsonValue[] = rowValues(result).map((row) =>
    row.map((value, i): JsonValue => {
      if (value === undefined) return null;
      const type = result.fields[i]?.type ?? 0;
      return isQuotedType(type) || value === "" ? value : new JsonNumber(value);
    }),
  );
  const object = new JsonObject()
    .set(
      "fields",
      result.fields.map((f) => messageJsonValue(Field, f, "go")),
    )
    .set("rows_affected", new JsonNumber(String(result.rowsAffected)))
    .set("insert_id", new JsonNumber(result.insertId || "0"))
    .set("insert_id_changed", result.insertIdChanged)
    .set("rows", rows)
    .set("session_state_changes", result.sessionStateChanges)
    .set("status_flags", new JsonNumber("0"))
    .set("info", result.info);
  return writeJson(object, { htmlEscape: true });
}
