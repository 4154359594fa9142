import { SqlSyntaxError } from "./errors.js";

/**
 * MySQL's lexical rules, as the server applies them with the default sql_mode (no ANSI_QUOTES, backslash
 * escapes on), plus Vitess's bind variables:
 * - words: letters, digits, `_`, `$` and any non-ASCII character; a word may start with a digit (`3t2`)
 *   when it is not a number; backquoted names (`` `a``b` ``) are always names, never keywords;
 * - strings in '...' or "..." with backslash escapes (\0 \' \" \b \n \r \t \Z \\, \% and \_ kept with their
 *   backslash, any other \x is x) and doubled quotes; adjacent strings are concatenated by the parser;
 * - numbers: integers, decimals (`1.5`, `.5`, `1.`), floats (`1e3`, `1.5E-2`), hex `0x1F` and `X'1F'`,
 *   bits `0b101` and `B'101'`;
 * - `:name` and `::name` bind variables (Vitess), `?` placeholders, `@user` and `@@[scope.]system` variables;
 * - comments `-- ` (dash dash space), `#`, `/* *\/`; the contents of `/*! ... *\/` and `/*M! ... *\/` are
 *   read as code (MySQL executes them; the version number is skipped). Block comments are attached to the
 *   token that follows them, so statements can keep the ones after their verb (`select /*vt+ ... *\/ ...`).
 */
export const T = {
  EOF: 0,
  /** An unquoted word: a keyword or a name. */
  Ident: 1,
  /** A backquoted name; `text` has the quotes removed. */
  QuotedIdent: 2,
  /** A quoted string; `text` is the unescaped value. */
  String: 3,
  Int: 4,
  Decimal: 5,
  Float: 6,
  /** `0x1F`: `text` as written. */
  HexNum: 7,
  /** `X'1F'`: `text` is the digits. */
  HexString: 8,
  /** `0b101`: `text` as written. */
  BitNum: 9,
  /** `B'101'`: `text` is the digits. */
  BitString: 10,
  /** `:name`: `text` is the name. */
  BindVar: 11,
  /** `::name`: `text` is the name. */
  ListBindVar: 12,
  /** `?` */
  Placeholder: 13,
  /** `@name`, `@'name'`: `text` is the name. */
  UserVar: 14,
  /** `@@name`, `@@global.name`: `text` is what follows `@@`. */
  SysVar: 15,
  /** Punctuation and operators: `text` is the operator (`<=>`, `(`, `,` ...). */
  Op: 16,
} as const;

export type TokenType = (typeof T)[keyof typeof T];

export interface Token {
  readonly type: TokenType;
  readonly text: string;
  /** Lower-cased `text` for unquoted words (keywords are matched on it), else `text`. */
  readonly lower: string;
  /** Offsets in the SQL text: `sql.slice(start, end)` is the token as written. */
  readonly start: number;
  readonly end: number;
  /** The `/* ... *\/` comments written just before this token, as written. */
  readonly comments: readonly string[] | undefined;
}

enum C {
  Tab = 9,
  NL = 10,
  CR = 13,
  Space = 32,
  Bang = 33,
  DQuote = 34,
  Hash = 35,
  Dollar = 36,
  Percent = 37,
  Amp = 38,
  Quote = 39,
  Star = 42,
  Plus = 43,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  D0 = 48,
  D1 = 49,
  D9 = 57,
  Colon = 58,
  Lt = 60,
  Eq = 61,
  Gt = 62,
  Question = 63,
  At = 64,
  UA = 65,
  UB = 66,
  UE = 69,
  UF = 70,
  UM = 77,
  UX = 88,
  UZ = 90,
  Backslash = 92,
  Caret = 94,
  Underscore = 95,
  Backtick = 96,
  LA = 97,
  LB = 98,
  LE = 101,
  LF = 102,
  LX = 120,
  LZ = 122,
  Pipe = 124,
}

function isWordChar(c: number): boolean {
  return (
    (c >= C.LA && c <= C.LZ) ||
    (c >= C.UA && c <= C.UZ) ||
    (c >= C.D0 && c <= C.D9) ||
    c === C.Underscore ||
    c === C.Dollar ||
    c >= 0x80
  );
}

function isDigit(c: number): boolean {
  return c >= C.D0 && c <= C.D9;
}

function isHexDigit(c: number): boolean {
  return (c >= C.D0 && c <= C.D9) || (c >= C.LA && c <= C.LF) || (c >= C.UA && c <= C.UF);
}

function isSpace(c: number): boolean {
  return c === C.Space || c === C.NL || c === C.Tab || c === C.CR || c === 11 || c === 12;
}

