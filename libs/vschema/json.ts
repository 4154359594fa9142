import { Type } from "../proto/query.js";
import type { Keyspace, MirrorRules, RoutingRules, SrvVSchema } from "../proto/vschema.js";
import { Keyspace_ForeignKeyMode } from "../proto/vschema.js";
import { invalidArgument } from "../vterrors/index.js";

/**
 * VSchema JSON as Vitess reads and prints it (Go's protojson): snake_case proto names (lowerCamelCase json
 * names accepted too), enums by name or number, `null` for "unset". Reading is strict where ts-proto's
 * fromJSON is lenient: an unknown key or a value of the wrong type is an INVALID_ARGUMENT naming its path
 * (`tables.customer.column_vindexes[0].name`), as protojson refuses them.
 */

type FieldKind =
  | { readonly kind: "string" | "bool" | "int32" | "float" | "optionalBool" }
  | {
      readonly kind: "enum";
      readonly names: ReadonlyMap<string, number>;
      readonly byNumber: ReadonlyMap<number, string>;
    }
  | { readonly kind: "message"; readonly spec: () => MessageSpec }
  | { readonly kind: "repeated"; readonly item: FieldKind }
  | { readonly kind: "map"; readonly value: FieldKind };

interface FieldSpec {
  /** proto (snake_case) name */
  readonly proto: string;
  /** ts-proto property name (lowerCamelCase, also accepted as the JSON name) */
  readonly ts: string;
  readonly type: FieldKind;
}

interface MessageSpec {
  readonly name: string;
  readonly fields: readonly FieldSpec[];
}

const STRING = { kind: "string" } as const;
const BOOL = { kind: "bool" } as const;
const INT32 = { kind: "int32" } as const;
const FLOAT = { kind: "float" } as const;

function camel(proto: string): string {
  return proto.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function field(proto: string, type: FieldKind): FieldSpec {
  return { proto, ts: camel(proto), type };
}

function enumKind(values: Record<string, string | number>): FieldKind {
  const names = new Map<string, number>();
  const byNumber = new Map<number, string>();
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== "number" || value < 0) continue;
    names.set(name, value);
    if (!byNumber.has(value)) byNumber.set(value, name);
  }
  return { kind: "enum", names, byNumber };
}

const message = (spec: () => MessageSpec): FieldKind => ({ kind: "message", spec });
const repeated = (item: FieldKind): FieldKind => ({ kind: "repeated", item });
const map = (value: FieldKind): FieldKind => ({ kind: "map", value });

