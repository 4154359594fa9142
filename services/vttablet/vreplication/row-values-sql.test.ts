import { describe, expect, it } from "vitest";
import { packRows, type RawValue, unpackRow } from "../../../libs/mysql/query-result.js";
import { Type } from "../../../libs/proto/query.js";
import { rowValuesSql } from "./row-values-sql.js";
import { valuesList } from "./table-plan.js";
import { field } from "./testing.js";

const TYPES: readonly Type[] = [
  Type.INT32,
  Type.INT64,
  Type.UINT64,
  Type.DECIMAL,
  Type.FLOAT64,
  Type.CHAR,
  Type.VARCHAR,
  Type.TEXT,
  Type.JSON,
  Type.ENUM,
  Type.DATE,
  Type.DATETIME,
  Type.TIMESTAMP,
  Type.TIME,
  Type.YEAR,
  Type.BINARY,
  Type.VARBINARY,
  Type.BLOB,
  Type.BIT,
];

/** Text that exercises every escape, multi-byte UTF-8 and (when `bytes`) sequences that are not UTF-8. */
function randomValue(type: Type, seed: number): RawValue {
  if (seed % 7 === 0) return null;
  switch (type) {
    case Type.INT32:
    case Type.INT64:
      return Buffer.from(String(((seed * 7919) % 100_000) - 50_000));
    case Type.UINT64:
    case Type.YEAR:
      return Buffer.from(String((seed * 104_729) % 1_000_000));
    case Type.DECIMAL:
      return Buffer.from(`${seed % 2 === 0 ? "-" : ""}${seed}.${seed % 100}`);
    case Type.FLOAT64:
      return Buffer.from(`${seed / 7}e${seed % 5}`);
    default:
      break;
  }
  const bytes: number[] = [];
  const pieces = ["a", "'", '"', "\\", "\0", "\n", "\r", "\b", "\t", "\x1a", "é", "€", "😀", "%", "_"];
  for (let i = 0; i < seed % 13; i++)
    bytes.push(...Buffer.from(pieces[(seed * (i + 3)) % pieces.length] as string));
  if (seed % 5 === 0) bytes.push(0xff, 0xc3);
  return Buffer.from(bytes);
}

describe("rowValuesSql", () => {
  it("writes the same VALUES as valuesList of the unpacked rows, for every type, NULL and escape", () => {
    const fields = TYPES.map((type, i) => field(`c${i}`, type));
    const rows: RawValue[][] = [];
    for (let r = 0; r < 200; r++) rows.push(TYPES.map((type, i) => randomValue(type, r * 31 + i)));
    const packed = packRows(rows);
    expect(rowValuesSql(fields, packed)).toBe(valuesList(fields, packed.map(unpackRow)));
  });

  it("writes a row of empty and long values like valuesList", () => {
    const fields = [field("a", Type.VARCHAR), field("b", Type.VARBINARY), field("c", Type.INT64)];
    const rows = [
      [Buffer.alloc(0), Buffer.alloc(0), Buffer.from("0")],
      [Buffer.alloc(100_000, "'"), Buffer.alloc(70_000, 1), Buffer.from("-1")],
    ];
    const packed = packRows(rows);
    expect(rowValuesSql(fields, packed)).toBe(valuesList(fields, packed.map(unpackRow)));
  });

  it("rejects a value that is not of its integer type, naming the value", () => {
    const packed = packRows([[Buffer.from("12; drop table t")]]);
    expect(() => rowValuesSql([field("id", Type.INT64)], packed)).toThrow(
      /invalid INT64 value "12; drop table t"/,
    );
  });
});
