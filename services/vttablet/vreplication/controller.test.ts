import { describe, expect, it } from "vitest";
import type { VStreamResponse } from "../../../libs/proto/binlogdata.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import { type ControllerOptions, isPermanentError, StreamController } from "./controller.js";
import type { SourcePicker, SourceStreamer } from "./source.js";
import { STREAM_COLUMNS } from "./stream-record.js";
import { RecordingDb, ScriptedSource, silentLogger, textResult } from "./testing.js";

const OPTIONS: ControllerOptions = {
  maxRetries: 2,
  retryBaseMs: 1,
  retryMaxMs: 5,
  copyPhaseMs: 1_000,
  copyInsertWorkers: 1,
};

function runningStream(): RecordingDb {
  const names = STREAM_COLUMNS.split(", ");
  const values = names.map((name) => {
    if (name === "source") return 'keyspace:"commerce" shard:"0" filter:{rules:{match:"customer"}}';
    if (name === "pos") return "MariaDB/0-1-5";
    if (name === "state") return "Running";
    if (name === "db_name") return "vt_customer";
    if (["cell", "tablet_types", "message", "tags", "stop_pos", "workflow"].includes(name)) return "";
    return name === "id" ? "7" : "0";
  });
  return new RecordingDb([
    [/from _vt.vreplication where id/, textResult(names, [values])],
    [/^select 1 from _vt.copy_state/, textResult(["1"], [])],
    [/information_schema/, textResult(["a", "b"], [])],
    [/from _vt.vreplication_log/, textResult(["id", "type", "state", "message"], [])],
  ]);
}

class FailingSource extends ScriptedSource {
  constructor(private readonly error: Error) {
    super();
  }
  override vstream(): AsyncIterable<VStreamResponse> {
    const error = this.error;
    return (async function* () {
      yield* [];
      throw error;
    })();
  }
}

function controllerWith(db: RecordingDb, picker: SourcePicker): StreamController {
  return new StreamController(7, "vt_customer", {
    openDb: async () => ({ execute: (sql) => db.execute(sql), close: () => undefined }),
    picker,
    logger: silentLogger,
    options: OPTIONS,
  });
}

describe("stream controller", () => {
  it("puts the stream in Error at once when the source lost the position (1236), with a log row", async () => {
    const db = runningStream();
    const lost = new VtError(
      Code.FAILED_PRECONDITION,
      "Could not find GTID state requested by slave in any binlog files",
      {
        mysql: { errno: 1236, sqlstate: "HY000" },
      },
    );
    let picks = 0;
    const controller = controllerWith(db, {
      pick: async () => {
        picks++;
        return new FailingSource(lost) as SourceStreamer;
      },
    });
    await controller.whenDone();
    expect(picks).toBe(1);
    expect(
      db.statements.some((s) => /set state = 'Error', message = 'Could not find GTID state/.test(s)),
    ).toBe(true);
    expect(db.statements.some((s) => /insert into _vt.vreplication_log .*'Error', 'Error'/.test(s))).toBe(
      true,
    );
  });

  it("retries transient failures with another source, then gives up with the count", async () => {
    const db = runningStream();
    const avoided: string[][] = [];
    const controller = controllerWith(db, {
      pick: async (request) => {
        avoided.push([...request.avoid]);
        return new FailingSource(new VtError(Code.UNAVAILABLE, "connection refused")) as SourceStreamer;
      },
    });
    await controller.whenDone();
    expect(avoided).toEqual([[], ["zone1-0000000100"], ["zone1-0000000100"]]);
    expect(db.statements.some((s) => /message = 'retrying: connection refused'/.test(s))).toBe(true);
    expect(
      db.statements.some((s) =>
        /state = 'Error', message = 'connection refused \(after 3 attempts\)'/.test(s),
      ),
    ).toBe(true);
  });

  it("tells permanent errors from transient ones", () => {
    expect(
      isPermanentError(new VtError(Code.UNKNOWN, "x", { mysql: { errno: 1146, sqlstate: "42S02" } })),
    ).toBe(true);
    expect(isPermanentError(new VtError(Code.INVALID_ARGUMENT, "bad filter"))).toBe(true);
    expect(isPermanentError(new VtError(Code.UNAVAILABLE, "down"))).toBe(false);
    expect(isPermanentError(new Error("socket hang up"))).toBe(false);
  });
});
