import { describe, expect, it } from "vitest";
import { fromMysqlError, mysqlErrorFor } from "./mysql-errors.js";
import { Code, VtError, withContext } from "./vt-error.js";

describe("fromMysqlError", () => {
  it("keeps errno and SQLSTATE and picks the vtrpc code", () => {
    const err = fromMysqlError({
      errno: 1146,
      sqlState: "42S02",
      sqlMessage: "Table 'vt_x.t' doesn't exist",
    });
    expect(err.code).toBe(Code.NOT_FOUND);
    expect(err.mysql).toEqual({ errno: 1146, sqlstate: "42S02" });
    expect(err.message).toBe("Table 'vt_x.t' doesn't exist");
    expect(fromMysqlError({ errno: 1064, sqlState: "42000", sqlMessage: "syntax" }).code).toBe(
      Code.INVALID_ARGUMENT,
    );
    expect(fromMysqlError({ errno: 1062, sqlState: "23000", sqlMessage: "dup" }).code).toBe(
      Code.ALREADY_EXISTS,
    );
  });

  it("maps a lost connection to UNAVAILABLE", () => {
    expect(fromMysqlError({ code: "ECONNREFUSED", message: "connect ECONNREFUSED" }).code).toBe(
      Code.UNAVAILABLE,
    );
  });

  it("keeps code and errno when context is added", () => {
    const err = withContext(
      fromMysqlError({ errno: 1062, sqlState: "23000", sqlMessage: "dup" }),
      "zone1-100",
    );
    expect(err.message).toBe("zone1-100: dup");
    expect(err.mysql?.errno).toBe(1062);
  });
});

describe("mysqlErrorFor", () => {
  it("uses MySQL's own numbers when MySQL produced the error, else a code-based one", () => {
    expect(
      mysqlErrorFor(new VtError(Code.NOT_FOUND, "x", { mysql: { errno: 1146, sqlstate: "42S02" } })),
    ).toEqual({
      errno: 1146,
      sqlstate: "42S02",
    });
    expect(mysqlErrorFor(new VtError(Code.UNIMPLEMENTED, "unsupported: x"))).toEqual({
      errno: 1235,
      sqlstate: "42000",
    });
    expect(mysqlErrorFor(new VtError(Code.INTERNAL, "x"))).toEqual({ errno: 1105, sqlstate: "HY000" });
  });
});
