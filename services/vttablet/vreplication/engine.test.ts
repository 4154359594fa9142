import { describe, expect, it } from "vitest";
import { parseVReplicationStatement } from "./engine.js";

describe("VReplicationExec statements", () => {
  it("accepts select, insert, update and delete on _vt.vreplication", () => {
    expect(parseVReplicationStatement("select * from _vt.vreplication").kind).toBe("Select");
    expect(parseVReplicationStatement("insert into _vt.vreplication (workflow) values ('w')").kind).toBe(
      "Insert",
    );
    expect(
      parseVReplicationStatement("update _vt.vreplication set state = 'Stopped' where id = 1").kind,
    ).toBe("Update");
    expect(parseVReplicationStatement("delete from _vt.vreplication where workflow = 'w'").kind).toBe(
      "Delete",
    );
  });

  it("refuses other statements and other tables", () => {
    expect(() => parseVReplicationStatement("drop table _vt.vreplication")).toThrow(/unsupported/);
    expect(() => parseVReplicationStatement("delete from customer")).toThrow(/only _vt.vreplication/);
    expect(() => parseVReplicationStatement("update _vt.vreplication set")).toThrow(/cannot parse/);
  });
});
