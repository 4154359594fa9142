import { describe, expect, it } from "vitest";
import { countPlaceholders, splitStatements } from "./statements.js";

describe("splitStatements", () => {
  it("splits on ; outside quotes and comments, trimming and dropping empty pieces", () => {
    expect(splitStatements("select 1")).toEqual(["select 1"]);
    expect(splitStatements("select 1; select 2;")).toEqual(["select 1", "select 2"]);
    expect(splitStatements("select 'a;b', \"c;d\", `e;f`; select 2")).toEqual([
      "select 'a;b', \"c;d\", `e;f`",
      "select 2",
    ]);
    expect(splitStatements("select 'it''s;', 'x\\';y'; select 2")).toEqual([
      "select 'it''s;', 'x\\';y'",
      "select 2",
    ]);
    expect(splitStatements("select 1 /* ; */; select 2 -- ;\n; # ;\nselect 3")).toEqual([
      "select 1 /* ; */",
      "select 2 -- ;",
      "# ;\nselect 3",
    ]);
    expect(splitStatements("select 1;;  ; -- trailing comment")).toEqual(["select 1"]);
    expect(splitStatements("   ")).toEqual([]);
    expect(splitStatements(" ; ")).toEqual([]);
  });

  it("keeps executable comments as statements and needs a space after --", () => {
    expect(splitStatements("/*!40101 SET NAMES utf8 */; select 1")).toEqual([
      "/*!40101 SET NAMES utf8 */",
      "select 1",
    ]);
    expect(splitStatements("select 1--1; select 2")).toEqual(["select 1--1", "select 2"]);
  });
});

describe("countPlaceholders", () => {
  it("counts ? outside quotes and comments", () => {
    expect(countPlaceholders("select 1")).toBe(0);
    expect(countPlaceholders("select ?, ? from t where a = ?")).toBe(3);
    expect(countPlaceholders("select '?', \"?\", `?` /* ? */, ? -- ?\n, ? # ?")).toBe(2);
    expect(countPlaceholders("select 'a\\'?', ?")).toBe(1);
  });
});
