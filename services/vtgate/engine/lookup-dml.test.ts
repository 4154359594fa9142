import { afterEach, describe, expect, it } from "vitest";
import type { TabletConn } from "../../../libs/discovery/tablet-conn.js";
import { fakeResult } from "../../../libs/discovery/testing/fake-tablet.js";
import { type BindVariable, type QueryResult, Type } from "../../../libs/proto/query.js";
import { Code, MysqlErrno, VtError } from "../../../libs/vterrors/index.js";
import { customerLookupVSchema, LOOKUP_TABLETS } from "../testing/customer-lookup-vschema.js";
import { createSandbox, type Sandbox } from "../testing/sandbox.js";
import { localField, localResult } from "./results.js";

/** customer 1 lives in -80, customer 4 in 80- (hash). */
const KSID_1 = "166b40b44aba4bd6";
const KSID_4 = "d2fd8867d50d2dfe";

const ALIAS: Readonly<Record<number, string>> = { 100: "commerce", 200: "-80", 300: "80-" };

function text(bv: BindVariable | undefined): string {
  if (!bv) return "";
  const value = Buffer.from(bv.value);
  return bv.type === Type.VARBINARY ? value.toString("hex") : value.toString();
}

/** A fake tablet's connection, whose calls a test wraps to see the transactions' order. */
function wrappable(conn: TabletConn): { -readonly [K in keyof TabletConn]: TabletConn[K] } {
  return conn;
}

function duplicateKey(): VtError {
  return new VtError(Code.ALREADY_EXISTS, "Duplicate entry 'a@x' for key 'PRIMARY'", {
    mysql: { errno: MysqlErrno.ER_DUP_ENTRY, sqlstate: "23000" },
  });
}

