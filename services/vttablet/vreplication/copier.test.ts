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

/** One insert worker on the test's own target. */
function copyOptions(db: RecordingDb) {
  return { copyPhaseMs: 60_000, insertWorkers: 1, openDb: async () => db };
}

/** A target whose inserts wait until `release` is called, logging every statement as `name: sql`. */
class GatedDb extends RecordingDb {
  private gate: (() => void) | undefined;
  private readonly opened: Promise<void>;
  constructor(
    private readonly name: string,
    private readonly log: string[],
    gated: boolean,
  ) {
    super();
    this.opened = gated ? new Promise((resolve) => (this.gate = resolve)) : Promise.resolve();
  }
  release(): void {
    this.gate?.();
  }
  override async execute(sql: string) {
    if (sql.startsWith("insert")) await this.opened;
    this.log.push(`${this.name}: ${sql.split(" set ")[0]?.split(" values ")[0]}`);
    return super.execute(sql);
  }
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
    expect(await copyCycle(playContext(db, source), copyOptions(db))).toBe(true);
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

  it("with two insert workers, a later batch never commits before an earlier one", async () => {
    const db = new RecordingDb([
      [/from _vt.copy_state/, textResult(["table_name", "lastpk"], [["customer", null]])],
      [/from _vt.vreplication where id/, streamRow("")],
    ]);
    const log: string[] = [];
    const slow = new GatedDb("w1", log, true);
    const fast = new GatedDb("w2", log, false);
    const workers = [slow, fast];
    const fields = [field("customer_id", Type.INT64)];
    const source = new ScriptedSource(
      [],
      [
        rowsResponse({ fields, pkfields: [fields[0]!], gtid: "MariaDB/0-1-10" }),
        rowsResponse({ rows: [row("1")], lastpk: row("1") }),
        rowsResponse({ rows: [row("2")], lastpk: row("2") }),
      ],
    );
    const copying = copyCycle(playContext(db, source), {
      copyPhaseMs: 60_000,
      insertWorkers: 2,
      openDb: async () => workers.shift() ?? db,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // w2 inserted the second batch but waits for w1's commit before recording its lastpk.
    expect(log).toContain("w2: insert into `customer` (`customer_id`)");
    expect(log.some((line) => line.startsWith("w2: update"))).toBe(false);
    slow.release();
    await copying;
    const commits = log.filter((line) => line.endsWith("commit") || line.includes("copy_state"));
    expect(commits).toEqual([
      "w1: update _vt.copy_state",
      "w1: commit",
      "w2: update _vt.copy_state",
      "w2: commit",
    ]);
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
    await copyCycle(playContext(db, source), copyOptions(db));
    const request = source.rowsRequests[0];
    expect(request?.lastpk?.fields[0]?.name).toBe("customer_id");
    expect(request?.lastpk?.rows[0]?.values.toString()).toBe("2");
  });

  it("says when no table is left to copy", async () => {
    const db = new RecordingDb([[/from _vt.copy_state/, textResult(["table_name", "lastpk"], [])]]);
    expect(await copyCycle(playContext(db, new ScriptedSource()), copyOptions(db))).toBe(false);
  });
});
