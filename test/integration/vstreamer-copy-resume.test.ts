import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePosition } from "../../libs/mysql/replication/index.js";
import {
  Filter,
  type TableLastPK,
  type VEvent,
  VEventType,
  VStreamRowsRequest,
  type VStreamRowsResponse,
} from "../../libs/proto/binlogdata.js";
import { Type } from "../../libs/proto/query.js";
import { rowText, VStreamReader } from "../harness/vstream-client.js";
import { reached, rowEvents, VStreamTablet } from "../harness/vstream-tablet.js";
import { waitFor } from "../harness/wait.js";

const t = new VStreamTablet("vstreamer-copy", 321, "commerce");

beforeAll(() => t.start());
afterAll(() => t.stop());

describe("VStreamRows, shared binlog reads and resuming, against a real vttablet and MariaDB", () => {
  it("VStreamRows snapshot, then VStream from its position, reproduce a table changing under a writer", async () => {
    await t.dba.query("CREATE TABLE snap (id INT PRIMARY KEY, v VARCHAR(40), n INT)");
    for (let batch = 0; batch < 20; batch++) {
      const values = Array.from(
        { length: 1000 },
        (_, i) => `(${batch * 1000 + i + 1}, 'v${batch * 1000 + i + 1}', 0)`,
      );
      await t.dba.query(`INSERT INTO snap VALUES ${values.join(",")}`);
    }
    const writerConn = await t.mysqld.connect("vt_dba", { database: t.dbName });
    let writing = true;
    let writes = 0;
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let nextId = 20_001;
    const writer = (async () => {
      while (writing) {
        const ops = 1 + random(4);
        await writerConn.query("BEGIN");
        for (let i = 0; i < ops; i++) {
          const op = random(3);
          if (op === 0) await writerConn.query(`INSERT INTO snap VALUES (${nextId}, 'new${nextId++}', 1)`);
          else if (op === 1)
            await writerConn.query(
              `UPDATE snap SET n = n + 1, v = CONCAT('u', id, '-', n) WHERE id = ${1 + random(nextId)}`,
            );
          else await writerConn.query(`DELETE FROM snap WHERE id = ${1 + random(nextId)}`);
        }
        await writerConn.query("COMMIT");
        writes++;
      }
    })();
    try {
      await waitFor("the writer to run", () => writes > 20);
      const table = new Map<string, (string | null)[]>();
      let gtid = "";
      const responses: VStreamRowsResponse[] = [];
      const writesBeforeCopy = writes;
      for await (const response of t.client.rpc.vStreamRows(
        VStreamRowsRequest.fromPartial({ target: t.target, query: "select * from snap" }),
      )) {
        responses.push(response);
      }
      expect(responses[0]!.fields.map((f) => f.name)).toEqual(["id", "v", "n"]);
      expect(responses[0]!.pkfields.map((f) => [f.name, f.type])).toEqual([["id", Type.INT32]]);
      gtid = responses[0]!.gtid;
      expect(gtid).toMatch(/^MariaDB\//);
      let previous = 0;
      for (const response of responses.slice(1)) {
        for (const row of response.rows) {
          const values = rowText(row)!;
          expect(Number(values[0])).toBeGreaterThan(previous);
          previous = Number(values[0]);
          table.set(values[0]!, values);
        }
        expect(rowText(response.lastpk)).toEqual([String(previous)]);
      }
      const writesAtCopy = writes;
      expect(writesAtCopy, "the writer went on during the copy").toBeGreaterThan(writesBeforeCopy);
      const reader = t.stream([{ match: "snap", filter: "select * from snap" }], gtid);
      await waitFor("more writes after the copy", () => writes > writesAtCopy + 30, { timeoutMs: 60_000 });
      writing = false;
      await writer;
      await reached(reader, await t.binlogPosition());
      await reader.stop();
      // Apply whole transactions, as VReplication does.
      let pending: VEvent[] = [];
      for (const event of reader.events) {
        if (event.type === VEventType.ROW) pending.push(event);
        if (event.type !== VEventType.COMMIT) continue;
        for (const change of pending.flatMap((e) => e.rowEvent!.rowChanges)) {
          if (change.before !== undefined) table.delete(rowText(change.before)![0]!);
          if (change.after !== undefined) table.set(rowText(change.after)![0]!, rowText(change.after)!);
        }
        pending = [];
      }
      const final = await t.selectRows("SELECT * FROM snap ORDER BY id");
      const applied = [...table.values()].sort((a, b) => Number(a[0]) - Number(b[0]));
      expect(applied.length).toBe(final.length);
      expect(applied).toEqual(final);
    } finally {
      writing = false;
      await writer.catch(() => undefined);
      await writerConn.end();
    }
  });

  it("a copy-then-stream resumed mid-copy catches up the rows already copied: misses and repeats nothing", async () => {
    await t.dba.query("CREATE TABLE resume_t (id INT PRIMARY KEY, v VARCHAR(60), n INT)");
    for (let batch = 0; batch < 20; batch++) {
      const values = Array.from({ length: 1000 }, (_, i) => {
        const id = batch * 1000 + i + 1;
        return `(${id}, '${"x".repeat(40)}${id}', 0)`;
      });
      await t.dba.query(`INSERT INTO resume_t VALUES ${values.join(",")}`);
    }
    const rules = [{ match: "resume_t", filter: "select * from resume_t" }];
    const table = new Map<string, (string | null)[]>();
    const repeated: string[] = [];
    /** Applies whole transactions up to `until` (a COMMIT index, inclusive); returns the resume state there. */
    const apply = (events: readonly VEvent[], until = events.length - 1) => {
      let pending: VEvent[] = [];
      let gtid = "";
      let lastpk: TableLastPK | undefined;
      let state = { gtid: "", lastpk: undefined as TableLastPK | undefined };
      for (const event of events.slice(0, until + 1)) {
        if (event.type === VEventType.ROW) pending.push(event);
        if (event.type === VEventType.GTID) gtid = event.gtid;
        if (event.type === VEventType.LASTPK && event.lastPKEvent?.tableLastPK !== undefined) {
          lastpk = event.lastPKEvent.completed ? undefined : event.lastPKEvent.tableLastPK;
        }
        if (event.type !== VEventType.COMMIT) continue;
        for (const change of pending.flatMap((e) => e.rowEvent!.rowChanges)) {
          if (change.before !== undefined) table.delete(rowText(change.before)![0]!);
          if (change.after !== undefined) {
            const key = rowText(change.after)![0]!;
            if (change.before === undefined && table.has(key)) repeated.push(key);
            table.set(key, rowText(change.after)!);
          }
        }
        pending = [];
        state = { gtid, lastpk };
      }
      return state;
    };
    const first = new VStreamReader(t.client, {
      target: t.target,
      position: "",
      filter: Filter.fromPartial({ rules }),
      tableLastPKs: [{ tableName: "resume_t", lastpk: undefined }],
    });
    // The consumer stops after the first packet of rows (whatever else arrived is lost with it).
    const firstPacketEnd = (events: readonly VEvent[]) => {
      const lastpkAt = events.findIndex(
        (e) => e.type === VEventType.LASTPK && e.lastPKEvent?.tableLastPK?.lastpk !== undefined,
      );
      return lastpkAt < 0 ? -1 : events.findIndex((e, i) => i > lastpkAt && e.type === VEventType.COMMIT);
    };
    await first.until("the first packet of rows", (events) => firstPacketEnd(events) >= 0);
    await first.stop();
    const saved = apply(first.events, firstPacketEnd(first.events));
    expect(saved.gtid).toMatch(/^MariaDB\//);
    expect(saved.lastpk?.tableName).toBe("resume_t");
    const lastId = Number(rowText(saved.lastpk!.lastpk!.rows[0])![0]);
    expect(lastId).toBeGreaterThan(10);
    expect(lastId).toBeLessThan(20_000);
    expect(table.size).toBe(lastId);

    // Changes to rows already copied, to rows not yet copied, a key moved across the last key, new rows.
    await t.dba.query(
      `UPDATE resume_t SET n = n + 1, v = CONCAT('u', id) WHERE id <= ${lastId} AND id % 7 = 0`,
    );
    await t.dba.query(`DELETE FROM resume_t WHERE id <= ${lastId} AND id % 11 = 0`);
    await t.dba.query(`UPDATE resume_t SET n = 5 WHERE id > ${lastId} AND id % 13 = 0`);
    await t.dba.query("UPDATE resume_t SET id = 30001 WHERE id = 1");
    await t.dba.query(`UPDATE resume_t SET id = 11 WHERE id = ${lastId + 1}`);
    await t.dba.query(
      "INSERT INTO resume_t VALUES (20001, 'new1', 1), (20002, 'new2', 1), (30002, 'new3', 1)",
    );

    const second = new VStreamReader(t.client, {
      target: t.target,
      position: saved.gtid,
      filter: Filter.fromPartial({ rules }),
      tableLastPKs: [saved.lastpk!],
    });
    await second.until("the copy phase", (events) =>
      events.some((e) => e.type === VEventType.COPY_COMPLETED),
    );
    await t.dba.query("UPDATE resume_t SET n = 9 WHERE id = 3");
    await reached(second, await t.binlogPosition());
    await second.stop();
    expect(second.error).toBeUndefined();
    apply(second.events);

    const final = await t.selectRows("SELECT * FROM resume_t ORDER BY id");
    const applied = [...table.values()].sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(applied.length).toBe(final.length);
    expect(applied).toEqual(final);
    // No row is inserted while the consumer has it (a copy or catch-up repeating a row).
    expect(repeated).toEqual([]);
  }, 120_000);

  it("VStreamRows resumes after a last primary key", async () => {
    const responses: VStreamRowsResponse[] = [];
    for await (const response of t.client.rpc.vStreamRows(
      VStreamRowsRequest.fromPartial({
        target: t.target,
        query: "select id, v from snap where id > 0",
        lastpk: {
          fields: [{ name: "id", type: Type.INT32 }],
          rows: [{ lengths: [4], values: Buffer.from("1500") }],
        },
      }),
    )) {
      responses.push(response);
    }
    const ids = responses.flatMap((r) => r.rows.map((row) => Number(rowText(row)![0])));
    const expected = (await t.selectRows("SELECT id FROM snap WHERE id > 1500 ORDER BY id")).map((r) =>
      Number(r[0]),
    );
    expect(ids).toEqual(expected);
    expect(responses[0]!.fields.map((f) => f.name)).toEqual(["id", "v"]);
  });

  it("streams that caught up share one binlog connection; one from an old position joins them", async () => {
    await t.dba.query("CREATE TABLE shared_t (id INT PRIMARY KEY)");
    const dumpThreads = async () => {
      const [rows] = await t.dba.query(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%' AND USER = 'vt_filtered'",
      );
      return Number((rows as { n: number }[])[0]!.n);
    };
    await waitFor("earlier streams to end", async () => (await dumpThreads()) === 0);
    const before = await t.binlogPosition();
    for (let i = 1; i <= 5; i++) await t.dba.query(`INSERT INTO shared_t VALUES (${i})`);
    const current = [];
    for (let i = 0; i < 3; i++) current.push(await t.streamFromNow([{ match: "shared_t", filter: "" }]));
    expect(await dumpThreads()).toBe(1);
    const late = t.stream([{ match: "shared_t", filter: "" }], encodePosition(before));
    await late.until("the five old rows", (events) => rowEvents(events, "shared_t").length === 5);
    await waitFor("the late stream to join the shared connection", async () => (await dumpThreads()) === 1, {
      timeoutMs: 20_000,
    });
    await t.dba.query("INSERT INTO shared_t VALUES (6)");
    const end = await t.binlogPosition();
    for (const reader of [...current, late]) {
      await reached(reader, end);
      expect(rowEvents(reader.events, "shared_t").at(-1)!.after).toBeDefined();
      expect(rowText(rowEvents(reader.events, "shared_t").at(-1)!.after)).toEqual(["6"]);
    }
    expect(rowEvents(late.events, "shared_t").map((c) => rowText(c.after)![0])).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
    ]);
    await Promise.all([...current, late].map((reader) => reader.stop()));
  });

  it("a stream interrupted by SIGKILL of the vttablet resumes from its last GTID: every transaction once", async () => {
    await t.dba.query("CREATE TABLE marker (id INT PRIMARY KEY, note VARCHAR(20))");
    const start = encodePosition(await t.binlogPosition());
    const total = 400;
    const writerConn = await t.mysqld.connect("vt_dba", { database: t.dbName });
    let written = 0;
    const writer = (async () => {
      for (let id = 1; id <= total; id++) {
        await writerConn.query(`INSERT INTO marker VALUES (${id}, 'm${id}')`);
        written = id;
        if (id % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const committed: number[] = [];
    /** Applies whole transactions; returns the position of the last one applied. */
    const apply = (events: readonly VEvent[]): string => {
      let pending: number[] = [];
      let gtid = "";
      let lastApplied = "";
      for (const event of events) {
        if (event.type === VEventType.BEGIN) pending = [];
        if (event.type === VEventType.ROW)
          pending.push(...event.rowEvent!.rowChanges.map((c) => Number(rowText(c.after)![0])));
        if (event.type === VEventType.GTID) gtid = event.gtid;
        if (event.type === VEventType.COMMIT) {
          committed.push(...pending);
          pending = [];
          lastApplied = gtid;
        }
      }
      return lastApplied;
    };
    try {
      const first = t.stream([{ match: "marker", filter: "select * from marker" }], start);
      await first.until("100 transactions", (events) => rowEvents(events, "marker").length >= 100);
      await t.tablet.process.stop({ signal: "SIGKILL" });
      await first.failure();
      const resumeFrom = apply(first.events);
      expect(committed.length).toBeGreaterThanOrEqual(99);
      await t.tablet.restart();
      const second = t.stream([{ match: "marker", filter: "select * from marker" }], resumeFrom);
      await writer;
      expect(written).toBe(total);
      await reached(second, await t.binlogPosition());
      await second.stop();
      apply(second.events);
      expect(committed.length).toBe(total);
      expect([...committed].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    } finally {
      await writer.catch(() => undefined);
      await writerConn.end();
    }
  });
});
