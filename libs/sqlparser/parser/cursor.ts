import type { TableName } from "../ast/expr.js";
import { SqlSyntaxError } from "../errors.js";
import { isReserved } from "../keywords.js";
import { T, type Token } from "../tokenizer.js";

/**
 * The parser's position in the token list, with the small helpers every grammar module uses. Keywords are
 * matched on unquoted words only (a backquoted `select` is a name).
 */
export class Cursor {
  private index = 0;
  /** `?` placeholders seen so far; each becomes `:v1`, `:v2`... as Vitess names them. */
  placeholders = 0;

  constructor(
    readonly sql: string,
    private readonly tokens: readonly Token[],
  ) {}

  get pos(): number {
    return this.index;
  }

  set pos(value: number) {
    this.index = value;
  }

  peek(): Token {
    return this.tokens[this.index] as Token;
  }

  peekAt(ahead: number): Token {
    const i = this.index + ahead;
    return (this.tokens[i < this.tokens.length ? i : this.tokens.length - 1] as Token) ?? this.eofToken();
  }

  private eofToken(): Token {
    return this.tokens[this.tokens.length - 1] as Token;
  }

  next(): Token {
    const t = this.tokens[this.index] as Token;
    if (t.type !== T.EOF) this.index++;
    return t;
  }

  /** End of the statement: end of input or `;`. */
  atEnd(): boolean {
    const t = this.peek();
    return t.type === T.EOF || (t.type === T.Op && t.text === ";");
  }

  isWord(word: string): boolean {
    const t = this.tokens[this.index] as Token;
    return t.type === T.Ident && t.lower === word;
  }

  isWordAt(ahead: number, word: string): boolean {
    const t = this.peekAt(ahead);
    return t.type === T.Ident && t.lower === word;
  }

  acceptWord(word: string): boolean {
    const t = this.tokens[this.index] as Token;
    if (t.type === T.Ident && t.lower === word) {
      this.index++;
      return true;
    }
    return false;
  }

  /** Accepts the words in order, or consumes nothing. */
  acceptWords(...words: string[]): boolean {
    for (let i = 0; i < words.length; i++) if (!this.isWordAt(i, words[i] as string)) return false;
    this.index += words.length;
    return true;
  }

  expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.error();
  }

  isOp(op: string): boolean {
    const t = this.tokens[this.index] as Token;
    return t.type === T.Op && t.text === op;
  }

  acceptOp(op: string): boolean {
    const t = this.tokens[this.index] as Token;
    if (t.type === T.Op && t.text === op) {
      this.index++;
      return true;
    }
    return false;
  }

  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.error();
  }

  /** A syntax error at the current token (or the given one). */
  error(token: Token = this.peek(), detail?: string): SqlSyntaxError {
    return new SqlSyntaxError(this.sql, token.start, token.end, detail);
  }

  /** The current token is a name: backquoted, or an unquoted word that is not reserved. */
  isIdent(): boolean {
    const t = this.tokens[this.index] as Token;
    return t.type === T.QuotedIdent || (t.type === T.Ident && !isReserved(t.lower));
  }

  /** A name (table, column, alias, index ...). */
  ident(): string {
    const t = this.tokens[this.index] as Token;
    if (t.type === T.QuotedIdent || (t.type === T.Ident && !isReserved(t.lower))) {
      this.index++;
      return t.text;
    }
    throw this.error(t);
  }

  /** A name after a `.`, where MySQL accepts reserved words too (`t.select`). */
  identAfterDot(): string {
    const t = this.tokens[this.index] as Token;
    if (t.type === T.QuotedIdent || t.type === T.Ident) {
      this.index++;
      return t.text;
    }
    throw this.error(t);
  }

  /** `t` or `ks.t`. */
  tableName(): TableName {
    const first = this.ident();
    if (this.isOp(".")) {
      this.index++;
      return { name: this.identAfterDot(), qualifier: first };
    }
    return { name: first, qualifier: undefined };
  }

  /** A name or a quoted string (aliases, charsets, collations may be either). */
  identOrString(): string {
    const t = this.peek();
    if (t.type === T.String) {
      this.index++;
      return t.text;
    }
    return this.ident();
  }

  /** Any word, reserved or not, lower-cased (for option values like `engine = InnoDB`, units, types). */
  word(): string {
    const t = this.tokens[this.index] as Token;
    if (t.type === T.Ident) {
      this.index++;
      return t.lower;
    }
    throw this.error(t);
  }

  /** An unsigned integer literal, as written. */
  integer(): string {
    const t = this.tokens[this.index] as Token;
    if (t.type === T.Int) {
      this.index++;
      return t.text;
    }
    throw this.error(t);
  }

  string(): string {
    const t = this.tokens[this.index] as Token;
    if (t.type === T.String) {
      this.index++;
      return t.text;
    }
    throw this.error(t);
  }

  /** `(a, b, c)`: a parenthesised list of names. */
  identList(): string[] {
    this.expectOp("(");
    const names = [this.ident()];
    while (this.acceptOp(",")) names.push(this.ident());
    this.expectOp(")");
    return names;
  }

  /** The comments written before the current token (those right after a statement's verb). */
  comments(): readonly string[] {
    return this.peek().comments ?? NO_COMMENTS;
  }

  /** The SQL text from token `from` (an index) up to the current token, as written. */
  textFrom(from: number): string {
    const first = this.tokens[from] as Token;
    const last = this.tokens[this.index - 1] as Token;
    return this.index > from ? this.sql.slice(first.start, last.end) : "";
  }

  tokenAt(index: number): Token {
    return this.tokens[index] as Token;
  }
}

const NO_COMMENTS: readonly string[] = [];
