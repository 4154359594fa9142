import { describe, expect, it } from "vitest";
import type { Target } from "../../../libs/proto/query.js";
import { TabletType } from "../../../libs/proto/topodata.js";
import { Code, isVtError } from "../../../libs/vterrors/index.js";
import { aliasString, checkTarget, notServingError, targetString } from "./target-check.js";

const alias = { cell: "zone1", uid: 100 };
const primary: Target = { keyspace: "commerce", shard: "0", tabletType: TabletType.PRIMARY, cell: "zone1" };

describe("target check", () => {
  it("spells aliases and targets as Vitess does", () => {
    expect(aliasString(alias)).toBe("zone1-0000000100");
    expect(targetString(primary)).toBe("commerce/0 (PRIMARY)");
  });

  it("accepts the tablet's own target (whatever the cell) and no target", () => {
    expect(checkTarget({ ...primary }, primary, alias)).toBeUndefined();
    expect(checkTarget({ ...primary, cell: "" }, primary, alias)).toBeUndefined();
    expect(checkTarget(undefined, primary, alias)).toBeUndefined();
  });

  it("refuses another tablet type, keyspace or shard naming both targets", () => {
    const replica = checkTarget({ ...primary, tabletType: TabletType.REPLICA }, primary, alias);
    expect(isVtError(replica, Code.FAILED_PRECONDITION)).toBe(true);
    expect(replica?.message).toBe(
      "invalid target: wanted commerce/0 (REPLICA), this tablet zone1-0000000100 serves commerce/0 (PRIMARY)",
    );
    expect(checkTarget({ ...primary, keyspace: "customer" }, primary, alias)?.message).toContain(
      "wanted customer/0 (PRIMARY)",
    );
    expect(checkTarget({ ...primary, shard: "-80" }, primary, alias)?.code).toBe(Code.FAILED_PRECONDITION);
  });

  it("says when the tablet is not serving", () => {
    const err = notServingError(alias, primary, "NOT_SERVING");
    expect(err.code).toBe(Code.UNAVAILABLE);
    expect(err.message).toBe(
      "operation not allowed in state NOT_SERVING: tablet zone1-0000000100 for commerce/0 (PRIMARY) is not serving",
    );
  });
});
