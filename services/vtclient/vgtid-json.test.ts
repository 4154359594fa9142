import { describe, expect, it } from "vitest";
import { packRows } from "../../libs/mysql/query-result.js";
import { RowChange, VEvent, VEventType } from "../../libs/proto/binlogdata.js";
import { QueryResult, Type } from "../../libs/proto/query.js";
import { filterOf } from "./filters.js";
import { eventJsonLine, parseVGtidJson } from "./vgtid-json.js";

describe("vtclient output and positions", () => {
  it("prints a ROW event as one protojson line with readable values", () => {
    const [after] = packRows([[Buffer.from("7"), Buffer.from("héllo"), null]]);
    const line = eventJsonLine(
      VEvent.fromPartial({
        type: VEventType.ROW,
        keyspace: "customer",
        shard: "-80",
        rowEvent: { tableName: "t", rowChanges: [RowChange.fromPartial({ after })] },
      }),
    );
    expect(line).not.toContain("\n");
    const json = JSON.parse(line) as { type: string; row_event: { table_name: string }; values: unknown };
    expect(json.type).toBe("ROW");
    expect(json.row_event.table_name).toBe("t");
    expect(json.values).toEqual([{ before: null, after: ["7", "héllo", null] }]);
  });

  it("takes back the VGTID it printed, last keys included", () => {
    const lastpk = QueryResult.fromPartial({
      fields: [{ name: "id", type: Type.INT64 }],
      rows: packRows([[Buffer.from("42")]]),
    });
    const vgtid = {
      shardGtids: [
        {
          keyspace: "customer",
          shard: "-80",
          gtid: "MariaDB/0-200-9",
          tablePKs: [{ tableName: "t", lastpk }],
        },
        { keyspace: "customer", shard: "80-", gtid: "current", tablePKs: [] },
      ],
    };
    const line = eventJsonLine(VEvent.fromPartial({ type: VEventType.VGTID, vgtid }));
    const parsed = parseVGtidJson(line);
    expect(parsed.shardGtids.map((s) => `${s.shard}@${s.gtid}`)).toEqual([
      "-80@MariaDB/0-200-9",
      "80-@current",
    ]);
    const pk = parsed.shardGtids[0]?.tablePKs[0];
    expect(pk?.tableName).toBe("t");
    expect(pk?.lastpk?.fields[0]).toMatchObject({ name: "id", type: Type.INT64 });
    expect(pk?.lastpk?.rows).toEqual(lastpk.rows);
    expect(() => parseVGtidJson("{nope")).toThrow(/VGtid in JSON/);
  });

  it("turns --filter values into rules", () => {
    const rules = (values: string[]) =>
      filterOf(values).rules.map(({ match, filter }) => ({ match, filter }));
    expect(rules([])).toEqual([{ match: "/.*/", filter: "" }]);
    expect(rules(["customer", "/c.*/", "select id from corder where in_keyrange('-80')"])).toEqual([
      { match: "customer", filter: "" },
      { match: "/c.*/", filter: "" },
      { match: "corder", filter: "select id from corder where in_keyrange('-80')" },
    ]);
  });
});
