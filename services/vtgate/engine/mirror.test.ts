import { describe, expect, it } from "vitest";
import { QueryResult } from "../../../libs/proto/query.js";
import type { SessionReader } from "./cursor.js";
import { Mirror } from "./mirror.js";
import type { Primitive } from "./primitive.js";

type Cursor = Pick<SessionReader, "autocommit" | "inTransaction">;

/** A plan operator that records its runs and answers `result` or throws `error`. */
function fakePlan(
  name: string,
  runs: string[],
  outcome: { rows?: number; error?: Error },
): Primitive<Cursor> {
  const run = async () => {
    runs.push(name);
    if (outcome.error) throw outcome.error;
    return QueryResult.fromPartial({ rowsAffected: outcome.rows ?? 0 });
  };
  return {
    kind: name,
    execute: run,
    async streamExecute(_cursor, _bindVars, onResult) {
      await onResult(await run());
    },
    describe: () => ({ operator: name }),
  };
}

const autocommit: Cursor = { autocommit: true, inTransaction: false };

describe("Mirror", () => {
  it("runs the target copy when the dice fall under the percent and returns only the main result", async () => {
    const runs: string[] = [];
    const mirror = new Mirror(
      10,
      fakePlan("main", runs, { rows: 1 }),
      fakePlan("copy", runs, { rows: 2 }),
      () => 0.05,
    );
    const result = await mirror.execute(autocommit as SessionReader, {});
    expect(result.rowsAffected).toBe(1);
    expect(runs.sort()).toEqual(["copy", "main"]);
  });

  it("skips the copy above the percent, in a transaction, and with autocommit off", async () => {
    for (const [cursor, dice] of [
      [autocommit, 0.5],
      [{ autocommit: true, inTransaction: true }, 0],
      [{ autocommit: false, inTransaction: false }, 0],
    ] as const) {
      const runs: string[] = [];
      const mirror = new Mirror(10, fakePlan("main", runs, {}), fakePlan("copy", runs, {}), () => dice);
      await mirror.execute(cursor as SessionReader, {});
      expect(runs).toEqual(["main"]);
    }
  });

  it("drops the copy's error and keeps the main one", async () => {
    const runs: string[] = [];
    const ok = new Mirror(
      100,
      fakePlan("main", runs, { rows: 3 }),
      fakePlan("copy", runs, { error: new Error("target down") }),
    );
    expect((await ok.execute(autocommit as SessionReader, {})).rowsAffected).toBe(3);
    const failing = new Mirror(
      100,
      fakePlan("main", runs, { error: new Error("main failed") }),
      fakePlan("copy", runs, {}),
    );
    await expect(failing.execute(autocommit as SessionReader, {})).rejects.toThrow("main failed");
    const streamed: number[] = [];
    await ok.streamExecute(autocommit as SessionReader, {}, async (r) => {
      streamed.push(r.rowsAffected);
    });
    expect(streamed).toEqual([3]);
  });
});