function isBindVarChar(c: number): boolean {
  return (
    (c >= C.LA && c <= C.LZ) ||
    (c >= C.UA && c <= C.UZ) ||
    (c >= C.D0 && c <= C.D9) ||
    c === C.Underscore ||
    c === C.Dot
  );
}

const THREE_CHAR_OPS: ReadonlySet<string> = new Set(["<=>", "->>"]);
const TWO_CHAR_OPS: ReadonlySet<string> = new Set([
  "<=",
  ">=",
  "<>",
  "!=",
  "<<",
  ">>",
  "&&",
  "||",
  ":=",
  "->",
]);

/** Splits `sql` into tokens, ending with one EOF token. Throws SqlSyntaxError on unterminated input. */
export function tokenize(sql: string): Token[] {
  return new Tokenizer(sql).run();
}

class Tokenizer {
  private pos = 0;
  private readonly tokens: Token[] = [];
  private pending: string[] | undefined;
  /** Inside `/*! ... *\/`: its closing `*\/` is skipped like whitespace. */
  private inSpecialComment = false;

  constructor(private readonly sql: string) {}

  run(): Token[] {
    const sql = this.sql;
    const n = sql.length;
    for (;;) {
      this.skipSpaceAndComments();
      if (this.pos >= n) break;
      const start = this.pos;
      const c = sql.charCodeAt(start);
      if (c === C.Quote || c === C.DQuote) {
        this.push(T.String, this.scanString(c), start);
      } else if (c === C.Backtick) {
        this.push(T.QuotedIdent, this.scanQuotedIdent(), start);
      } else if (isDigit(c) || (c === C.Dot && isDigit(sql.charCodeAt(start + 1)) && !this.afterName())) {
        this.scanNumber(start);
      } else if ((c === C.LX || c === C.UX) && sql.charCodeAt(start + 1) === C.Quote) {
        this.pos += 2;
        this.push(T.HexString, this.scanQuotedDigits(start, isHexDigit), start);
      } else if ((c === C.LB || c === C.UB) && sql.charCodeAt(start + 1) === C.Quote) {
        this.pos += 2;
        this.push(
          T.BitString,
          this.scanQuotedDigits(start, (d) => d === C.D0 || d === C.D1),
          start,
        );
      } else if (isWordChar(c)) {
        this.pos++;
        while (this.pos < n && isWordChar(sql.charCodeAt(this.pos))) this.pos++;
        const text = sql.slice(start, this.pos);
        this.pushWord(text, start);
      } else if (c === C.Colon) {
        this.scanColon(start);
      } else if (c === C.At) {
        this.scanVariable(start);
      } else if (c === C.Question) {
        this.pos++;
        this.push(T.Placeholder, "?", start);
      } else {
        this.scanOperator(start);
      }
    }
    if (this.inSpecialComment) throw new SqlSyntaxError(sql, n, n, "unterminated comment");
    const eof: Token = { type: T.EOF, text: "", lower: "", start: n, end: n, comments: this.pending };
    this.tokens.push(eof);
    return this.tokens;
  }

  /** A `.` right after a name or `)` is a qualifier dot (`t.5col` aside, `.5` there is not a number). */
  private afterName(): boolean {
    const last = this.tokens[this.tokens.length - 1];
    return (
      last !== undefined && last.end === this.pos && (last.type === T.Ident || last.type === T.QuotedIdent)
    );
  }

  private push(type: TokenType, text: string, start: number): void {
    this.tokens.push({ type, text, lower: text, start, end: this.pos, comments: this.pending });
    this.pending = undefined;
  }

  private pushWord(text: string, start: number): void {
    this.tokens.push({
      type: T.Ident,
      text,
      lower: text.toLowerCase(),
      start,
      end: this.pos,
      comments: this.pending,
    });
    this.pending = undefined;
  }

  private skipSpaceAndComments(): void {
    const sql = this.sql;
    const n = sql.length;
    while (this.pos < n) {
      const c = sql.charCodeAt(this.pos);
      if (isSpace(c)) {
        this.pos++;
      } else if (c === C.Hash) {
        this.skipLine();
      } else if (
        c === C.Minus &&
        sql.charCodeAt(this.pos + 1) === C.Minus &&
        (this.pos + 2 >= n || isSpace(sql.charCodeAt(this.pos + 2)) || sql.charCodeAt(this.pos + 2) < 32)
      ) {
        this.skipLine();
      } else if (c === C.Slash && sql.charCodeAt(this.pos + 1) === C.Star) {
        this.blockComment();
      } else if (this.inSpecialComment && c === C.Star && sql.charCodeAt(this.pos + 1) === C.Slash) {
        this.inSpecialComment = false;
        this.pos += 2;
      } else {
        return;
      }
    }
  }

