import {
  ExecuteOptions_TransactionIsolation as Isolation,
  type QueryResult,
  Type,
} from "../../../libs/proto/query.js";
import type { SessionReader } from "./cursor.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";
import { type LocalValue, localField, localResult } from "./results.js";

/** A value vtgate can compute without a tablet. */
export type LocalExpr =
  | { readonly kind: "literal"; readonly type: Type; readonly value: string | null }
  | { readonly kind: "database" }
  | { readonly kind: "lastInsertId" }
  | { readonly kind: "sysvar"; readonly name: string }
  | { readonly kind: "uservar"; readonly name: string };

export interface LocalColumn {
  readonly name: string;
  readonly expr: LocalExpr;
}

/** The system variables vtgate answers itself (others go to a tablet unless set in the session). */
export const LOCAL_SYSTEM_VARIABLES: ReadonlySet<string> = new Set([
  "version",
  "version_comment",
  "autocommit",
  "transaction_isolation",
  "tx_isolation",
  "transaction_read_only",
  "tx_read_only",
]);

const ISOLATION_NAMES: Readonly<Record<number, string>> = {
  [Isolation.REPEATABLE_READ]: "REPEATABLE-READ",
  [Isolation.READ_COMMITTED]: "READ-COMMITTED",
  [Isolation.READ_UNCOMMITTED]: "READ-UNCOMMITTED",
  [Isolation.SERIALIZABLE]: "SERIALIZABLE",
};

function evaluate(cursor: SessionReader, expr: LocalExpr): { type: Type; value: LocalValue } {
  switch (expr.kind) {
    case "literal":
      return { type: expr.type, value: expr.value };
    case "database":
      return { type: Type.VARCHAR, value: cursor.keyspace === "" ? null : cursor.keyspace };
    case "lastInsertId":
      return { type: Type.UINT64, value: cursor.lastInsertId };
    case "sysvar":
      return sysvar(cursor, expr.name);
    case "uservar": {
      const value = cursor.userVariable(expr.name);
      if (!value || value.type === Type.NULL_TYPE) return { type: Type.NULL_TYPE, value: null };
      return { type: value.type, value: value.value.toString("utf8") };
    }
  }
}

function unquote(sqlValue: string): string {
  const m = /^'(.*)'$/s.exec(sqlValue);
  return m ? (m[1] as string).replace(/''/g, "'").replace(/\\(.)/g, "$1") : sqlValue;
}

function sysvar(cursor: SessionReader, name: string): { type: Type; value: LocalValue } {
  switch (name) {
    case "version":
      return { type: Type.VARCHAR, value: cursor.serverVersion };
    case "version_comment":
      return { type: Type.VARCHAR, value: "vitess-ts" };
    case "autocommit":
      return { type: Type.INT64, value: cursor.autocommit ? 1 : 0 };
    case "transaction_isolation":
    case "tx_isolation":
      return { type: Type.VARCHAR, value: ISOLATION_NAMES[cursor.transactionIsolation] ?? "REPEATABLE-READ" };
    case "transaction_read_only":
    case "tx_read_only":
      return { type: Type.INT64, value: 0 };
    default: {
      const set = cursor.systemVariable(name);
      return { type: Type.VARCHAR, value: set === undefined ? null : unquote(set) };
    }
  }
}

/**
 * A SELECT without tables that vtgate answers from the session (`select @@version`, `select database()`,
 * `select last_insert_id()`, `select 1`): one row, computed when the statement runs.
 */
export class SessionValues implements Primitive<SessionReader> {
  readonly kind = "SessionValues";

  constructor(readonly columns: readonly LocalColumn[]) {}

  async execute(cursor: SessionReader, _bindVars: BindVars): Promise<QueryResult> {
    const values = this.columns.map((c) => evaluate(cursor, c.expr));
    return localResult(
      this.columns.map((c, i) => localField(c.name, (values[i] as { type: Type }).type)),
      [values.map((v) => v.value)],
    );
  }

  async streamExecute(cursor: SessionReader, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    await onResult(await this.execute(cursor, bindVars));
  }

  describe(): PlanDescription {
    return { operator: "SessionValues", columns: this.columns.map((c) => c.name) };
  }
}
