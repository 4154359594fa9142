import { scanSql } from "./sql-scanner.js";

/** The plan types counted in metrics (a subset of Vitess's PlanType names). */
export type PlanType = "Select" | "Insert" | "Update" | "Delete" | "Other";

export const PLAN_TYPES: readonly PlanType[] = ["Select", "Insert", "Update", "Delete", "Other"];

export interface StatementKind {
  planType: PlanType;
  /** The first keyword, lower-cased ("" for an empty statement). */
  keyword: string;
  /**
   * BEGIN / START TRANSACTION / COMMIT / ROLLBACK (not ROLLBACK TO SAVEPOINT): transactions are opened and
   * ended with the Begin, Commit and Rollback calls, never by a statement on a pooled connection.
   */
  transactionControl: boolean;
  /**
   * The statement leaves state on its connection (SET, USE, LOCK/UNLOCK TABLES, PREPARE, CREATE TEMPORARY
   * TABLE...), so the connection must not go back to a shared pool afterwards.
   */
  changesSession: boolean;
}

const PLAN_OF: ReadonlyMap<string, PlanType> = new Map([
  ["select", "Select"],
  ["with", "Select"],
  ["insert", "Insert"],
  ["replace", "Insert"],
  ["update", "Update"],
  ["delete", "Delete"],
]);

const SESSION_KEYWORDS = new Set([
  "set",
  "use",
  "lock",
  "unlock",
  "prepare",
  "execute",
  "deallocate",
  "handler",
]);

/** Classifies a statement by its first keywords (comments and leading parentheses skipped). */
export function classifyStatement(sql: string): StatementKind {
  let keyword = "";
  let second = "";
  for (const token of scanSql(sql)) {
    if (keyword === "" && token.kind === "symbol" && token.text === "(") continue;
    const word = token.kind === "word" ? token.text.toLowerCase() : "";
    if (keyword === "") {
      keyword = word;
      if (word === "") break;
      continue;
    }
    second = word;
    break;
  }
  const transactionControl =
    keyword === "begin" ||
    keyword === "commit" ||
    (keyword === "start" && second === "transaction") ||
    (keyword === "rollback" && second !== "to");
  const changesSession = SESSION_KEYWORDS.has(keyword) || (keyword === "create" && second === "temporary");
  return { planType: PLAN_OF.get(keyword) ?? "Other", keyword, transactionControl, changesSession };
}