const COLUMN: MessageSpec = {
  name: "Column",
  fields: [
    field("name", STRING),
    field("type", enumKind(Type as unknown as Record<string, number>)),
    field("invisible", BOOL),
    field("default", STRING),
    field("collation_name", STRING),
    field("size", INT32),
    field("scale", INT32),
    field("nullable", { kind: "optionalBool" }),
    field("values", repeated(STRING)),
  ],
};
const COLUMN_VINDEX: MessageSpec = {
  name: "ColumnVindex",
  fields: [field("column", STRING), field("name", STRING), field("columns", repeated(STRING))],
};
const AUTO_INCREMENT: MessageSpec = {
  name: "AutoIncrement",
  fields: [field("column", STRING), field("sequence", STRING)],
};
const TABLE: MessageSpec = {
  name: "Table",
  fields: [
    field("type", STRING),
    field("column_vindexes", repeated(message(() => COLUMN_VINDEX))),
    field(
      "auto_increment",
      message(() => AUTO_INCREMENT),
    ),
    field("columns", repeated(message(() => COLUMN))),
    field("pinned", STRING),
    field("column_list_authoritative", BOOL),
    field("source", STRING),
  ],
};
const VINDEX: MessageSpec = {
  name: "Vindex",
  fields: [field("type", STRING), field("params", map(STRING)), field("owner", STRING)],
};
const MULTI_TENANT_SPEC: MessageSpec = {
  name: "MultiTenantSpec",
  fields: [field("tenant_id_column_name", STRING), field("tenant_id_column_type", STRING)],
};
const KEYSPACE: MessageSpec = {
  name: "Keyspace",
  fields: [
    field("sharded", BOOL),
    field("vindexes", map(message(() => VINDEX))),
    field("tables", map(message(() => TABLE))),
    field("require_explicit_routing", BOOL),
    field("foreign_key_mode", enumKind(Keyspace_ForeignKeyMode as unknown as Record<string, number>)),
    field(
      "multi_tenant_spec",
      message(() => MULTI_TENANT_SPEC),
    ),
  ],
};
const ROUTING_RULE: MessageSpec = {
  name: "RoutingRule",
  fields: [field("from_table", STRING), field("to_tables", repeated(STRING))],
};
const ROUTING_RULES: MessageSpec = {
  name: "RoutingRules",
  fields: [field("rules", repeated(message(() => ROUTING_RULE)))],
};
const SHARD_ROUTING_RULE: MessageSpec = {
  name: "ShardRoutingRule",
  fields: [field("from_keyspace", STRING), field("to_keyspace", STRING), field("shard", STRING)],
};
const KEYSPACE_ROUTING_RULE: MessageSpec = {
  name: "KeyspaceRoutingRule",
  fields: [field("from_keyspace", STRING), field("to_keyspace", STRING)],
};
const MIRROR_RULE: MessageSpec = {
  name: "MirrorRule",
  fields: [field("from_table", STRING), field("to_table", STRING), field("percent", FLOAT)],
};
const MIRROR_RULES: MessageSpec = {
  name: "MirrorRules",
  fields: [field("rules", repeated(message(() => MIRROR_RULE)))],
};
const SRV_VSCHEMA: MessageSpec = {
  name: "SrvVSchema",
  fields: [
    field("keyspaces", map(message(() => KEYSPACE))),
    field(
      "routing_rules",
      message(() => ROUTING_RULES),
    ),
    field(
      "shard_routing_rules",
      message(() => ({
        name: "ShardRoutingRules",
        fields: [field("rules", repeated(message(() => SHARD_ROUTING_RULE)))],
      })),
    ),
    field(
      "keyspace_routing_rules",
      message(() => ({
        name: "KeyspaceRoutingRules",
        fields: [field("rules", repeated(message(() => KEYSPACE_ROUTING_RULE)))],
      })),
    ),
    field(
      "mirror_rules",
      message(() => MIRROR_RULES),
    ),
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Reading

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function fail(what: string, path: string, message: string): never {
  throw invalidArgument(`invalid ${what} JSON: ${path === "" ? "" : `${path}: `}${message}`);
}

function defaultOf(type: FieldKind): unknown {
  switch (type.kind) {
    case "string":
      return "";
    case "bool":
      return false;
    case "int32":
    case "float":
    case "enum":
      return 0;
    case "optionalBool":
    case "message":
      return undefined;
    case "repeated":
      return [];
    case "map":
      return {};
  }
}

function readValue(what: string, type: FieldKind, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return defaultOf(type);
  switch (type.kind) {
    case "string":
      if (typeof value !== "string") fail(what, path, `expected a string, got ${describe(value)}`);
      return value;
    case "bool":
    case "optionalBool":
      if (typeof value !== "boolean") fail(what, path, `expected true or false, got ${describe(value)}`);
      return value;
    case "int32": {
      const n = typeof value === "string" && /^-?[0-9]+$/.test(value) ? Number(value) : value;
      if (typeof n !== "number" || !Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) {
        fail(what, path, `expected a 32-bit integer, got ${describe(value)}`);
      }
      return n;
    }
    case "float":
      if (typeof value !== "number") fail(what, path, `expected a number, got ${describe(value)}`);
      return value;
    case "enum": {
      if (typeof value === "number" && type.byNumber.has(value)) return value;
      if (typeof value === "string" && type.names.has(value)) return type.names.get(value);
      fail(
        what,
        path,
        `invalid enum value ${JSON.stringify(value)}: expected one of ${[...type.names.keys()].join(", ")}`,
      );
      break;
    }
    case "message":
      return readMessage(what, type.spec(), value, path);
    case "repeated": {
      if (!Array.isArray(value)) fail(what, path, `expected an array, got ${describe(value)}`);
      return value.map((item, i) => readValue(what, type.item, item, `${path}[${i}]`));
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value))
        fail(what, path, `expected an object, got ${describe(value)}`);
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (item === null && type.value.kind === "message")
          fail(what, `${path}.${key}`, "expected an object, got null");
        out[key] = readValue(what, type.value, item, `${path === "" ? "" : `${path}.`}${key}`);
      }
      return out;
    }
  }
  return undefined;
}

function readMessage(what: string, spec: MessageSpec, value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(what, path, `expected an object (${spec.name}), got ${describe(value)}`);
  }
  const out: Record<string, unknown> = {};
  for (const f of spec.fields) out[f.ts] = defaultOf(f.type);
  const seen = new Map<string, string>();
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const f = spec.fields.find((candidate) => candidate.proto === key || candidate.ts === key);
    if (f === undefined) {
      const known = spec.fields.map((candidate) => candidate.proto).join(", ");
      fail(what, path, `unknown field "${key}" in ${spec.name} (known: ${known})`);
    }
    const previous = seen.get(f.proto);
    if (previous !== undefined)
      fail(what, path, `field "${f.proto}" given twice ("${previous}" and "${key}")`);
    seen.set(f.proto, key);
    out[f.ts] = readValue(what, f.type, item, `${path === "" ? "" : `${path}.`}${f.proto}`);
  }
  return out;
}

function parseText(what: string, text: string | unknown): unknown {
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text);
  } catch (err) {
    return fail(what, "", err instanceof Error ? err.message : String(err));
  }
}

