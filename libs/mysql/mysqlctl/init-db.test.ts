import { describe, expect, it } from "vitest";
import { initDbStatements, userStatements, VT_USERS } from "./init-db.js";

describe("initDbStatements", () => {
  const statements = initDbStatements();

  it("keeps init out of the binlog and resets it at the end", () => {
    expect(statements[0]).toBe("SET sql_log_bin = 0");
    expect(statements.at(-1)).toBe("RESET MASTER");
  });

  it("creates the _vt database", () => {
    expect(statements).toContain("CREATE DATABASE IF NOT EXISTS _vt");
  });

  it("creates the Vitess users", () => {
    expect(VT_USERS.map((user) => user.user)).toEqual(
      expect.arrayContaining(["vt_dba", "vt_app", "vt_repl", "vt_filtered", "vt_allprivs"]),
    );
    expect(statements).toContain("GRANT ALL PRIVILEGES ON *.* TO 'vt_dba'@'localhost' WITH GRANT OPTION");
    expect(statements).toContain("GRANT ALL PRIVILEGES ON *.* TO 'vt_dba'@'127.0.0.1' WITH GRANT OPTION");
    expect(statements).toContain("GRANT REPLICATION SLAVE ON *.* TO 'vt_repl'@'%'");
  });

  it("lets vt_app and vt_dba in over the socket and over TCP", () => {
    for (const user of ["vt_dba", "vt_app"]) {
      expect(statements).toContain(`CREATE USER '${user}'@'localhost'`);
      expect(statements).toContain(`CREATE USER '${user}'@'127.0.0.1'`);
    }
  });

  it("gives vt_filtered what VReplication needs", () => {
    const grant = statements.find((s) => s.startsWith("GRANT") && s.includes("'vt_filtered'@'localhost'"));
    for (const privilege of [
      "SELECT",
      "INSERT",
      "UPDATE",
      "DELETE",
      "CREATE",
      "DROP",
      "ALTER",
      "REPLICATION SLAVE",
    ]) {
      expect(grant).toContain(privilege);
    }
    expect(grant).toContain("REPLICATION CLIENT");
  });

  it("creates no passwords", () => {
    expect(statements.some((s) => /IDENTIFIED/i.test(s))).toBe(false);
  });
});

describe("userStatements", () => {
  it("creates then grants, per host", () => {
    expect(userStatements([{ user: "u", hosts: ["a", "b"], privileges: ["SELECT", "INSERT"] }])).toEqual([
      "CREATE USER 'u'@'a'",
      "GRANT SELECT, INSERT ON *.* TO 'u'@'a'",
      "CREATE USER 'u'@'b'",
      "GRANT SELECT, INSERT ON *.* TO 'u'@'b'",
    ]);
  });
});
