import {
  BinlogSource,
  type Filter,
  Filter_FieldEventMode,
  filter_FieldEventModeFromJSON,
  filter_FieldEventModeToJSON,
  OnDDLAction,
  onDDLActionFromJSON,
  onDDLActionToJSON,
  type Rule,
} from "../../../libs/proto/binlogdata.js";
import type { KeyRange } from "../../../libs/proto/topodata.js";
import { TabletType, tabletTypeFromJSON, tabletTypeToJSON } from "../../../libs/proto/topodata.js";
import { invalidArgument } from "../../../libs/vterrors/index.js";

/**
 * `_vt.vreplication.source` holds a BinlogSource in protobuf text format, as Vitess writes it
 * (`keyspace:"commerce" shard:"0" filter:{rules:{match:"customer" filter:"select * from customer"}}`).
 * This codec covers the fields a stream uses; default values are left out, as prototext does.
 */

function quoteText(value: string | Uint8Array): string {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += "\\\\";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (byte === 0x09) out += "\\t";
    else if (byte < 0x20 || byte === 0x7f || (typeof value !== "string" && byte >= 0x80))
      out += `\\x${byte.toString(16).padStart(2, "0")}`;
    else out += String.fromCharCode(byte);
  }
  // Multi-byte UTF-8 of string fields was written byte by byte as latin1 characters: restore it.
  return typeof value === "string" ? `${Buffer.from(out, "latin1").toString("utf8")}"` : `${out}"`;
}

function ruleText(rule: Rule): string {
  const parts = [`match:${quoteText(rule.match)}`];
  if (rule.filter !== "") parts.push(`filter:${quoteText(rule.filter)}`);
  if (rule.sourceUniqueKeyColumns !== "")
    parts.push(`source_unique_key_columns:${quoteText(rule.sourceUniqueKeyColumns)}`);
  if (rule.targetUniqueKeyColumns !== "")
    parts.push(`target_unique_key_columns:${quoteText(rule.targetUniqueKeyColumns)}`);
  return `rules:{${parts.join(" ")}}`;
}

function filterText(filter: Filter): string {
  const parts = filter.rules.map(ruleText);
  if (filter.fieldEventMode !== Filter_FieldEventMode.ERR_ON_MISMATCH)
    parts.push(`field_event_mode:${filter_FieldEventModeToJSON(filter.fieldEventMode)}`);
  if (filter.workflowType !== 0) parts.push(`workflow_type:${filter.workflowType}`);
  if (filter.workflowName !== "") parts.push(`workflow_name:${quoteText(filter.workflowName)}`);
  return `filter:{${parts.join(" ")}}`;
}

/** The prototext of a BinlogSource. */
export function binlogSourceToText(source: BinlogSource): string {
  const parts: string[] = [];
  if (source.keyspace !== "") parts.push(`keyspace:${quoteText(source.keyspace)}`);
  if (source.shard !== "") parts.push(`shard:${quoteText(source.shard)}`);
  if (source.tabletType !== TabletType.UNKNOWN)
    parts.push(`tablet_type:${tabletTypeToJSON(source.tabletType)}`);
  if (source.keyRange !== undefined) {
    const range: string[] = [];
    if (source.keyRange.start.length > 0) range.push(`start:${quoteText(source.keyRange.start)}`);
    if (source.keyRange.end.length > 0) range.push(`end:${quoteText(source.keyRange.end)}`);
    parts.push(`key_range:{${range.join(" ")}}`);
  }
  for (const table of source.tables) parts.push(`tables:${quoteText(table)}`);
  if (source.filter !== undefined) parts.push(filterText(source.filter));
  if (source.onDdl !== OnDDLAction.IGNORE) parts.push(`on_ddl:${onDDLActionToJSON(source.onDdl)}`);
  if (source.externalMysql !== "") parts.push(`external_mysql:${quoteText(source.externalMysql)}`);
  if (source.stopAfterCopy) parts.push("stop_after_copy:true");
  if (source.externalCluster !== "") parts.push(`external_cluster:${quoteText(source.externalCluster)}`);
  if (source.sourceTimeZone !== "") parts.push(`source_time_zone:${quoteText(source.sourceTimeZone)}`);
  if (source.targetTimeZone !== "") parts.push(`target_time_zone:${quoteText(source.targetTimeZone)}`);
  return parts.join(" ");
}