describe("lookup vindexes kept in step by INSERT/UPDATE/DELETE", () => {
  let sb: Sandbox;
  afterEach(() => sb?.close());

  /** Every statement of every tablet in the order vtgate sent them, `<shard>: <sql> [bind vars]`. */
  let log: string[];

  const setup = async (
    lookupType = "lookup_unique",
    answers: Partial<Record<number, (sql: string) => QueryResult | undefined>> = {},
    params: Record<string, string> = {},
  ) => {
    sb = await createSandbox({
      tablets: LOOKUP_TABLETS,
      srvVSchema: customerLookupVSchema(lookupType, params),
    });
    log = [];
    for (const uid of [100, 200, 300]) {
      sb.tablet(uid).defaultAnswer = (sql, bv) => {
        const vars = Object.keys(bv)
          .filter((k) => !k.startsWith("__"))
          .sort()
          .map((k) => `${k}=${text(bv[k])}`);
        log.push(`${ALIAS[uid]}: ${sql}${vars.length ? ` [${vars.join(" ")}]` : ""}`);
        return answers[uid]?.(sql) ?? fakeResult(1);
      };
    }
    return sb.session("customer");
  };

  const committed = (uid: number) => sb.tablet(uid).callsOf("commit").length;
  const rolledBack = (uid: number) => sb.tablet(uid).callsOf("rollback").length;

  /**
   * Customer 1 (in -80) has email a@x; an UPDATE's owned vindex query reads it, with `unchanged()` as its
   * `email = <new value>` column.
   */
  const customer1Updated = (lookupType: string, unchanged: () => string) =>
    setup(lookupType, {
      200: (sql) =>
        sql.startsWith("select")
          ? localResult(
              [
                localField("customer_id", Type.INT64),
                localField("email", Type.VARCHAR),
                localField("email = :vtg1", Type.INT64),
              ],
              [["1", "a@x", unchanged()]],
            )
          : undefined,
    });

  it("INSERT writes the lookup rows (value -> keyspace id) first, then the rows per shard, in one transaction", async () => {
    const session = await setup();
    await sb.run(session, "insert into customer(customer_id, email) values (1, 'a@x'), (4, 'b@x')");
    expect(log).toEqual([
      `commerce: insert into \`vt_commerce\`.customer_lookup(email, keyspace_id) values(:email_0, :keyspace_id_0), (:email_1, :keyspace_id_1) [email_0=a@x email_1=b@x keyspace_id_0=${KSID_1} keyspace_id_1=${KSID_4}]`,
      "-80: insert into customer(customer_id, email) values (:vtg1, :vtg2) [vtg1=1 vtg2=a@x vtg3=4 vtg4=b@x]",
      "80-: insert into customer(customer_id, email) values (:vtg3, :vtg4) [vtg1=1 vtg2=a@x vtg3=4 vtg4=b@x]",
    ]);
    expect([committed(100), committed(200), committed(300)]).toEqual([1, 1, 1]);
    expect(session.inTransaction).toBe(false);
  });

  it("a duplicate on a lookup_unique vindex fails the INSERT naming the lookup table, and nothing is written", async () => {
    const session = await setup();
    sb.tablet(100).failNext(duplicateKey(), 1, ["beginExecute"]);
    const err = await sb.run(session, "insert into customer(customer_id, email) values (4, 'a@x')").then(
      () => undefined,
      (e: unknown) => e as VtError,
    );
    expect(err?.message).toMatch(/lookup\.Create: .*Duplicate entry 'a@x'/);
    expect(err?.mysql?.errno).toBe(MysqlErrno.ER_DUP_ENTRY);
    expect(log.filter((l) => !l.startsWith("commerce"))).toEqual([]);
    expect([committed(100), committed(300)]).toEqual([0, 0]);
    expect(session.inTransaction).toBe(false);
  });

  it("a NULL lookup value fails the INSERT unless the vindex ignores nulls", async () => {
    const session = await setup();
    await expect(
      sb.run(session, "insert into customer(customer_id, email) values (4, null)"),
    ).rejects.toThrow(/lookup\.Create: input has null values: row: 0, col: 0/);
    expect(log).toEqual([]);

    const lenient = await setup("lookup_unique", {}, { ignore_nulls: "true" });
    await sb.run(lenient, "insert into customer(customer_id) values (4)");
    expect(log).toEqual(["80-: insert into customer(customer_id) values (:vtg1) [vtg1=4]"]);
  });

  it("INSERT IGNORE creates lookup rows with insert ignore and drops a row whose lookup row points elsewhere", async () => {
    // b@x already belongs to another customer: its lookup row does not verify for customer 4.
    const verifying: string[][][] = [[["a@x"]], []];
    const session = await setup("lookup_unique", {
      100: (sql) =>
        sql.startsWith("select")
          ? localResult([localField("email", Type.VARCHAR)], verifying.shift() ?? [])
          : undefined,
    });
    await sb.run(session, "insert ignore into customer(customer_id, email) values (1, 'a@x'), (4, 'b@x')");
    expect(log.map((l) => l.replace(/ \[.*/, ""))).toEqual([
      "commerce: insert ignore into `vt_commerce`.customer_lookup(email, keyspace_id) values(:email_0, :keyspace_id_0), (:email_1, :keyspace_id_1)",
      "commerce: select email from `vt_commerce`.customer_lookup where email = :email and keyspace_id = :keyspace_id",
      "commerce: select email from `vt_commerce`.customer_lookup where email = :email and keyspace_id = :keyspace_id",
      "-80: insert ignore into customer(customer_id, email) values (:vtg1, :vtg2)",
    ]);
  });

  it("DELETE reads the rows' lookup values (for update), deletes their lookup rows, then the rows", async () => {
    const session = await setup("lookup_unique", {
      300: (sql) =>
        sql.startsWith("select")
          ? localResult(
              [localField("customer_id", Type.INT64), localField("email", Type.VARCHAR)],
              [["4", "b@x"]],
            )
          : undefined,
    });
    await sb.run(session, "delete from customer where customer_id = 4");
    expect(log).toEqual([
      "80-: select customer_id, email from customer where customer_id = :vtg1 for update [vtg1=4]",
      `commerce: delete from \`vt_commerce\`.customer_lookup where email = :email and keyspace_id = :keyspace_id [email=b@x keyspace_id=${KSID_4}]`,
      "80-: delete from customer where customer_id = :vtg1 [vtg1=4]",
    ]);
    expect([committed(100), committed(300)]).toEqual([1, 1]);
  });

  it("UPDATE of an owned lookup column replaces the lookup row; a row that already has the value keeps it", async () => {
    let unchanged = "0";
    const session = await customer1Updated("lookup_unique", () => unchanged);
    await sb.run(session, "update customer set email = 'c@x' where customer_id = 1");
    expect(log).toEqual([
      "-80: select customer_id, email, email = :vtg1 from customer where customer_id = :vtg2 for update [vtg1=c@x vtg2=1]",
      `commerce: delete from \`vt_commerce\`.customer_lookup where email = :email and keyspace_id = :keyspace_id [email=a@x keyspace_id=${KSID_1}]`,
      `commerce: insert into \`vt_commerce\`.customer_lookup(email, keyspace_id) values(:email_0, :keyspace_id_0) [email_0=c@x keyspace_id_0=${KSID_1}]`,
      "-80: update customer set email = :vtg1 where customer_id = :vtg2 [vtg1=c@x vtg2=1]",
    ]);
    log.length = 0;
    unchanged = "1";
    await sb.run(session, "update customer set email = 'a@x' where customer_id = 1");
    expect(log.filter((l) => l.startsWith("commerce"))).toEqual([]);
  });

  it("UPDATE of the primary vindex column, or of a lookup column to an expression, is refused", async () => {
    const session = await setup();
    await expect(
      sb.run(session, "update customer set customer_id = 2 where customer_id = 1"),
    ).rejects.toThrow(
      /unsupported: you cannot UPDATE primary vindex columns; invalid update on vindex: hash/,
    );
    await expect(
      sb.run(session, "update customer set email = concat(email, 'x') where customer_id = 1"),
    ).rejects.toThrow(/unsupported: UPDATE of lookup vindex column email to concat\(email, :vtg1\)/);
    expect(log).toEqual([]);
  });

  /** consistent_lookup_unique whose first lookup insert is a duplicate of customer 1's lookup row. */
  const duplicateOfCustomer1 = async (ownerRows: string[][]) => {
    const session = await setup("consistent_lookup_unique", {
      100: (sql) =>
        sql.startsWith("select")
          ? localResult(
              [localField("keyspace_id", Type.VARBINARY)],
              [[Buffer.from(KSID_1, "hex").toString("latin1")]],
            )
          : undefined,
      200: (sql) =>
        sql.startsWith("select") ? localResult([localField("email", Type.VARCHAR)], ownerRows) : undefined,
    });
    sb.tablet(100).failNext(duplicateKey(), 1, ["beginExecute"]);
    return session;
  };

  it("consistent_lookup_unique takes over a duplicate lookup row whose owner row is gone", async () => {
    const session = await duplicateOfCustomer1([]);
    await sb.run(session, "insert into customer(customer_id, email) values (4, 'a@x')");
    expect(log.map((l) => l.replace(/ \[.*/, ""))).toEqual([
      "commerce: select keyspace_id from `vt_commerce`.customer_lookup where email = :email for update",
      "-80: select email from customer where email = :email lock in share mode",
      "commerce: update `vt_commerce`.customer_lookup set keyspace_id=:keyspace_id where email = :email",
      "80-: insert into customer(customer_id, email) values (:vtg1, :vtg2)",
    ]);
  });

  it("consistent_lookup_unique refuses a duplicate whose owner row still exists, writing nothing", async () => {
    const session = await duplicateOfCustomer1([["a@x"]]);
    await expect(
      sb.run(session, "insert into customer(customer_id, email) values (4, 'a@x')"),
    ).rejects.toThrow(/Duplicate entry 'a@x' for key commerce.customer_lookup \(vindex email_lookup\)/);
    expect(log.filter((l) => l.startsWith("80-"))).toEqual([]);
    expect([rolledBack(100), rolledBack(200)]).toEqual([1, 1]);
  });

  /**
   * Per commit or rollback, in the order vtgate sent them: `commit <shard>: <statements of that
   * transaction>` (lookup rows only named by their table's verb, to keep the lines short).
   */
  const transactionEnds = (): string[] => {
    const ends: string[] = [];
    for (const uid of [100, 200, 300]) {
      const conn = wrappable(sb.tablet(uid).conn);
      const statements = new Map<number, string[]>();
      const noted = (transactionId: number, sql: string | undefined) => {
        const verb = (sql ?? "").replace(/ (where|values|set).*/, "").replace("`vt_commerce`.", "");
        statements.set(transactionId, [...(statements.get(transactionId) ?? []), verb]);
      };
      const { beginExecute, execute, commit, rollback } = conn;
      conn.beginExecute = async (request) => {
        const response = await beginExecute(request);
        noted(response.transactionId, request.query?.sql);
        return response;
      };
      conn.execute = async (request) => {
        if (request.transactionId !== 0) noted(request.transactionId, request.query?.sql);
        return execute(request);
      };
      const ended = (how: string, transactionId: number) =>
        ends.push(`${how} ${ALIAS[uid]}: ${(statements.get(transactionId) ?? []).join("; ")}`);
      conn.commit = async (request) => {
        ended("commit", request.transactionId);
        return commit(request);
      };
      conn.rollback = async (request) => {
        ended("rollback", request.transactionId);
        return rollback(request);
      };
    }
    return ends;
  };

  /** consistent_lookup_unique; customer 1 (in -80) has email a@x. */
  const consistentCustomer1 = () => customer1Updated("consistent_lookup_unique", () => "0");

  it("consistent_lookup_unique UPDATE commits the new lookup row before the row and deletes the old one after (pre, normal, post)", async () => {
    const session = await consistentCustomer1();
    const ends = transactionEnds();
    await sb.run(session, "update customer set email = 'c@x' where customer_id = 1");
    expect(ends).toEqual([
      "commit commerce: insert into customer_lookup(email, keyspace_id)",
      "commit -80: select customer_id, email, email = :vtg1 from customer; update customer",
      "commit commerce: delete from customer_lookup",
    ]);
    expect(session.inTransaction).toBe(false);
    expect(session.allShardSessions()).toEqual([]);
  });

  it("inside a transaction the pre and post sessions wait for COMMIT; ROLLBACK rolls all of them back", async () => {
    const session = await consistentCustomer1();
    const ends = transactionEnds();
    await sb.run(session, "begin");
    await sb.run(session, "update customer set email = 'c@x' where customer_id = 1");
    expect(ends).toEqual([]);
    expect([session.preSessions.length, session.shardSessions.length, session.postSessions.length]).toEqual([
      1, 1, 1,
    ]);
    await sb.run(session, "rollback");
    expect(ends.map((e) => e.replace(/:.*/, "")).sort()).toEqual([
      "rollback -80",
      "rollback commerce",
      "rollback commerce",
    ]);
    expect(session.allShardSessions()).toEqual([]);
  });

  it("a failing pre commit rolls back the normal and post sessions before any of them commits", async () => {
    const session = await consistentCustomer1();
    const ends = transactionEnds();
    sb.tablet(100).failNext(new VtError(Code.UNAVAILABLE, "commerce primary went away"), 1, ["commit"]);
    await expect(sb.run(session, "update customer set email = 'c@x' where customer_id = 1")).rejects.toThrow(
      /multi-shard commit failed on commerce\/0 \(committed: none; rolled back: customer\/-80, commerce\/0\): .*commerce primary went away/,
    );
    expect(ends.map((e) => e.replace(/:.*/, ""))).toEqual([
      "commit commerce",
      "rollback -80",
      "rollback commerce",
    ]);
  });

  it("a failing post commit keeps the COMMIT (rows and new lookup rows are committed) and warns", async () => {
    const session = await consistentCustomer1();
    const ends = transactionEnds();
    await sb.run(session, "begin");
    await sb.run(session, "update customer set email = 'c@x' where customer_id = 1");
    const postTransaction = session.postSessions[0]?.transactionId;
    const conn = wrappable(sb.tablet(100).conn);
    const { commit } = conn;
    conn.commit = async (request) => {
      if (request.transactionId === postTransaction) {
        throw new VtError(Code.UNAVAILABLE, "commerce primary went away");
      }
      return commit(request);
    };
    await sb.run(session, "commit");
    expect(ends.map((e) => e.replace(/:.*/, ""))).toEqual(["commit commerce", "commit -80"]);
    expect(session.proto.warnings.map((w) => w.message)).toEqual([
      "post-operation transaction had an error: target: commerce.0.primary: commerce primary went away",
    ]);
  });
});
