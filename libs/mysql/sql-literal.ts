import { isUtf8 } from "node:buffer";
import { Flag, Type, typeToJSON } from "../proto/query.js";
import { Code, VtError } from "../vterrors/index.js";

const ESCAPES: Readonly<Record<string, string>> = {
  "\0": "\\0",
  "\n": "\\n",
  "\r": "\\r",
  "\b": "\\b",
  "\t": "\\t",
  "\x1a": "\\Z",
  "\\": "\\\\",
  "'": "\\'",
  '"': '\\"',
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters MySQL escapes.
const NEEDS_ESCAPE = /[\0\n\r\b\t\x1a\\'"]/g;

const INTEGER = /^-?[0-9]+$/;
const UNSIGNED = /^[0-9]+$/;
const FLOAT = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const HEXNUM = /^0x[0-9a-fA-F]+$/;
const HEXVAL = /^[xX]'([0-9a-fA-F]{2})*'$/;
const BITNUM = /^0b[01]+$/;

/**
 * A MySQL string literal for `text`, backslash-escaped as Vitess's SQLEncodeMap does. Assumes the server
 * runs without NO_BACKSLASH_ESCAPES (the default).
 */
export function quoteString(text: string): string {
  return `'${text.replace(NEEDS_ESCAPE, (c) => ESCAPES[c] as string)}'`;
}

/** A hex literal X'..' for arbitrary bytes: exact for binary data, whatever its encoding. */
export function hexLiteral(bytes: Uint8Array): string {
  return `X'${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}'`;
}

/** A backquoted identifier (`a``b` for a name containing a backquote). */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

function invalid(type: Type, value: Buffer, why: string): VtError {
  const shown = value.length > 64 ? `${value.subarray(0, 64).toString()}...` : value.toString();
  return new VtError(
    Code.INVALID_ARGUMENT,
    `invalid ${typeToJSON(type)} value ${JSON.stringify(shown)}: ${why}`,
  );
}

function checked(type: Type, value: Buffer, pattern: RegExp, why: string): string {
  const text = value.toString("latin1");
  if (!pattern.test(text)) throw invalid(type, value, why);
  return text;
}

/**
 * The SQL text of one typed value (Vitess's `Value.EncodeSQL`), safe to splice into a statement:
 * numbers are checked to be numbers and written as they are; text is quoted and escaped (or written in
 * hex when the bytes are not valid UTF-8); binary types, BIT, GEOMETRY and VECTOR are written in hex so every
 * byte arrives exactly. Tuples are the caller's business (`encodeTuple`). Fails with INVALID_ARGUMENT.
 */
export function encodeSqlValue(type: Type, value: Buffer): string {
  switch (type) {
    case Type.NULL_TYPE:
      return "NULL";
    case Type.HEXNUM:
      return checked(type, value, HEXNUM, "not a 0x hex number");
    case Type.HEXVAL:
      return checked(type, value, HEXVAL, "not an x'..' hex value");
    case Type.BITNUM:
      return checked(type, value, BITNUM, "not a 0b bit number");
    case Type.DECIMAL:
      return checked(type, value, FLOAT, "not a decimal number");
    case Type.RAW:
      return value.toString();
    case Type.BIT:
    case Type.GEOMETRY:
    case Type.VECTOR:
      return hexLiteral(value);
    case Type.TUPLE:
    case Type.ROW_TUPLE:
    case Type.EXPRESSION:
      throw new VtError(Code.INVALID_ARGUMENT, `a ${typeToJSON(type)} cannot be encoded as a single value`);
    default:
      break;
  }
  if ((type & Flag.ISINTEGRAL) !== 0) {
    const unsigned = (type & Flag.ISUNSIGNED) !== 0;
    return checked(
      type,
      value,
      unsigned ? UNSIGNED : INTEGER,
      unsigned ? "not an unsigned integer" : "not an integer",
    );
  }
  if ((type & Flag.ISFLOAT) !== 0) return checked(type, value, FLOAT, "not a number");
  if ((type & Flag.ISBINARY) !== 0) return hexLiteral(value);
  if ((type & Flag.ISQUOTED) !== 0)
    return isUtf8(value) ? quoteString(value.toString("utf8")) : hexLiteral(value);
  throw new VtError(Code.INVALID_ARGUMENT, `values of type ${typeToJSON(type)} cannot be sent to MySQL`);
}

/** `(a, b, c)` for the values of a TUPLE; an empty list is an error, as in Vitess. */
export function encodeTuple(values: readonly { type: Type; value: Buffer }[], name: string): string {
  if (values.length === 0) throw new VtError(Code.INVALID_ARGUMENT, `empty list supplied for ${name}`);
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const item = values[i] as { type: Type; value: Buffer };
    parts[i] = encodeSqlValue(item.type, item.value);
  }
  return `(${parts.join(", ")})`;
}
