import { describe, expect, it } from "vitest";
import { BinlogSource, OnDDLAction } from "../../../libs/proto/binlogdata.js";
import { binlogSourceFromText, binlogSourceToText } from "./binlog-source-text.js";

describe("binlog source prototext", () => {
  it("writes what Vitess writes for a MoveTables stream", () => {
    const source = BinlogSource.fromPartial({
      keyspace: "customer",
      shard: "0",
      filter: {
        rules: [
          { match: "customer", filter: "select * from `customer`" },
          { match: "corder", filter: "select * from `corder`" },
        ],
      },
    });
    expect(binlogSourceToText(source)).toBe(
      'keyspace:"customer" shard:"0" filter:{rules:{match:"customer" filter:"select * from `customer`"} ' +
        'rules:{match:"corder" filter:"select * from `corder`"}}',
    );
  });

  it("round-trips quotes, key ranges, on_ddl and stop_after_copy", () => {
    const source = BinlogSource.fromPartial({
      keyspace: "ks",
      shard: "-80",
      keyRange: { start: Buffer.alloc(0), end: Buffer.from([0x80]) },
      filter: {
        rules: [
          { match: "/.*/", filter: "-80" },
          { match: "t", filter: "select a from t where b = 'x\"y\\\\'" },
        ],
      },
      onDdl: OnDDLAction.EXEC,
      stopAfterCopy: true,
    });
    const text = binlogSourceToText(source);
    expect(text).toContain("on_ddl:EXEC");
    expect(text).toContain('key_range:{end:"\\x80"}');
    const back = binlogSourceFromText(text);
    expect(back.filter?.rules.map((r) => [r.match, r.filter])).toEqual([
      ["/.*/", "-80"],
      ["t", "select a from t where b = 'x\"y\\\\'"],
    ]);
    expect(back.keyRange?.end).toEqual(Buffer.from([0x80]));
    expect(back.onDdl).toBe(OnDDLAction.EXEC);
    expect(back.stopAfterCopy).toBe(true);
  });

  it("reads Vitess's angle-bracket and octal forms, and refuses garbage", () => {
    const back = binlogSourceFromText(
      'keyspace: "a" shard: "0" filter: < rules: < match: "t\\303\\251" > > on_ddl: 2',
    );
    expect(back.keyspace).toBe("a");
    expect(back.filter?.rules[0]?.match).toBe("té");
    expect(back.onDdl).toBe(OnDDLAction.EXEC);
    expect(() => binlogSourceFromText('keyspace:"a')).toThrow(/unterminated/);
  });
});
