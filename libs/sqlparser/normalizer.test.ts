import { describe, expect, it } from "vitest";
import { type BindVariable, Type, typeToJSON } from "../proto/query.js";
import { normalize } from "./normalizer.js";
import { parse } from "./parser.js";

/** A bind variable shown as `TYPE:value` (tuples as `[TYPE:v, ...]`) for readable expectations. */
function show(bv: BindVariable): string {
  if (bv.type === Type.TUPLE)
    return `[${bv.values.map((v) => `${typeToJSON(v.type)}:${v.value.toString()}`).join(", ")}]`;
  return `${typeToJSON(bv.type)}:${bv.value.toString()}`;
}

function run(sql: string): { sql: string; bindVars: Record<string, string> } {
  const out = normalize(parse(sql));
  // the normalized text parses back to the normalized statement
  expect(parse(out.sql)).toEqual(out.statement);
  return {
    sql: out.sql,
    bindVars: Object.fromEntries(Object.entries(out.bindVars).map(([k, v]) => [k, show(v)])),
  };
}

const CASES: readonly (readonly [string, string, Record<string, string>])[] = [
  ["select * from t where foobar = 'aa'", "select * from t where foobar = :vtg1", { vtg1: "VARCHAR:aa" }],
  ["select * from t where col = ?", "select * from t where col = :v1", {}],
  ["select 'aa' from t", "select :vtg1 as aa from t", { vtg1: "VARCHAR:aa" }],
  ["select 1 + 1 from dual", "select :vtg1 + :vtg1 as `1 + 1` from dual", { vtg1: "INT64:1" }],
  ["select 1 as one from dual", "select :vtg1 as one from dual", { vtg1: "INT64:1" }],
  ["select * from t where foobar = 1", "select * from t where foobar = :vtg1", { vtg1: "INT64:1" }],
  ["select * from t where foobar = -1", "select * from t where foobar = :vtg1", { vtg1: "INT64:-1" }],
  ["select * from t where foobar = 1.2", "select * from t where foobar = :vtg1", { vtg1: "DECIMAL:1.2" }],
  ["select * from t where foobar = 1e3", "select * from t where foobar = :vtg1", { vtg1: "FLOAT64:1e3" }],
  [
    "select * from t where foo = 1.2 and bar = 2",
    "select * from t where foo = :vtg1 and bar = :vtg2",
    { vtg1: "DECIMAL:1.2", vtg2: "INT64:2" },
  ],
  [
    "select * from t where foo = :vtg1 and bar = 12",
    "select * from t where foo = :vtg1 and bar = :vtg2",
    { vtg2: "INT64:12" },
  ],
  [
    "select * from t where foo = 1 and bar = 1",
    "select * from t where foo = :vtg1 and bar = :vtg1",
    { vtg1: "INT64:1" },
  ],
  [
    "select * from t where foo = 1 and bar = '1'",
    "select * from t where foo = :vtg1 and bar = :vtg2",
    { vtg1: "INT64:1", vtg2: "VARCHAR:1" },
  ],
  [
    "insert into a values (1, 1)",
    "insert into a values (:vtg1, :vtg2)",
    { vtg1: "INT64:1", vtg2: "INT64:1" },
  ],
  [
    "insert into a(v1, v2, v3) values (1, '2', 3), (4, null, default)",
    "insert into a(v1, v2, v3) values (:vtg1, :vtg2, :vtg3), (:vtg4, null, default)",
    { vtg1: "INT64:1", vtg2: "VARCHAR:2", vtg3: "INT64:3", vtg4: "INT64:4" },
  ],
  [
    "insert into t(a) values (1) on duplicate key update a = 2, b = 2",
    "insert into t(a) values (:vtg1) on duplicate key update a = :vtg2, b = :vtg2",
    { vtg1: "INT64:1", vtg2: "INT64:2" },
  ],
  [
    "update a set v1 = (select 5 from t), v2 = 5, v3 = (select 5 from t), v4 = 5",
    "update a set v1 = (select :vtg1 as `5` from t), v2 = :vtg1, v3 = (select :vtg1 as `5` from t), v4 = :vtg1",
    { vtg1: "INT64:5" },
  ],
  [
    "update a set v1 = 5 where v2 in (1, 4, 5)",
    "update a set v1 = :vtg1 where v2 in ::vtg2",
    { vtg1: "INT64:5", vtg2: "[INT64:1, INT64:4, INT64:5]" },
  ],
  ["select * from t where foo = 0x1234", "select * from t where foo = :vtg1", { vtg1: "HEXNUM:0x1234" }],
  ["select * from t where foo = x'7b7d'", "select * from t where foo = :vtg1", { vtg1: "HEXVAL:x'7B7D'" }],
  [
    "select convert(x'7b7d' using utf8mb4) from dual",
    "select convert(:vtg1 using utf8mb4) as `convert(X'7b7d' using utf8mb4)` from dual",
    { vtg1: "HEXVAL:x'7B7D'" },
  ],
  ["update a set foo = 0x12", "update a set foo = :vtg1", { vtg1: "HEXNUM:0x12" }],
  ["select * from t where foo = b'11'", "select * from t where foo = :vtg1", { vtg1: "BITNUM:0b11" }],
  ["select a, b from t order by 1 asc", "select a, b from t order by 1 asc", {}],
  [
    "select a, count(*) from t group by 1 order by 2 desc",
    "select a, count(*) from t group by 1 order by 2 desc",
    {},
  ],
  ["select a, b from t order by c asc", "select a, b from t order by c asc", {}],
  [
    "select * from t where v1 = 12345678901234567890",
    "select * from t where v1 = :vtg1",
    { vtg1: "UINT64:12345678901234567890" },
  ],
  [
    "select * from t where v1 = 123456789012345678901",
    "select * from t where v1 = :vtg1",
    { vtg1: "DECIMAL:123456789012345678901" },
  ],
  ["select * from t where v1 = v2", "select * from t where v1 = v2", {}],
  ["select * from t where v1 in ::list", "select * from t where v1 in ::list", {}],
  ["select * from t where v1 in (1, a)", "select * from t where v1 in (:vtg1, a)", { vtg1: "INT64:1" }],
  [
    "select * from t where v1 in (1, '2')",
    "select * from t where v1 in ::vtg1",
    { vtg1: "[INT64:1, VARCHAR:2]" },
  ],
  [
    "select * from t where v1 not in (1, '2')",
    "select * from t where v1 not in ::vtg1",
    { vtg1: "[INT64:1, VARCHAR:2]" },
  ],
  [
    "select * from t where a in (1, 2) or b in (1, 2)",
    "select * from t where a in ::vtg1 or b in ::vtg1",
    { vtg1: "[INT64:1, INT64:2]" },
  ],
  [
    "select cast('test' as char(60)) from dual",
    "select cast(:vtg1 as char(60)) as `cast('test' as char(60))` from dual",
    { vtg1: "VARCHAR:test" },
  ],
  [
    "select b'1', 0b01, b'1010', 0b1111111 from dual",
    "select :vtg1 as `B'1'`, :vtg2 as `0b01`, :vtg3 as `B'1010'`, :vtg4 as `0b1111111` from dual",
    { vtg1: "BITNUM:0b1", vtg2: "BITNUM:0b01", vtg3: "BITNUM:0b1010", vtg4: "BITNUM:0b1111111" },
  ],
  [
    "select date '2022-08-06' from dual",
    "select :vtg1 as `date '2022-08-06'` from dual",
    { vtg1: "DATE:2022-08-06" },
  ],
  [
    "select time '17:05:12' from dual",
    "select :vtg1 as `time '17:05:12'` from dual",
    { vtg1: "TIME:17:05:12" },
  ],
  [
    "select timestamp '2022-08-06 17:05:12' from dual",
    "select :vtg1 as `timestamp '2022-08-06 17:05:12'` from dual",
    { vtg1: "DATETIME:2022-08-06 17:05:12" },
  ],
  ["select * from t limit 10", "select * from t limit :vtg1", { vtg1: "INT64:10" }],
  [
    "select * from t where a = 10 limit 10, 10",
    "select * from t where a = :vtg1 limit :vtg2, :vtg3",
    { vtg1: "INT64:10", vtg2: "INT64:10", vtg3: "INT64:10" },
  ],
  [
    "select * from t where a = _binary 'x\\0y'",
    "select * from t where a = :vtg1",
    { vtg1: "VARBINARY:x\0y" },
  ],
  ["select * from t where a = _utf8mb4 'x'", "select * from t where a = _utf8mb4 'x'", {}],
  ["select * from t where a is null and b = true", "select * from t where a is null and b = true", {}],
  ["select next 10 values from seq", "select next 10 values from seq", {}],
  [
    "select * from t where d > now() - interval 1 day",
    "select * from t where d > now() - interval :vtg1 day",
    { vtg1: "INT64:1" },
  ],
  [
    "select c.email from customer as c join corder as o on c.customer_id = o.customer_id and o.price > 10 where c.customer_id = 5",
    "select c.email from customer as c join corder as o on c.customer_id = o.customer_id and o.price > :vtg1 where c.customer_id = :vtg2",
    { vtg1: "INT64:10", vtg2: "INT64:5" },
  ],
  [
    "select * from (select a from t where b = 3) as d where d.a = 3",
    "select * from (select a from t where b = :vtg1) as d where d.a = :vtg1",
    { vtg1: "INT64:3" },
  ],
  [
    "select a from t where b = 1 union select a from u where b = 1 limit 5",
    "select a from t where b = :vtg1 union select a from u where b = :vtg1 limit :vtg2",
    { vtg1: "INT64:1", vtg2: "INT64:5" },
  ],
  [
    "delete from t where id = 5 limit 1",
    "delete from t where id = :vtg1 limit :vtg2",
    { vtg1: "INT64:5", vtg2: "INT64:1" },
  ],
  ["select group_concat(a separator ',') from t", "select group_concat(a separator ',') from t", {}],
  [
    "vexplain plan select * from customer where customer_id = 4",
    "vexplain plan select * from customer where customer_id = :vtg1",
    { vtg1: "INT64:4" },
  ],
  ["set autocommit = 1", "set autocommit = 1", {}],
  ["create table t (a int default 1)", "create table t (a int default 1)", {}],
  ["show tables like 'a%'", "show tables like 'a%'", {}],
];

