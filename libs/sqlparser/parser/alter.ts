import type { AlterOption, AlterTable, AlterView, ColumnPosition } from "../ast/ddl.js";
import type { Statement } from "../ast/statement.js";
import type { Cursor } from "./cursor.js";
import { definesView, parseViewDefinition } from "./ddl.js";
import {
  isIndexOrConstraintStart,
  parseColumnDefinition,
  parseIndexOrConstraint,
  parseRawToEnd,
  parseTableOption,
} from "./definitions.js";
import { parseExpr, parseSimpleExpr } from "./expr.js";
import { parseCharsetName } from "./functions.js";

/** ALTER statements after ALTER: TABLE and VIEW; undefined for kinds kept as Other. */
export function parseAlter(p: Cursor, comments: readonly string[]): Statement | undefined {
  const start = p.pos;
  if (p.isWord("algorithm") || p.isWord("definer") || p.isWord("sql") || p.isWord("view")) {
    if (!definesView(p)) return undefined;
    return { kind: "AlterView", ...parseViewDefinition(p, false) } satisfies AlterView;
  }
  p.acceptWord("online");
  p.acceptWord("ignore");
  if (!p.acceptWord("table")) {
    p.pos = start;
    return undefined;
  }
  const table = p.tableName();
  const options: AlterOption[] = [];
  let partitions: string | undefined;
  while (!p.atEnd()) {
    if (p.isWord("partition") && p.isWordAt(1, "by")) {
      partitions = parseRawToEnd(p);
      break;
    }
    options.push(parseAlterOption(p));
    if (!p.acceptOp(",")) break;
  }
  if (!p.atEnd()) throw p.error();
  return { kind: "AlterTable", comments, table, options, partitions } satisfies AlterTable;
}

function parsePosition(p: Cursor): ColumnPosition | undefined {
  if (p.acceptWord("first")) return { first: true };
  if (p.acceptWord("after")) return { after: p.ident() };
  return undefined;
}

/** One alter option; anything not modelled is kept as Raw text up to the next top-level comma. */
function parseAlterOption(p: Cursor): AlterOption {
  const start = p.pos;
  try {
    const option = parseKnownAlterOption(p);
    if (
      option !== undefined &&
      (p.atEnd() || p.isOp(",") || (p.isWord("partition") && p.isWordAt(1, "by")))
    ) {
      return option;
    }
  } catch {
    // fall through to Raw
  }
  p.pos = start;
  let depth = 0;
  while (!p.atEnd()) {
    if (p.isOp("(")) depth++;
    else if (p.isOp(")")) depth--;
    else if (depth === 0 && p.isOp(",")) break;
    p.next();
  }
  const text = p.textFrom(start);
  if (text === "") throw p.error();
  return { kind: "Raw", text };
}

function parseKnownAlterOption(p: Cursor): AlterOption | undefined {
  if (p.acceptWord("add")) {
    if (isIndexOrConstraintStart(p)) {
      const def = parseIndexOrConstraint(p);
      return "type" in def ? { kind: "AddIndex", index: def } : { kind: "AddConstraint", constraint: def };
    }
    p.acceptWord("column");
    if (p.acceptOp("(")) {
      const columns = [parseColumnDefinition(p)];
      while (p.acceptOp(",")) columns.push(parseColumnDefinition(p));
      p.expectOp(")");
      return { kind: "AddColumn", columns, position: undefined };
    }
    const column = parseColumnDefinition(p);
    return { kind: "AddColumn", columns: [column], position: parsePosition(p) };
  }
  if (p.acceptWord("drop")) {
    if (p.acceptWords("primary", "key")) return { kind: "DropPrimaryKey" };
    if (p.acceptWords("foreign", "key")) return { kind: "DropForeignKey", name: p.ident() };
    if (p.acceptWord("index") || p.acceptWord("key")) return { kind: "DropIndex", name: p.ident() };
    if (p.acceptWord("check")) return { kind: "DropConstraint", check: true, name: p.ident() };
    if (p.acceptWord("constraint")) return { kind: "DropConstraint", check: false, name: p.ident() };
    p.acceptWord("column");
    return { kind: "DropColumn", name: p.ident() };
  }
  if (p.acceptWord("modify")) {
    p.acceptWord("column");
    const column = parseColumnDefinition(p);
    return { kind: "ModifyColumn", column, position: parsePosition(p) };
  }
  if (p.acceptWord("change")) {
    p.acceptWord("column");
    const oldName = p.ident();
    const column = parseColumnDefinition(p);
    return { kind: "ChangeColumn", oldName, column, position: parsePosition(p) };
  }
  if (p.acceptWord("rename")) {
    if (p.acceptWord("column")) {
      const from = p.ident();
      p.expectWord("to");
      return { kind: "RenameColumn", from, to: p.ident() };
    }
    if (p.acceptWord("index") || p.acceptWord("key")) {
      const from = p.ident();
      p.expectWord("to");
      return { kind: "RenameIndex", from, to: p.ident() };
    }
    if (!p.acceptWord("to")) p.acceptWord("as");
    return { kind: "RenameTable", to: p.tableName() };
  }
  if (p.acceptWord("alter")) {
    p.acceptWord("column");
    const column = p.ident();
    if (p.acceptWords("drop", "default")) return { kind: "AlterColumnDefault", column, default: undefined };
    p.expectWord("set");
    p.expectWord("default");
    let value: ReturnType<typeof parseExpr>;
    if (p.acceptOp("(")) {
      value = parseExpr(p);
      p.expectOp(")");
    } else {
      value = parseSimpleExpr(p);
    }
    return { kind: "AlterColumnDefault", column, default: value };
  }
  if (p.acceptWords("convert", "to")) {
    if (!p.acceptWord("charset")) {
      p.expectWord("character");
      p.expectWord("set");
    }
    const charset = parseCharsetName(p);
    const collate = p.acceptWord("collate") ? parseCharsetName(p) : undefined;
    return { kind: "ConvertCharset", charset, collate };
  }
  if (p.acceptWord("force")) return { kind: "Force" };
  const option = parseTableOption(p);
  return option === undefined ? undefined : { kind: "TableOption", option };
}