  private skipLine(): void {
    const sql = this.sql;
    while (this.pos < sql.length && sql.charCodeAt(this.pos) !== C.NL) this.pos++;
  }

  private blockComment(): void {
    const sql = this.sql;
    const start = this.pos;
    const third = sql.charCodeAt(start + 2);
    const special =
      third === C.Bang || ((third === C.UM || third === 109) && sql.charCodeAt(start + 3) === C.Bang);
    if (special && !this.inSpecialComment) {
      // Executable comment: skip the marker and an optional version number, then read the contents as code.
      this.pos = start + (third === C.Bang ? 3 : 4);
      let digits = 0;
      while (digits < 6 && isDigit(sql.charCodeAt(this.pos + digits))) digits++;
      if (digits === 5 || digits === 6) this.pos += digits;
      this.inSpecialComment = true;
      return;
    }
    const close = sql.indexOf("*/", start + 2);
    if (close < 0) throw new SqlSyntaxError(sql, start, sql.length, "unterminated comment");
    this.pos = close + 2;
    const text = sql.slice(start, this.pos);
    if (this.pending === undefined) this.pending = [text];
    else this.pending.push(text);
  }

  private scanString(quote: number): string {
    const sql = this.sql;
    const start = this.pos;
    let i = start + 1;
    let out = "";
    let chunk = i;
    for (;;) {
      if (i >= sql.length) throw new SqlSyntaxError(sql, start, sql.length, "unterminated string");
      const c = sql.charCodeAt(i);
      if (c === quote) {
        if (sql.charCodeAt(i + 1) === quote) {
          out += sql.slice(chunk, i + 1);
          i += 2;
          chunk = i;
          continue;
        }
        out += sql.slice(chunk, i);
        this.pos = i + 1;
        return out;
      }
      if (c === C.Backslash) {
        if (i + 1 >= sql.length) throw new SqlSyntaxError(sql, start, sql.length, "unterminated string");
        out += sql.slice(chunk, i) + unescapeChar(sql.charCodeAt(i + 1), sql[i + 1] as string);
        i += 2;
        chunk = i;
        continue;
      }
      i++;
    }
  }

  private scanQuotedIdent(): string {
    const sql = this.sql;
    const start = this.pos;
    let i = start + 1;
    let out = "";
    let chunk = i;
    for (;;) {
      const close = sql.indexOf("`", i);
      if (close < 0) throw new SqlSyntaxError(sql, start, sql.length, "unterminated quoted identifier");
      if (sql.charCodeAt(close + 1) === C.Backtick) {
        out += sql.slice(chunk, close + 1);
        i = close + 2;
        chunk = i;
        continue;
      }
      out += sql.slice(chunk, close);
      this.pos = close + 1;
      if (out === "") throw new SqlSyntaxError(sql, start, this.pos, "empty quoted identifier");
      return out;
    }
  }

  private scanQuotedDigits(start: number, ok: (c: number) => boolean): string {
    const sql = this.sql;
    const first = this.pos;
    while (this.pos < sql.length && ok(sql.charCodeAt(this.pos))) this.pos++;
    if (sql.charCodeAt(this.pos) !== C.Quote) {
      this.pos = Math.min(this.pos + 1, sql.length);
      throw new SqlSyntaxError(sql, start, this.pos);
    }
    const digits = sql.slice(first, this.pos);
    this.pos++;
    return digits;
  }

  private scanNumber(start: number): void {
    const sql = this.sql;
    const n = sql.length;
    const c0 = sql.charCodeAt(start);
    const c1 = sql.charCodeAt(start + 1);
    if (c0 === C.D0 && c1 === C.LX && isHexDigit(sql.charCodeAt(start + 2))) {
      let i = start + 2;
      while (i < n && isHexDigit(sql.charCodeAt(i))) i++;
      if (!(i < n && isWordChar(sql.charCodeAt(i)))) {
        this.pos = i;
        this.push(T.HexNum, sql.slice(start, i), start);
        return;
      }
    }
    if (
      c0 === C.D0 &&
      c1 === C.LB &&
      (sql.charCodeAt(start + 2) === C.D0 || sql.charCodeAt(start + 2) === C.D1)
    ) {
      let i = start + 2;
      while (i < n && (sql.charCodeAt(i) === C.D0 || sql.charCodeAt(i) === C.D1)) i++;
      if (!(i < n && isWordChar(sql.charCodeAt(i)))) {
        this.pos = i;
        this.push(T.BitNum, sql.slice(start, i), start);
        return;
      }
    }
    let i = start;
    let type: TokenType = T.Int;
    while (i < n && isDigit(sql.charCodeAt(i))) i++;
    if (sql.charCodeAt(i) === C.Dot) {
      type = T.Decimal;
      i++;
      while (i < n && isDigit(sql.charCodeAt(i))) i++;
    }
    const e = sql.charCodeAt(i);
    if (e === C.LE || e === C.UE) {
      let j = i + 1;
      const sign = sql.charCodeAt(j);
      if (sign === C.Plus || sign === C.Minus) j++;
      if (isDigit(sql.charCodeAt(j))) {
        while (j < n && isDigit(sql.charCodeAt(j))) j++;
        i = j;
        type = T.Float;
      }
    }
    if (i < n && isWordChar(sql.charCodeAt(i)) && type === T.Int) {
      // `3t2`, `1abc`: a name that starts with digits.
      while (i < n && isWordChar(sql.charCodeAt(i))) i++;
      this.pos = i;
      this.pushWord(sql.slice(start, i), start);
      return;
    }
    this.pos = i;
    this.push(type, sql.slice(start, i), start);
  }