describe("normalize", () => {
  it.each(CASES.map((c) => [c[0], c] as const))("%s", (_name, [input, sql, bindVars]) => {
    expect(run(input)).toEqual({ sql, bindVars });
  });

  it("gives the same plan-cache key to queries that differ only in values", () => {
    expect(normalize(parse("select * from customer where customer_id = 1")).sql).toBe(
      normalize(parse("SELECT * FROM customer WHERE customer_id=42")).sql,
    );
  });

  it("does not reuse values longer than 256 characters", () => {
    const long = "x".repeat(257);
    expect(run(`select * from t where a = '${long}' and b = '${long}'`).sql).toBe(
      "select * from t where a = :vtg1 and b = :vtg2",
    );
  });

  it("avoids names already in a statement that is not the one parsed last", () => {
    const first = parse("select * from t where a = :vtg1 and b = 2 order by :vtg2");
    parse("select 1 from dual");
    expect(normalize(first).sql).toBe("select * from t where a = :vtg1 and b = :vtg3 order by :vtg2 asc");
  });

  it("uses a custom prefix and avoids names already in the query", () => {
    const out = normalize(parse("select * from t where a = :bv1 and b = 2"), { prefix: "bv" });
    expect(out.sql).toBe("select * from t where a = :bv1 and b = :bv2");
  });
});
