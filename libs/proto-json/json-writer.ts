/**
 * A small JSON tree with ordered object keys and verbatim numbers, and its 2-space pretty printer. Plain JS
 * objects cannot keep keys such as "10" after "9" in insertion order, nor print 64-bit integers exactly.
 */

export class JsonNumber {
  constructor(readonly text: string) {}
}

export class JsonObject {
  readonly entries: [string, JsonValue][] = [];

  set(key: string, value: JsonValue): this {
    this.entries.push([key, value]);
    return this;
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

export interface WriteOptions {
  indent?: string;
  /** Go's encoding/json escapes <, > and & (and U+2028/U+2029) as \u00XX; protojson does not. */
  htmlEscape?: boolean;
}

export function writeJson(value: JsonValue, options: WriteOptions = {}): string {
  const indent = options.indent ?? "  ";
  const quote = (text: string): string => {
    const json = JSON.stringify(text);
    if (!options.htmlEscape) return json;
    return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  };
  const write = (v: JsonValue, depth: number): string => {
    if (v === null) return "null";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "string") return quote(v);
    if (v instanceof JsonNumber) return v.text;
    const inner = indent.repeat(depth + 1);
    const outer = indent.repeat(depth);
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      return `[\n${v.map((item) => inner + write(item, depth + 1)).join(",\n")}\n${outer}]`;
    }
    if (v.entries.length === 0) return "{}";
    const fields = v.entries.map(([key, item]) => `${inner}${quote(key)}: ${write(item, depth + 1)}`);
    return `{\n${fields.join(",\n")}\n${outer}}`;
  };
  return write(value, 0);
}
