import { Code, VtError } from "../vterrors/index.js";

/** MySQL's ER_PARSE_ERROR: what a client of vtgate sees for a statement that does not parse. */
export const PARSE_ERRNO = 1064;
export const PARSE_SQLSTATE = "42000";

/**
 * A statement that does not parse. The message is Vitess's (`syntax error at position 14 near 'frm'`, the
 * position being 1 + the offset just past the offending token, as Vitess counts it); `mysqlMessage` is the
 * text MySQL itself would give. Both travel as INVALID_ARGUMENT with errno 1064 / SQLSTATE 42000.
 */
export class SqlSyntaxError extends VtError {
  /** 0-based offset where the offending token starts (the input length at end of input). */
  readonly offset: number;
  /** Vitess's position: 0-based offset just past the offending token, plus one. */
  readonly position: number;
  /** The offending token as written; empty at end of input. */
  readonly near: string;
  /** 1-based line of the offending token. */
  readonly line: number;
  /** MySQL's wording: `You have an error in your SQL syntax; ... near '...' at line N`. */
  readonly mysqlMessage: string;

  constructor(sql: string, offset: number, end: number, detail?: string) {
    const near = sql.slice(offset, end);
    const position = end + 1;
    const base =
      near === ""
        ? `syntax error at position ${position}`
        : `syntax error at position ${position} near '${near}'`;
    super(Code.INVALID_ARGUMENT, detail === undefined ? base : `${base}: ${detail}`, {
      mysql: { errno: PARSE_ERRNO, sqlstate: PARSE_SQLSTATE },
    });
    this.offset = offset;
    this.position = position;
    this.near = near;
    this.line = lineAt(sql, offset);
    this.mysqlMessage =
      "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version " +
      `for the right syntax to use near '${sql.slice(offset, offset + 80)}' at line ${this.line}`;
  }
}

function lineAt(sql: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < sql.length; i++) if (sql.charCodeAt(i) === 10) line++;
  return line;
}

export function isSqlSyntaxError(err: unknown): err is SqlSyntaxError {
  return err instanceof SqlSyntaxError;
}

/** MySQL's ER_EMPTY_QUERY (1065): the text holds no statement (only whitespace, comments or `;`). */
export class EmptyQueryError extends VtError {
  constructor() {
    super(Code.INVALID_ARGUMENT, "Query was empty", { mysql: { errno: 1065, sqlstate: "42000" } });
  }
}