/** A parsed prototext message: its fields in order; a value is a scalar's text, string bytes or a message. */
type TextValue = { kind: "scalar"; text: string } | { kind: "bytes"; bytes: Buffer } | TextMessage;
interface TextMessage {
  kind: "message";
  fields: [string, TextValue][];
}

class TextParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseMessage(closer: string | undefined): TextMessage {
    const fields: [string, TextValue][] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) {
        if (closer !== undefined) throw this.error(`missing "${closer}"`);
        return { kind: "message", fields };
      }
      const c = this.text[this.pos] as string;
      if (c === closer) {
        this.pos++;
        return { kind: "message", fields };
      }
      const name = this.identifier();
      this.skipSpace();
      if (this.text[this.pos] === ":") {
        this.pos++;
        this.skipSpace();
      }
      const open = this.text[this.pos];
      if (open === "{" || open === "<") {
        this.pos++;
        fields.push([name, this.parseMessage(open === "{" ? "}" : ">")]);
      } else if (open === '"' || open === "'") {
        fields.push([name, { kind: "bytes", bytes: this.strings() }]);
      } else {
        fields.push([name, { kind: "scalar", text: this.identifier() }]);
      }
      this.skipSpace();
      if (this.text[this.pos] === "," || this.text[this.pos] === ";") this.pos++;
    }
  }

  private skipSpace(): void {
    while (this.pos < this.text.length) {
      const c = this.text[this.pos] as string;
      if (c === "#") {
        while (this.pos < this.text.length && this.text[this.pos] !== "\n") this.pos++;
      } else if (/\s/.test(c)) this.pos++;
      else return;
    }
  }

  private identifier(): string {
    const match = /^[A-Za-z0-9_.+-]+/.exec(this.text.slice(this.pos));
    if (match === null) throw this.error("expected a name or a value");
    this.pos += match[0].length;
    return match[0];
  }

  /** One or more adjacent quoted strings, concatenated, as bytes. */
  private strings(): Buffer {
    const parts: Buffer[] = [];
    while (this.text[this.pos] === '"' || this.text[this.pos] === "'") {
      parts.push(this.quoted());
      this.skipSpace();
    }
    return Buffer.concat(parts);
  }

  private quoted(): Buffer {
    const quote = this.text[this.pos] as string;
    this.pos++;
    const bytes: number[] = [];
    for (;;) {
      if (this.pos >= this.text.length) throw this.error("unterminated string");
      const c = this.text[this.pos++] as string;
      if (c === quote) return Buffer.from(bytes);
      if (c !== "\\") {
        bytes.push(...Buffer.from(c, "utf8"));
        continue;
      }
      const e = this.text[this.pos++] as string;
      const simple: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, f: 12, v: 11 };
      if (e in simple) bytes.push(simple[e] as number);
      else if (e === "x") {
        const hex = /^[0-9a-fA-F]{1,2}/.exec(this.text.slice(this.pos))?.[0] ?? "";
        if (hex === "") throw this.error("bad \\x escape");
        this.pos += hex.length;
        bytes.push(Number.parseInt(hex, 16));
      } else if (/[0-7]/.test(e)) {
        const octal = e + (/^[0-7]{0,2}/.exec(this.text.slice(this.pos))?.[0] ?? "");
        this.pos += octal.length - 1;
        bytes.push(Number.parseInt(octal, 8));
      } else bytes.push(...Buffer.from(e, "utf8"));
    }
  }

  private error(what: string) {
    return invalidArgument(`cannot parse binlog source at offset ${this.pos}: ${what}: ${this.text}`);
  }
}

