import type { Expr, Variable, VariableScope } from "../ast/expr.js";
import type {
  Begin,
  IsolationLevel,
  Rollback,
  SetItem,
  SetStatement,
  SetTransaction,
  TransactionCharacteristic,
  Use,
} from "../ast/session.js";
import { T } from "../tokenizer.js";
import type { Cursor } from "./cursor.js";
import { parseExpr, parseVariableToken } from "./expr.js";
import { parseCharsetName } from "./functions.js";

type ExplicitScope = Exclude<VariableScope, "user" | "implicit">;

function acceptScope(p: Cursor): ExplicitScope | undefined {
  const t = p.peek();
  if (t.type !== T.Ident) return undefined;
  switch (t.lower) {
    case "global":
    case "session":
    case "persist":
    case "persist_only":
      p.next();
      return t.lower;
    case "local":
      p.next();
      return "session";
    default:
      return undefined;
  }
}

/** SET after the SET keyword (comments already taken). */
export function parseSet(p: Cursor, comments: readonly string[]): SetStatement | SetTransaction {
  const start = p.pos;
  const scope = acceptScope(p);
  if (p.acceptWord("transaction")) {
    if (scope !== undefined && scope !== "global" && scope !== "session") throw p.error(p.tokenAt(start));
    return parseSetTransaction(p, scope);
  }
  p.pos = start;
  const items: SetItem[] = [];
  let current: ExplicitScope | undefined;
  do {
    if (p.acceptWord("names")) {
      const charset = p.acceptWord("default") ? "default" : parseCharsetName(p);
      const collate = p.acceptWord("collate") ? parseCharsetName(p) : undefined;
      items.push({ kind: "SetNames", charset, collate });
      continue;
    }
    if (p.acceptWords("character", "set") || p.acceptWord("charset")) {
      items.push({ kind: "SetCharset", charset: p.acceptWord("default") ? "default" : parseCharsetName(p) });
      continue;
    }
    current = acceptScope(p) ?? current;
    let variable: Variable;
    const t = p.peek();
    if (t.type === T.UserVar || t.type === T.SysVar) {
      p.next();
      variable = parseVariableToken(t);
    } else {
      let name = p.ident();
      if (p.acceptOp(".")) name = `${name}.${p.identAfterDot()}`;
      variable = { kind: "Variable", scope: current ?? "implicit", name };
    }
    if (!p.acceptOp("=") && !p.acceptOp(":=")) throw p.error();
    items.push({ kind: "SetVar", variable, value: parseSetValue(p) });
  } while (p.acceptOp(","));
  return { kind: "Set", comments, items };
}

/**
 * The value of a SET assignment. A bare word there is a string for MySQL (`set autocommit = on`,
 * `set sql_mode = traditional`), so it is read as one.
 */
function parseSetValue(p: Cursor): Expr {
  const t = p.peek();
  if (t.type === T.Ident) {
    const after = p.peekAt(1);
    const alone = after.type === T.EOF || (after.type === T.Op && (after.text === "," || after.text === ";"));
    const literalWord =
      t.lower === "null" || t.lower === "true" || t.lower === "false" || t.lower === "default";
    if (alone && !literalWord) {
      p.next();
      return { kind: "Literal", type: "string", value: t.text, introducer: undefined };
    }
  }
  return parseExpr(p);
}

const ISOLATION_LEVELS: Readonly<Record<string, IsolationLevel>> = {
  "read uncommitted": "read uncommitted",
  "read committed": "read committed",
  "repeatable read": "repeatable read",
  serializable: "serializable",
};

function parseSetTransaction(p: Cursor, scope: "global" | "session" | undefined): SetTransaction {
  let isolationLevel: IsolationLevel | undefined;
  let accessMode: SetTransaction["accessMode"];
  do {
    if (p.acceptWords("isolation", "level")) {
      let level = p.word();
      if (level !== "serializable") level = `${level} ${p.word()}`;
      const known = ISOLATION_LEVELS[level];
      if (known === undefined) throw p.error(p.tokenAt(p.pos - 1));
      isolationLevel = known;
    } else if (p.acceptWords("read", "only")) {
      accessMode = "read only";
    } else if (p.acceptWords("read", "write")) {
      accessMode = "read write";
    } else {
      throw p.error();
    }
  } while (p.acceptOp(","));
  return { kind: "SetTransaction", scope, isolationLevel, accessMode };
}

/**
 * USE after the USE keyword: the rest of the statement is the target, quotes removed
 * (`use commerce@replica`, `` use `customer:-80` ``, `use customer/80-`).
 */
export function parseUse(p: Cursor): Use {
  const start = p.pos;
  if (p.atEnd()) throw p.error();
  let target = "";
  let last = p.tokenAt(start);
  while (!p.atEnd()) {
    const t = p.next();
    if (t !== last && t.start !== last.end) throw p.error(t);
    target += t.type === T.QuotedIdent ? t.text : p.sql.slice(t.start, t.end);
    last = t;
  }
  return { kind: "Use", target };
}

function parseCharacteristics(p: Cursor): TransactionCharacteristic[] {
  const list: TransactionCharacteristic[] = [];
  if (p.atEnd()) return list;
  do {
    if (p.acceptWords("read", "only")) list.push("read only");
    else if (p.acceptWords("read", "write")) list.push("read write");
    else if (p.acceptWords("with", "consistent", "snapshot")) list.push("with consistent snapshot");
    else throw p.error();
  } while (p.acceptOp(","));
  return list;
}

/** BEGIN [WORK] or START TRANSACTION [characteristics], the verb being current. */
export function parseBegin(p: Cursor): Begin {
  if (p.acceptWord("begin")) {
    p.acceptWord("work");
    return { kind: "Begin", characteristics: [] };
  }
  p.expectWord("start");
  p.expectWord("transaction");
  return { kind: "Begin", characteristics: parseCharacteristics(p) };
}

/** The `[and [no] chain] [[no] release]` tail of COMMIT / ROLLBACK, accepted and ignored. */
function skipChainRelease(p: Cursor): void {
  if (p.acceptWord("and")) {
    p.acceptWord("no");
    p.expectWord("chain");
  }
  if (p.acceptWords("no", "release")) return;
  p.acceptWord("release");
}

export function parseRollback(p: Cursor): Rollback {
  p.expectWord("rollback");
  p.acceptWord("work");
  if (p.acceptWord("to")) {
    p.acceptWord("savepoint");
    return { kind: "Rollback", savepoint: p.ident() };
  }
  skipChainRelease(p);
  return { kind: "Rollback", savepoint: undefined };
}

export function parseCommit(p: Cursor): { kind: "Commit" } {
  p.expectWord("commit");
  p.acceptWord("work");
  skipChainRelease(p);
  return { kind: "Commit" };
}