/** Parses a keyspace VSchema (ApplyVSchema's --vschema), given as JSON text or an already parsed value. */
export function parseKeyspaceVSchema(json: string | unknown): Keyspace {
  return readMessage("VSchema", KEYSPACE, parseText("VSchema", json), "") as unknown as Keyspace;
}

/** Parses a SrvVSchema (GetSrvVSchema's output). */
export function parseSrvVSchema(json: string | unknown): SrvVSchema {
  return readMessage("SrvVSchema", SRV_VSCHEMA, parseText("SrvVSchema", json), "") as unknown as SrvVSchema;
}

/** Parses routing rules (ApplyRoutingRules's --rules): `{"rules": [{"from_table": ..., "to_tables": [...]}]}`. */
export function parseRoutingRules(json: string | unknown): RoutingRules {
  return readMessage(
    "routing rules",
    ROUTING_RULES,
    parseText("routing rules", json),
    "",
  ) as unknown as RoutingRules;
}

/** Parses mirror rules (ApplyMirrorRules's --rules): `{"rules": [{"from_table", "to_table", "percent"}]}`. */
export function parseMirrorRules(json: string | unknown): MirrorRules {
  return readMessage(
    "mirror rules",
    MIRROR_RULES,
    parseText("mirror rules", json),
    "",
  ) as unknown as MirrorRules;
}

// ---------------------------------------------------------------------------------------------------------
// Writing

export interface FormatOptions {
  /**
   * Leave out fields at their default value (vtctldclient --compact). By default every field is printed,
   * as `vtctldclient GetVSchema` does (protojson with EmitUnpopulated).
   */
  readonly compact?: boolean;
}

function isDefault(type: FieldKind, value: unknown): boolean {
  switch (type.kind) {
    case "string":
      return value === "";
    case "bool":
      return value === false;
    case "int32":
    case "float":
    case "enum":
      return value === 0;
    case "optionalBool":
    case "message":
      return value === undefined || value === null;
    case "repeated":
      return !Array.isArray(value) || value.length === 0;
    case "map":
      return typeof value !== "object" || value === null || Object.keys(value).length === 0;
  }
}

function writeValue(type: FieldKind, value: unknown, compact: boolean): unknown {
  switch (type.kind) {
    case "string":
      return typeof value === "string" ? value : "";
    case "bool":
    case "optionalBool":
      return value === true;
    case "int32":
    case "float":
      return typeof value === "number" ? value : 0;
    case "enum":
      return type.byNumber.get(typeof value === "number" ? value : 0) ?? value;
    case "message":
      return value === undefined || value === null ? null : writeMessage(type.spec(), value, compact);
    case "repeated":
      return Array.isArray(value) ? value.map((item) => writeValue(type.item, item, compact)) : [];
    case "map": {
      const out: Record<string, unknown> = {};
      const entries = typeof value === "object" && value !== null ? Object.entries(value) : [];
      for (const [key, item] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        out[key] = writeValue(type.value, item, compact);
      }
      return out;
    }
  }
}

function writeMessage(spec: MessageSpec, value: unknown, compact: boolean): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of spec.fields) {
    const item = source[f.ts];
    if (f.type.kind === "optionalBool" && item === undefined) continue;
    if (compact && isDefault(f.type, item)) continue;
    out[f.proto] = writeValue(f.type, item, compact);
  }
  return out;
}

/** A keyspace VSchema as the JSON value Vitess prints (snake_case, proto field order, map keys sorted). */
export function keyspaceVSchemaToJson(
  keyspace: Keyspace,
  options: FormatOptions = {},
): Record<string, unknown> {
  return writeMessage(KEYSPACE, keyspace, options.compact === true);
}

/** `vtctldclient GetVSchema` output: the keyspace VSchema as 2-space indented JSON. */
export function formatKeyspaceVSchema(keyspace: Keyspace, options: FormatOptions = {}): string {
  return JSON.stringify(keyspaceVSchemaToJson(keyspace, options), null, 2);
}

/** `vtctldclient GetSrvVSchema` output. */
export function formatSrvVSchema(srvVSchema: SrvVSchema, options: FormatOptions = {}): string {
  return JSON.stringify(writeMessage(SRV_VSCHEMA, srvVSchema, options.compact === true), null, 2);
}

/** `vtctldclient GetRoutingRules` output. */
export function formatRoutingRules(rules: RoutingRules, options: FormatOptions = {}): string {
  return JSON.stringify(writeMessage(ROUTING_RULES, rules, options.compact === true), null, 2);
}

/** `vtctldclient GetMirrorRules` output. */
export function formatMirrorRules(rules: MirrorRules, options: FormatOptions = {}): string {
  return JSON.stringify(writeMessage(MIRROR_RULES, rules, options.compact === true), null, 2);
}
