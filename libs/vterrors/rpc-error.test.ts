import { describe, expect, it } from "vitest";
import { LegacyErrorCode } from "../proto/vtrpc.js";
import { fromRpcError, toRpcError } from "./rpc-error.js";
import { Code, VtError } from "./vt-error.js";

describe("RPCError conversion", () => {
  it("carries code, message, errno and SQLSTATE through an RPCError", () => {
    const err = new VtError(Code.INVALID_ARGUMENT, "You have an error in your SQL syntax", {
      mysql: { errno: 1064, sqlstate: "42000" },
    });
    const rpc = toRpcError(err);
    expect(rpc).toEqual({
      code: Code.INVALID_ARGUMENT,
      legacyCode: LegacyErrorCode.BAD_INPUT_LEGACY,
      message: "You have an error in your SQL syntax (errno 1064) (sqlstate 42000)",
    });
    const back = fromRpcError(rpc);
    expect(back?.code).toBe(Code.INVALID_ARGUMENT);
    expect(back?.message).toBe("You have an error in your SQL syntax");
    expect(back?.mysql).toEqual({ errno: 1064, sqlstate: "42000" });
  });

  it("handles errors without MySQL numbers, foreign errors and no error", () => {
    expect(fromRpcError(toRpcError(new VtError(Code.ABORTED, "transaction 5: not found")))).toMatchObject({
      code: Code.ABORTED,
      message: "transaction 5: not found",
      mysql: undefined,
    });
    expect(toRpcError(new Error("boom"))).toMatchObject({ code: Code.UNKNOWN, message: "boom" });
    expect(fromRpcError(undefined)).toBeUndefined();
  });
});
