import type { Other } from "../ast/session.js";
import type { Statement } from "../ast/statement.js";
import { T } from "../tokenizer.js";
import { parseAlter } from "./alter.js";
import type { Cursor } from "./cursor.js";
import { parseCreate, parseDrop, parseRename, parseTruncate } from "./ddl.js";
import { parseDelete, parseInsert, parseUpdate } from "./dml.js";
import { parseQueryExpr } from "./query.js";
import { parseBegin, parseCommit, parseRollback, parseSet, parseUse } from "./session.js";
import { parseExplain, parseShow, parseVExplain } from "./show.js";

/** Verbs of statements kept as Other, with their category. */
const OTHER_VERBS: Readonly<Record<string, Other["category"]>> = {
  analyze: "admin",
  optimize: "admin",
  repair: "admin",
  check: "admin",
  checksum: "admin",
  flush: "admin",
  kill: "admin",
  grant: "admin",
  revoke: "admin",
  lock: "admin",
  unlock: "admin",
  install: "admin",
  uninstall: "admin",
  reset: "admin",
  purge: "admin",
  change: "admin",
  stop: "admin",
  shutdown: "admin",
  restart: "admin",
  cache: "admin",
  binlog: "admin",
  help: "other",
  load: "dml",
  call: "dml",
  do: "dml",
  handler: "other",
  prepare: "other",
  execute: "other",
  deallocate: "other",
  xa: "other",
  signal: "other",
  resignal: "other",
  get: "other",
};

/** Object kinds named in `CREATE ...` / `DROP ...` / `ALTER ...` messages for statements kept as Other. */
const OBJECT_KINDS: ReadonlySet<string> = new Set([
  "procedure",
  "function",
  "trigger",
  "event",
  "user",
  "role",
  "server",
  "tablespace",
  "logfile",
  "spatial",
  "resource",
  "view",
  "table",
  "index",
  "database",
  "schema",
  "sequence",
  "instance",
  "undo",
]);

/** Statements whose body may contain `;` (BEGIN ... END blocks). */
const COMPOUND_BODIES: ReadonlySet<string> = new Set([
  "create procedure",
  "create function",
  "create trigger",
  "create event",
  "alter event",
]);

/** One statement from the current token up to `;` or the end. */
export function parseStatement(p: Cursor): Statement {
  const start = p.pos;
  const t = p.peek();
  if (t.type === T.Op && t.text === "(") return parseQueryExpr(p);
  if (t.type !== T.Ident) throw p.error();
  switch (t.lower) {
    case "select":
    case "with":
      return parseQueryExpr(p);
    case "insert":
    case "replace":
      return parseInsert(p);
    case "update":
      return parseUpdate(p);
    case "delete":
      return parseDelete(p);
    case "set": {
      p.next();
      return parseSet(p, p.comments());
    }
    case "use":
      p.next();
      return parseUse(p);
    case "begin":
      return parseBegin(p);
    case "start":
      if (p.isWordAt(1, "transaction")) return parseBegin(p);
      return parseOther(p, start, "admin");
    case "commit":
      return parseCommit(p);
    case "rollback":
      return parseRollback(p);
    case "savepoint":
      p.next();
      return { kind: "Savepoint", name: p.ident() };
    case "release":
      p.next();
      p.expectWord("savepoint");
      return { kind: "ReleaseSavepoint", name: p.ident() };
    case "show":
      p.next();
      if (p.atEnd()) throw p.error();
      return parseShow(p) ?? parseOther(p, start, "show");
    case "explain":
    case "describe":
    case "desc":
      p.next();
      return parseExplain(p, parseStatement);
    case "vexplain":
      p.next();
      return parseVExplain(p, parseStatement);
    case "create":
      p.next();
      return parseCreate(p) ?? parseOther(p, start, "ddl");
    case "alter": {
      p.next();
      return parseAlter(p, p.comments()) ?? parseOther(p, start, "ddl");
    }
    case "drop":
      p.next();
      return parseDrop(p) ?? parseOther(p, start, "ddl");
    case "rename":
      p.next();
      return parseRename(p) ?? parseOther(p, start, "admin");
    case "truncate":
      p.next();
      return parseTruncate(p);
  }
  const category = OTHER_VERBS[t.lower];
  if (category !== undefined) return parseOther(p, start, category);
  throw p.error();
}

/** The statement from token `start` to its end, kept as written. */
function parseOther(p: Cursor, start: number, category: Other["category"]): Other {
  p.pos = start;
  const verb = p.next().lower;
  let name = verb;
  if (verb === "create" || verb === "drop" || verb === "alter") {
    while (!p.atEnd()) {
      const t = p.next();
      if (t.type === T.Ident && OBJECT_KINDS.has(t.lower)) {
        name = `${verb} ${t.lower}`;
        break;
      }
    }
  } else if (!p.atEnd() && p.peek().type === T.Ident) {
    name = `${verb} ${p.peek().lower}`;
  }
  if (COMPOUND_BODIES.has(name)) {
    // A routine, trigger or event body may hold `;`: the rest of the input is its body.
    while (p.peek().type !== T.EOF) p.next();
  } else {
    while (!p.atEnd()) p.next();
  }
  return { kind: "Other", category, name: name.toUpperCase(), sql: p.textFrom(start) };
}
