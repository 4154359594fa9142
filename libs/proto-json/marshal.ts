import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { JsonNumber, JsonObject, type JsonValue, writeJson } from "./json-writer.js";
import { enumValueName, type MessageCodec, messageDescriptor, tsPropertyName } from "./registry.js";

/**
 * Two JSON renderings of ts-proto messages, as Vitess's CLIs print them:
 *
 * - "protojson": Go's protojson with UseProtoNames and EmitUnpopulated (vtctldclient's cli.MarshalJSON of a
 *   proto message): snake_case proto names in declaration order, every field present (unset messages as null),
 *   enums by name, 64-bit integers as strings, bytes as base64, map keys sorted.
 * - "go": Go's encoding/json of the generated structs (cli.MarshalJSON of a slice or map of messages):
 *   snake_case names, zero values omitted, enums and 64-bit integers as numbers.
 */
export type JsonStyle = "protojson" | "go";

type Fields = Record<string, unknown>;

const INT64_TYPES = new Set<ScalarType>([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

function floatJson(value: number, style: JsonStyle): JsonValue {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  return new JsonNumber(style === "go" ? String(value).replace(/e([+-])0*(\d)/, "e$1$2") : String(value));
}

function scalarJson(type: ScalarType, value: unknown, style: JsonStyle): JsonValue {
  switch (type) {
    case ScalarType.BOOL:
      return value === true;
    case ScalarType.STRING:
      return typeof value === "string" ? value : String(value ?? "");
    case ScalarType.BYTES:
      return Buffer.from((value as Uint8Array | undefined) ?? new Uint8Array()).toString("base64");
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return floatJson(Number(value ?? 0), style);
    default: {
      const text = String(value ?? 0);
      return INT64_TYPES.has(type) && style === "protojson" ? text : new JsonNumber(text);
    }
  }
}

function isZeroScalar(type: ScalarType, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (type === ScalarType.BYTES) return (value as Uint8Array).length === 0;
  if (type === ScalarType.BOOL) return value === false;
  if (type === ScalarType.STRING) return value === "";
  return Number(value) === 0;
}

type SingularField = Extract<DescField, { fieldKind: "scalar" | "enum" | "message" }>;

function singularJson(field: SingularField, value: unknown, style: JsonStyle): JsonValue {
  switch (field.fieldKind) {
    case "scalar":
      return scalarJson(field.scalar, value, style);
    case "enum": {
      const number = Number(value ?? 0);
      const name = style === "protojson" ? enumValueName(field.enum, number) : undefined;
      return name ?? new JsonNumber(String(number));
    }
    case "message":
      return value === undefined || value === null
        ? null
        : messageJson(field.message, value as Fields, style);
  }
}

function elementJson(field: Extract<DescField, { fieldKind: "list" }>, value: unknown, style: JsonStyle) {
  switch (field.listKind) {
    case "scalar":
      return scalarJson(field.scalar, value, style);
    case "enum": {
      const name = style === "protojson" ? enumValueName(field.enum, Number(value)) : undefined;
      return name ?? new JsonNumber(String(value));
    }
    case "message":
      return messageJson(field.message, value as Fields, style);
  }
}

function mapValueJson(field: Extract<DescField, { fieldKind: "map" }>, value: unknown, style: JsonStyle) {
  switch (field.mapKind) {
    case "scalar":
      return scalarJson(field.scalar, value, style);
    case "enum": {
      const name = style === "protojson" ? enumValueName(field.enum, Number(value)) : undefined;
      return name ?? new JsonNumber(String(value));
    }
    case "message":
      return messageJson(field.message, value as Fields, style);
  }
}

/** protojson orders map keys by value (numbers numerically); encoding/json by their text. */
function sortedMapKeys(field: Extract<DescField, { fieldKind: "map" }>, keys: string[], style: JsonStyle) {
  const numeric = field.mapKey !== ScalarType.STRING && field.mapKey !== ScalarType.BOOL;
  if (style === "protojson" && numeric) return keys.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function fieldJson(field: DescField, value: unknown, style: JsonStyle): JsonValue {
  switch (field.fieldKind) {
    case "list":
      return ((value as unknown[] | undefined) ?? []).map((item) => elementJson(field, item, style));
    case "map": {
      const record = (value as Fields | undefined) ?? {};
      const object = new JsonObject();
      for (const key of sortedMapKeys(field, Object.keys(record), style)) {
        object.set(key, mapValueJson(field, record[key], style));
      }
      return object;
    }
    default:
      return singularJson(field, value, style);
  }
}

function isZeroField(field: DescField, value: unknown): boolean {
  switch (field.fieldKind) {
    case "list":
      return ((value as unknown[] | undefined) ?? []).length === 0;
    case "map":
      return Object.keys((value as Fields | undefined) ?? {}).length === 0;
    case "message":
      return value === undefined || value === null;
    case "enum":
      return Number(value ?? 0) === 0;
    case "scalar":
      return isZeroScalar(field.scalar, value);
  }
}

function goCamelCase(protoName: string): string {
  return protoName
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

function messageJson(desc: DescMessage, message: Fields, style: JsonStyle): JsonObject {
  const object = new JsonObject();
  const oneofsDone = new Set<string>();
  for (const field of desc.fields) {
    if (field.oneof) {
      // ts-proto (oneof=unions-value) keeps a oneof as { $case: <field>, value } under the oneof's name.
      const oneof = field.oneof;
      const union = message[tsPropertyName(oneof.name)] as { $case: string; value: unknown } | undefined;
      if (!union || union.$case !== tsPropertyName(field.name)) continue;
      if (style === "go") {
        if (oneofsDone.has(oneof.name)) continue;
        oneofsDone.add(oneof.name);
        const wrapper = new JsonObject().set(goCamelCase(field.name), fieldJson(field, union.value, style));
        object.set(goCamelCase(oneof.name), wrapper);
      } else {
        object.set(field.name, fieldJson(field, union.value, style));
      }
      continue;
    }
    const value = message[tsPropertyName(field.name)];
    // proto3 `optional` fields live in a synthetic oneof: printed only when set, in both styles.
    if (field.proto.proto3Optional && (value === undefined || value === null)) continue;
    if (style === "go" && !field.proto.proto3Optional && isZeroField(field, value)) continue;
    object.set(field.name, fieldJson(field, value, style));
  }
  return object;
}

/** The JSON tree of `message` in `style`; for composing outputs that are not a single message. */
export function messageJsonValue<T>(codec: MessageCodec<T>, message: T, style: JsonStyle): JsonObject {
  return messageJson(messageDescriptor(codec), message as Fields, style);
}

/** vtctldclient's cli.MarshalJSON of a proto message (protojson, 2-space indent). */
export function marshalProtoJson<T>(codec: MessageCodec<T>, message: T): string {
  return writeJson(messageJsonValue(codec, message, "protojson"));
}

/** vtctldclient's cli.MarshalJSON of a slice of messages (Go's encoding/json). */
export function marshalGoJsonList<T>(codec: MessageCodec<T>, messages: readonly T[]): string {
  return writeJson(
    messages.map((m) => messageJsonValue(codec, m, "go")),
    { htmlEscape: true },
  );
}

/** vtctldclient's cli.MarshalJSON of a map of messages (Go's encoding/json: keys sorted). */
export function marshalGoJsonMap<T>(codec: MessageCodec<T>, messages: Readonly<Record<string, T>>): string {
  const object = new JsonObject();
  for (const key of Object.keys(messages).sort()) {
    object.set(key, messageJsonValue(codec, messages[key] as T, "go"));
  }
  return writeJson(object, { htmlEscape: true });
}