function str(value: TextValue): string {
  if (value.kind === "bytes") return value.bytes.toString("utf8");
  if (value.kind === "scalar") return value.text;
  throw invalidArgument("expected a string, found a message");
}

function msg(value: TextValue): TextMessage {
  if (value.kind !== "message") throw invalidArgument("expected a message");
  return value;
}

function enumValue<T>(value: TextValue, fromJSON: (text: unknown) => T): T {
  const text = str(value);
  return /^-?\d+$/.test(text) ? fromJSON(Number(text)) : fromJSON(text);
}

function parseRule(message: TextMessage): Rule {
  const rule: Rule = {
    match: "",
    filter: "",
    convertEnumToText: {},
    convertCharset: {},
    sourceUniqueKeyColumns: "",
    targetUniqueKeyColumns: "",
    sourceUniqueKeyTargetColumns: "",
    convertIntToEnum: {},
    forceUniqueKey: "",
  };
  for (const [name, value] of message.fields) {
    if (name === "match") rule.match = str(value);
    else if (name === "filter") rule.filter = str(value);
    else if (name === "source_unique_key_columns") rule.sourceUniqueKeyColumns = str(value);
    else if (name === "target_unique_key_columns") rule.targetUniqueKeyColumns = str(value);
  }
  return rule;
}

function parseFilter(message: TextMessage): Filter {
  const filter: Filter = {
    rules: [],
    fieldEventMode: Filter_FieldEventMode.ERR_ON_MISMATCH,
    workflowType: 0,
    workflowName: "",
  };
  for (const [name, value] of message.fields) {
    if (name === "rules") filter.rules.push(parseRule(msg(value)));
    else if (name === "field_event_mode")
      filter.fieldEventMode = enumValue(value, filter_FieldEventModeFromJSON);
    else if (name === "workflow_type") filter.workflowType = Number(str(value));
    else if (name === "workflow_name") filter.workflowName = str(value);
  }
  return filter;
}

function parseKeyRange(message: TextMessage): KeyRange {
  const range: KeyRange = { start: Buffer.alloc(0), end: Buffer.alloc(0) };
  for (const [name, value] of message.fields) {
    const bytes = value.kind === "bytes" ? value.bytes : Buffer.from(str(value));
    if (name === "start") range.start = bytes;
    else if (name === "end") range.end = bytes;
  }
  return range;
}

/** Parses the prototext of a BinlogSource; unknown fields are ignored. INVALID_ARGUMENT when malformed. */
export function binlogSourceFromText(text: string): BinlogSource {
  const source = BinlogSource.fromPartial({});
  const message = new TextParser(text).parseMessage(undefined);
  for (const [name, value] of message.fields) {
    switch (name) {
      case "keyspace":
        source.keyspace = str(value);
        break;
      case "shard":
        source.shard = str(value);
        break;
      case "tablet_type":
        source.tabletType = enumValue(value, tabletTypeFromJSON);
        break;
      case "key_range":
        source.keyRange = parseKeyRange(msg(value));
        break;
      case "tables":
        source.tables.push(str(value));
        break;
      case "filter":
        source.filter = parseFilter(msg(value));
        break;
      case "on_ddl":
        source.onDdl = enumValue(value, onDDLActionFromJSON);
        break;
      case "external_mysql":
        source.externalMysql = str(value);
        break;
      case "stop_after_copy":
        source.stopAfterCopy = str(value) === "true";
        break;
      case "external_cluster":
        source.externalCluster = str(value);
        break;
      case "source_time_zone":
        source.sourceTimeZone = str(value);
        break;
      case "target_time_zone":
        source.targetTimeZone = str(value);
        break;
      default:
        break;
    }
  }
  return source;
}
