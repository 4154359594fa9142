import { describe, expect, it } from "vitest";
import { parseTabletAlias, TabletAliasError, tabletAliasEqual, tabletAliasString } from "./tablet-alias.js";

describe("tablet aliases", () => {
  it("parses padded and unpadded uids", () => {
    expect(parseTabletAlias("zone1-0000000100")).toEqual({ cell: "zone1", uid: 100 });
    expect(parseTabletAlias("zone1-100")).toEqual({ cell: "zone1", uid: 100 });
    expect(parseTabletAlias("us-east-1-4294967295")).toEqual({ cell: "us-east-1", uid: 4294967295 });
  });

  it("prints the uid padded to 10 digits", () => {
    expect(tabletAliasString({ cell: "zone1", uid: 100 })).toBe("zone1-0000000100");
    expect(tabletAliasString(parseTabletAlias("zone1-7"))).toBe("zone1-0000000007");
  });

  it.each(["zone1", "zone1-", "-100", "zone1-abc", "zone1-1.5", "zone1- 1", "zone1-4294967296", "a/b-1", ""])(
    "rejects %j with an error naming it",
    (text) => {
      let error: unknown;
      try {
        parseTabletAlias(text);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(TabletAliasError);
      expect((error as TabletAliasError).text).toBe(text);
      expect((error as Error).message).toContain(JSON.stringify(text));
    },
  );

  it("compares aliases by cell and uid", () => {
    expect(tabletAliasEqual({ cell: "z", uid: 1 }, { cell: "z", uid: 1 })).toBe(true);
    expect(tabletAliasEqual({ cell: "z", uid: 1 }, { cell: "y", uid: 1 })).toBe(false);
    expect(tabletAliasEqual(undefined, { cell: "z", uid: 1 })).toBe(false);
  });
});
