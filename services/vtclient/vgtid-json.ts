import { unpackRow } from "../../libs/mysql/query-result.js";
import {
  type ShardGtid,
  type TableLastPK,
  type VEvent,
  VEvent as VEventCodec,
  VEventType,
  type VGtid,
} from "../../libs/proto/binlogdata.js";
import {
  Field,
  type QueryResult,
  QueryResult as QueryResultCodec,
  type Row,
  typeFromJSON,
} from "../../libs/proto/query.js";
import { JsonObject, type JsonValue, messageJsonValue, writeJson } from "../../libs/proto-json/index.js";

type Json = Record<string, unknown>;

function record(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`${what} must be an object`);
  return value as Json;
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${what} must be an array`);
  return value;
}

function text(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}

/** `a_b` or `aB`: protojson prints proto names, ts-proto objects use camelCase; accept both. */
function pick(object: Json, snake: string, camel: string): unknown {
  return object[snake] ?? object[camel];
}

function lastPKOf(value: unknown): QueryResult | undefined {
  if (value === undefined || value === null) return undefined;
  const object = record(value, "lastpk");
  const fields: Field[] = list(object.fields, "lastpk.fields").map((f) => {
    const field = record(f, "lastpk field");
    return Field.fromPartial({ name: text(field.name), type: typeFromJSON(field.type ?? "NULL_TYPE") });
  });
  const rows: Row[] = list(object.rows, "lastpk.rows").map((r) => {
    const row = record(r, "lastpk row");
    return {
      lengths: list(row.lengths, "lengths").map((n) => Number(n)),
      values: Buffer.from(text(row.values), "base64"),
    };
  });
  return QueryResultCodec.fromPartial({ fields, rows });
}

/** A VGtid from JSON as vtclient prints it in VGTID events (proto or camelCase names). */
export function parseVGtidJson(input: string): VGtid {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch (err) {
    throw new Error(`--position is neither "current" nor a VGtid in JSON: ${(err as Error).message}`);
  }
  const root = record(parsed, "--position");
  const vgtid = root.vgtid !== undefined ? record(root.vgtid, "vgtid") : root;
  const shardGtids: ShardGtid[] = list(pick(vgtid, "shard_gtids", "shardGtids"), "shard_gtids").map((s) => {
    const entry = record(s, "shard_gtid");
    const tablePKs: TableLastPK[] = list(pick(entry, "table_p_ks", "tablePKs"), "table_p_ks").map((t) => {
      const pk = record(t, "table_p_k");
      return { tableName: text(pick(pk, "table_name", "tableName")), lastpk: lastPKOf(pk.lastpk) };
    });
    return { keyspace: text(entry.keyspace), shard: text(entry.shard), gtid: text(entry.gtid), tablePKs };
  });
  if (shardGtids.length === 0) throw new Error("--position: the VGtid has no shard_gtids");
  return { shardGtids };
}

function rowValues(row: Row | undefined): JsonValue {
  if (row === undefined) return null;
  return unpackRow(row).map((value) => (value === null ? null : Buffer.from(value).toString("utf8")));
}

/** One output line: the VEvent's protojson, plus `values` with a ROW event's row images as text. */
export function eventJsonLine(event: VEvent): string {
  const object = messageJsonValue(VEventCodec, event, "protojson");
  if (event.type === VEventType.ROW && event.rowEvent !== undefined) {
    object.set(
      "values",
      event.rowEvent.rowChanges.map((change) =>
        new JsonObject().set("before", rowValues(change.before)).set("after", rowValues(change.after)),
      ),
    );
  }
  return JSON.stringify(JSON.parse(writeJson(object)));
}
