import { describe, expect, it } from "vitest";
import { format } from "./formatter.js";
import { impossibleQuery } from "./impossible-query.js";
import { parse } from "./parser.js";

function impossible(sql: string): string {
  const statement = parse(sql);
  if (statement.kind !== "Select") throw new Error(`not a select: ${sql}`);
  return format(impossibleQuery(statement));
}

describe("impossibleQuery", () => {
  it("keeps the columns and tables and asks for no row", () => {
    expect(
      impossible("select c, count(*) from t where id = ? group by c having count(*) > 1 order by c limit 5"),
    ).toBe("select c, count(*) from t where 1 != 1");
    expect(impossible("select * from a join b on a.id = b.id for update")).toBe(
      "select * from a join b on a.id = b.id where 1 != 1",
    );
  });

  it("keeps bind variables in the select list", () => {
    expect(impossible("select ? as x, c from t where d = ?")).toBe("select :v1 as x, c from t where 1 != 1");
  });
});
