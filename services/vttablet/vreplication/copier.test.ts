import { describe, expect, it } from "vitest";
import { VEventType, type VStreamRowsResponse } from "../../../libs/proto/binlogdata.js";
import { Type } from "../../../libs/proto/query.js";
import { copyCycle } from "./copier.js";
import { STREAM_COLUMNS } from "./stream-record.js";
import { field, playContext, RecordingDb, row, ScriptedSource, textResult, vevent } from "./testing.js";

function streamRow(pos: string) {
  const names = STREAM_COLUMNS.split(", ");
  const values = names.map((name) => {
    if (name === "source") return 'keyspace:"commerce" shard:"0"';
    if (name === "pos") return pos;
    if (name === "state") return "Copying";
    return name === "id" ? "1" : "0";
  });
  return textResult(names, [values]);
}

function rowsResponse(parts: Partial<VStreamRowsResponse>): VStreamRowsResponse {
  return {
    fields: [],
    pkfields: [],
    gtid: "",
    rows: [],
    lastpk: undefined,
    throttled: false,
    heartbeat: false,
    throttledReason: "",
    ...parts,
  };
}

describe("copier", () => {
  it("records the snapshot position, inserts each batch with its lastpk, and finishes the table", async () => {
    const db = new RecordingDb([
      [/from _vt.copy_state/, textResult(["table_name", "lastpk"], [["customer", null]])],
      [/from _vt.vreplication where id/, streamRow("")],
    ]);
    const fields = [field("customer_id", Type.INT64), field("email", Type.VARCHAR)];
    const source = new ScriptedSource(
      [],
      [
        rowsResponse({ fields, pkfields: [fields[0]!], gtid: "MariaDB/0-1-10" }),
        rowsResponse({ rows: [row("1", "a"), row("2", "b")], lastpk: row("2") }),
        rowsResponse({ rows: [row("3", "c")], lastpk: row("3") }),
      ],
    );
    expect(await copyCycle(playContext(db, source), { copyPhaseMs: 60_000 })).toBe(true);
    expect(source.rowsRequests[0]?.query).toBe("select * from `customer`");
    expect(source.rowsRequests[0]?.lastpk).toBeUndefined();
    const writes = db.statements.filter((s) => !s.startsWith("select"));
    expect(writes[0]).toMatch(/^update _vt.vreplication set pos = 'MariaDB\/0-1-10'/);
    expect(writes.slice(1, 6)).toEqual([
      "begin",
      "insert into `customer` (`customer_id`, `email`) values (1, 'a'), (2, 'b')",
      `update _vt.copy_state set lastpk = '{\\"fields\\":[{\\"name\\":\\"customer_id\\",\\"type\\":\\"INT64\\"}],\\"values\\":[\\"2\\"]}' where vrepl_id = 1 and table_name = 'customer'`,
      "update _vt.vreplication set rows_copied = rows_copied + 2, time_updated = unix_timestamp() where id = 1",
      "commit",
    ]);
    expect(writes.at(-1)).toBe("delete from _vt.copy_state where vrepl_id = 1 and table_name = 'customer'");
  });

  it("resumes from the stored lastpk", async () => {
    const lastpk = '{"fields":[{"name":"customer_id","type":"INT64"}],"values":["2"]}';
    const db = new RecordingDb([
      [/from _vt.copy_state/, textResult(["table_name", "lastpk"], [["customer", lastpk]])],
      [/from _vt.vreplication where id/, streamRow("MariaDB/0-1-10")],
    ]);
    const source = new ScriptedSource([], []);
    // Catch-up needs a VStream: give it a heartbeat so it returns at once.
    source.events = [vevent(VEventType.HEARTBEAT)];
    await copyCycle(playContext(db, source), { copyPhaseMs: 60_000 });
    const request = source.rowsRequests[0];
    expect(request?.lastpk?.fields[0]?.name).toBe("customer_id");
    expect(request?.lastpk?.rows[0]?.values.toString()).toBe("2");
  });

  it("says when no table is left to copy", async () => {
    const db = new RecordingDb([[/from _vt.copy_state/, textResult(["table_name", "lastpk"], [])]]);
    expect(await copyCycle(playContext(db, new ScriptedSource()), { copyPhaseMs: 1 })).toBe(false);
  });
});
