import { afterEach, describe, expect, it } from "vitest";
import { rowsAsStrings } from "../../../libs/mysql/query-result.js";
import { Type } from "../../../libs/proto/query.js";
import { VtError } from "../../../libs/vterrors/index.js";
import { customerLookupVSchema, LOOKUP_TABLETS } from "../testing/customer-lookup-vschema.js";
import { createSandbox, type Sandbox } from "../testing/sandbox.js";
import { localField, localResult } from "./results.js";

describe("UncorrelatedSubquery: the subquery runs first, its rows bound into the outer query", () => {
  let sb: Sandbox;
  afterEach(() => sb?.close());

  /** Each customer shard answers the subquery (`select customer_id ...`) with these ids. */
  const setup = async (ids: Record<number, string[]>) => {
    sb = await createSandbox({ tablets: LOOKUP_TABLETS, srvVSchema: customerLookupVSchema() });
    for (const uid of [200, 300]) {
      sb.tablet(uid).defaultAnswer = (sql) =>
        localResult(
          [localField("customer_id", Type.INT64)],
          sql.startsWith("select customer_id from") ? (ids[uid] ?? []).map((id) => [id]) : [],
        );
    }
    return sb.session("customer");
  };

  it("routes the outer IN by the subquery's values: each shard gets only its own", async () => {
    const session = await setup({ 200: ["1"], 300: ["4"] });
    await sb.run(
      session,
      "select email from customer where customer_id in (select customer_id from customer where email like 'a%')",
    );
    const outer = "select email from customer where :__sq_has_values1 = 1 and customer_id in ::__vals";
    for (const [uid, id] of [
      [200, "1"],
      [300, "4"],
    ] as const) {
      const call = sb.tablet(uid).calls.find((c) => c.sql === outer);
      expect(call?.bindVariables.__vals?.values.map((v) => Buffer.from(v.value).toString())).toEqual([id]);
    }
  });

  it("an empty subquery result sends the outer IN nowhere and answers no row", async () => {
    const session = await setup({});
    const r = await sb.run(
      session,
      "select customer_id from customer where customer_id in (select customer_id from customer where email like 'none%')",
    );
    expect(rowsAsStrings(r)).toEqual([]);
    const outerCalls = [200, 300]
      .flatMap((uid) => sb.tablet(uid).queries())
      .filter((q) => !q.includes("email like"));
    // Only the impossible query that gives the result its columns reaches a shard.
    expect(outerCalls).toEqual(["select customer_id from customer where 1 != 1"]);
  });

  it("a scalar subquery of more than one row fails as MySQL (1242)", async () => {
    const session = await setup({ 200: ["1", "2"] });
    const err = await sb
      .run(
        session,
        "select email from customer where customer_id = (select customer_id from customer where email like 'a%')",
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(VtError);
    expect((err as VtError).message).toBe("Subquery returns more than 1 row");
    expect((err as VtError).mysql?.errno).toBe(1242);
  });
});