  private scanColon(start: number): void {
    const sql = this.sql;
    const next = sql.charCodeAt(start + 1);
    if (next === C.Eq) {
      this.pos = start + 2;
      this.push(T.Op, ":=", start);
      return;
    }
    let type: TokenType = T.BindVar;
    let i = start + 1;
    if (next === C.Colon) {
      type = T.ListBindVar;
      i++;
    }
    const nameStart = i;
    while (i < sql.length && isBindVarChar(sql.charCodeAt(i))) i++;
    if (i === nameStart) {
      this.pos = start + 1;
      this.push(T.Op, ":", start);
      return;
    }
    this.pos = i;
    this.push(type, sql.slice(nameStart, i), start);
  }

  private scanVariable(start: number): void {
    const sql = this.sql;
    if (sql.charCodeAt(start + 1) === C.At) {
      let i = start + 2;
      if (sql.charCodeAt(i) === C.Backtick) {
        this.pos = i;
        const name = this.scanQuotedIdent();
        this.push(T.SysVar, name, start);
        return;
      }
      while (i < sql.length && (isWordChar(sql.charCodeAt(i)) || sql.charCodeAt(i) === C.Dot)) i++;
      if (i === start + 2) {
        this.pos = i;
        throw new SqlSyntaxError(sql, start, i);
      }
      this.pos = i;
      this.push(T.SysVar, sql.slice(start + 2, i), start);
      return;
    }
    const q = sql.charCodeAt(start + 1);
    if (q === C.Quote || q === C.DQuote) {
      this.pos = start + 1;
      const name = this.scanString(q);
      this.push(T.UserVar, name, start);
      return;
    }
    if (q === C.Backtick) {
      this.pos = start + 1;
      const name = this.scanQuotedIdent();
      this.push(T.UserVar, name, start);
      return;
    }
    let i = start + 1;
    while (i < sql.length && (isWordChar(sql.charCodeAt(i)) || sql.charCodeAt(i) === C.Dot)) i++;
    if (i === start + 1) {
      this.pos = i;
      this.push(T.Op, "@", start);
      return;
    }
    this.pos = i;
    this.push(T.UserVar, sql.slice(start + 1, i), start);
  }

  private scanOperator(start: number): void {
    const sql = this.sql;
    const c = sql.charCodeAt(start);
    // Only these characters start a multi-character operator (<=> <= <> << >= >> != && || -> ->>).
    if (c === C.Lt || c === C.Gt || c === C.Bang || c === C.Amp || c === C.Pipe || c === C.Minus) {
      const three = sql.slice(start, start + 3);
      if (THREE_CHAR_OPS.has(three)) {
        this.pos = start + 3;
        this.push(T.Op, three, start);
        return;
      }
      const two = sql.slice(start, start + 2);
      if (TWO_CHAR_OPS.has(two)) {
        this.pos = start + 2;
        this.push(T.Op, two, start);
        return;
      }
    }
    if (c < 32 || c === C.Backslash) {
      this.pos = start + 1;
      throw new SqlSyntaxError(sql, start, start + 1, "unexpected character");
    }
    this.pos = start + 1;
    this.push(T.Op, sql[start] as string, start);
  }
}

function unescapeChar(code: number, ch: string): string {
  switch (code) {
    case 48: // 0
      return "\0";
    case 98: // b
      return "\b";
    case 110: // n
      return "\n";
    case 114: // r
      return "\r";
    case 116: // t
      return "\t";
    case 90: // Z
      return "\x1a";
    case C.Percent:
      return "\\%";
    case C.Underscore:
      return "\\_";
    default:
      return ch;
  }
}
