import { type BindVariable, Type, type Value } from "../proto/query.js";
import type { BindVar, Expr, Literal } from "./ast/expr.js";
import type { Limit, QueryExpr, SelectExpr, TableExpr } from "./ast/query.js";
import type { Statement } from "./ast/statement.js";
import { rememberedBindVars } from "./bind-vars.js";
import { formatExpr } from "./format/expr.js";
import { format } from "./formatter.js";
import { bindVarNames } from "./tables.js";
import { mapExprChildren, mapList } from "./walk.js";

export interface NormalizeOptions {
  /** Prefix of the generated bind variable names (Vitess's vtgate uses `vtg`: `:vtg1`, `:vtg2` ...). */
  readonly prefix?: string;
  /** How string literals become bytes in bind values: the encoding the query text was decoded with. */
  readonly encoding?: BufferEncoding;
}

export interface NormalizeResult {
  /** The statement with its literals replaced by bind variables. */
  readonly statement: Statement;
  /** Its canonical text: the plan-cache key. */
  readonly sql: string;
  /** The replaced values by bind variable name (tuples for `in ::vtgN`). */
  readonly bindVars: Record<string, BindVariable>;
}

/** Statements whose literals are replaced (others are planned once per text anyway). */
export function canNormalize(stmt: Statement): boolean {
  switch (stmt.kind) {
    case "Select":
    case "Union":
    case "Insert":
    case "Update":
    case "Delete":
      return true;
    case "VExplain":
      return canNormalize(stmt.statement);
    default:
      return false;
  }
}

/**
 * Replaces literals by bind variables so one plan serves every value, as Vitess's normalizer does:
 * - in SELECTs (and subqueries anywhere) the same literal (same type and text, up to 256 characters) gets
 *   the same bind variable; in an INSERT's VALUES and in LIMIT each literal gets its own;
 * - `x [not] in (1, 2, 3)` of literals only becomes `x in ::vtgN`, one tuple bind variable;
 * - ORDER BY and GROUP BY are left alone (`order by 1` is a column position), so are NULL, TRUE/FALSE,
 *   literals with a character set introducer other than `_binary`, `select next N values`, and every
 *   statement canNormalize() refuses;
 * - a select expression that changes and has no alias gets one, so result column names stay MySQL's
 *   (`select 'a'` is still column `a`).
 * Bind values are typed: INT64 (UINT64 past int64, DECIMAL past uint64), DECIMAL, FLOAT64, VARCHAR,
 * VARBINARY (`_binary '...'`), HEXNUM, HEXVAL, BITNUM, DATE, TIME, DATETIME.
 */
export function normalize(stmt: Statement, options: NormalizeOptions = {}): NormalizeResult {
  if (!canNormalize(stmt)) return { statement: stmt, sql: format(stmt), bindVars: {} };
  const n = new Normalizer(
    options.prefix ?? "vtg",
    options.encoding ?? "utf8",
    rememberedBindVars(stmt) ?? bindVarNames(stmt),
  );
  const statement = n.statement(stmt);
  return { statement, sql: format(statement), bindVars: n.bindVars };
}

const DEDUP_MAX_LENGTH = 256;

class Normalizer {
  readonly bindVars: Record<string, BindVariable> = {};
  private counter = 0;
  private readonly byValue = new Map<string, string>();
  private readonly byTuple = new Map<string, string>();
  private readonly dedupExpr = (e: Expr): Expr => this.expr(e, true);
  private readonly uniqueExpr = (e: Expr): Expr => this.expr(e, false);
  private readonly queryFn = (q: QueryExpr): QueryExpr => this.query(q);

  constructor(
    private readonly prefix: string,
    private readonly encoding: BufferEncoding,
    private readonly reserved: ReadonlySet<string>,
  ) {}

  private nextName(): string {
    for (;;) {
      const name = `${this.prefix}${++this.counter}`;
      if (!this.reserved.has(name)) return name;
    }
  }

  statement(stmt: Statement): Statement {
    switch (stmt.kind) {
      case "Select":
      case "Union":
        return this.query(stmt);
      case "Insert": {
        const rows =
          stmt.rows.kind === "Query"
            ? { kind: "Query" as const, query: this.query(stmt.rows.query) }
            : { kind: "Values" as const, rows: stmt.rows.rows.map((row) => mapList(row, this.uniqueExpr)) };
        return { ...stmt, rows, onDuplicate: this.assignments(stmt.onDuplicate) };
      }
      case "Update":
        return {
          ...stmt,
          tables: mapList(stmt.tables, (t) => this.tableExpr(t)),
          set: this.assignments(stmt.set),
          where: this.optional(stmt.where),
          limit: this.limit(stmt.limit),
        };
      case "Delete":
        return {
          ...stmt,
          from: mapList(stmt.from, (t) => this.tableExpr(t)),
          where: this.optional(stmt.where),
          limit: this.limit(stmt.limit),
        };
      case "VExplain":
        return { ...stmt, statement: this.statement(stmt.statement) };
      default:
        return stmt;
    }
  }

  private assignments<T extends { readonly expr: Expr }>(list: readonly T[]): readonly T[] {
    return mapList(list, (a) => {
      const expr = this.expr(a.expr, true);
      return expr === a.expr ? a : { ...a, expr };
    });
  }

  private optional(e: Expr | undefined): Expr | undefined {
    return e === undefined ? undefined : this.expr(e, true);
  }

  private limit(limit: Limit | undefined): Limit | undefined {
    if (limit === undefined) return undefined;
    const offset = limit.offset === undefined ? undefined : this.expr(limit.offset, false);
    const count = this.expr(limit.count, false);
    return offset === limit.offset && count === limit.count ? limit : { offset, count };
  }

  query(q: QueryExpr): QueryExpr {
    const withClause =
      q.with === undefined
        ? undefined
        : {
            ...q.with,
            ctes: mapList(q.with.ctes, (c) => {
              const query = this.query(c.query);
              return query === c.query ? c : { ...c, query };
            }),
          };
    if (q.kind === "Union") {
      return {
        ...q,
        with: withClause,
        left: this.query(q.left),
        right: this.query(q.right),
        limit: this.limit(q.limit),
      };
    }
    return {
      ...q,
      with: withClause,
      columns: mapList(q.columns, (c) => this.selectExpr(c)),
      from: mapList(q.from, (t) => this.tableExpr(t)),
      where: this.optional(q.where),
      having: this.optional(q.having),
      limit: this.limit(q.limit),
    };
  }

  private selectExpr(c: SelectExpr): SelectExpr {
    if (c.kind !== "Aliased") return c;
    const expr = this.expr(c.expr, true);
    if (expr === c.expr) return c;
    return { ...c, expr, alias: c.alias ?? columnName(c.expr) };
  }

  private tableExpr(t: TableExpr): TableExpr {
    switch (t.kind) {
      case "Table":
        return t;
      case "Derived": {
        const query = this.query(t.query);
        return query === t.query ? t : { ...t, query };
      }
      case "Join": {
        const left = this.tableExpr(t.left);
        const right = this.tableExpr(t.right);
        const on = this.optional(t.on);
        return left === t.left && right === t.right && on === t.on ? t : { ...t, left, right, on };
      }
      case "ParenTables": {
        const tables = mapList(t.tables, (x) => this.tableExpr(x));
        return tables === t.tables ? t : { ...t, tables };
      }
    }
  }

  private expr(e: Expr, dedup: boolean): Expr {
    switch (e.kind) {
      case "Literal":
        return this.literal(e, dedup);
      case "In":
        if (e.values.kind === "Tuple") {
          const list = this.tuple(e.values.exprs);
          if (list !== undefined) return { ...e, expr: this.expr(e.expr, dedup), values: list };
        }
        break;
      case "GroupConcat": {
        const args = mapList(e.args, dedup ? this.dedupExpr : this.uniqueExpr);
        return args === e.args ? e : { ...e, args };
      }
    }
    return mapExprChildren(e, dedup ? this.dedupExpr : this.uniqueExpr, this.queryFn);
  }

  private literal(e: Literal, dedup: boolean): Expr {
    const bv = literalToBindVariable(e, this.encoding);
    if (bv === undefined) return e;
    if (!dedup || e.value.length > DEDUP_MAX_LENGTH) {
      const name = this.nextName();
      this.bindVars[name] = bv;
      return { kind: "BindVar", name, list: false };
    }
    const key = `${e.type}:${e.introducer ?? ""}:${e.value}`;
    let name = this.byValue.get(key);
    if (name === undefined) {
      name = this.nextName();
      this.byValue.set(key, name);
      this.bindVars[name] = bv;
    }
    return { kind: "BindVar", name, list: false };
  }

  /** `in (1, 'a')` of literals only: one TUPLE bind variable, shared by identical lists. */
  private tuple(exprs: readonly Expr[]): BindVar | undefined {
    const values: Value[] = [];
    let key = "";
    for (const e of exprs) {
      if (e.kind !== "Literal") return undefined;
      const bv = literalToBindVariable(e, this.encoding);
      if (bv === undefined) return undefined;
      values.push({ type: bv.type, value: bv.value });
      key += `${e.type}:${e.introducer ?? ""}:${e.value.length}:${e.value},`;
    }
    let name = this.byTuple.get(key);
    if (name === undefined) {
      name = this.nextName();
      this.byTuple.set(key, name);
      this.bindVars[name] = { type: Type.TUPLE, value: EMPTY, values };
    }
    return { kind: "BindVar", name, list: true };
  }
}

const EMPTY = Buffer.alloc(0);

/** The column name MySQL gives a select expression without alias (a string literal's value, else its text). */
function columnName(e: Expr): string {
  if (e.kind === "Literal" && e.type === "string" && e.introducer === undefined) return e.value;
  return formatExpr(e);
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;

function intType(text: string): Type {
  const digits = text.charCodeAt(0) === 45 ? text.length - 1 : text.length;
  if (digits < 19) return Type.INT64;
  const v = BigInt(text);
  if (v >= INT64_MIN && v <= INT64_MAX) return Type.INT64;
  if (v >= 0n && v <= UINT64_MAX) return Type.UINT64;
  return Type.DECIMAL;
}

function typed(type: Type, value: string, encoding: BufferEncoding = "latin1"): BindVariable {
  return { type, value: Buffer.from(value, encoding), values: [] };
}

/** The bind value of a literal, or undefined for those left in the text (introducers other than `_binary`). */
export function literalToBindVariable(
  lit: Literal,
  encoding: BufferEncoding = "utf8",
): BindVariable | undefined {
  if (lit.introducer !== undefined && (lit.introducer !== "_binary" || lit.type !== "string"))
    return undefined;
  switch (lit.type) {
    case "int":
      return typed(intType(lit.value), lit.value);
    case "decimal":
      return typed(Type.DECIMAL, lit.value);
    case "float":
      return typed(Type.FLOAT64, lit.value);
    case "string":
      return typed(lit.introducer === undefined ? Type.VARCHAR : Type.VARBINARY, lit.value, encoding);
    case "hexnum":
      return typed(Type.HEXNUM, `0x${lit.value.slice(2).toUpperCase()}`);
    case "hexval":
      return lit.value.length % 2 === 0 ? typed(Type.HEXVAL, `x'${lit.value.toUpperCase()}'`) : undefined;
    case "bitnum":
      return typed(Type.BITNUM, lit.value);
    case "bitval":
      return lit.value === "" ? undefined : typed(Type.BITNUM, `0b${lit.value}`);
    case "date":
      return typed(Type.DATE, lit.value, encoding);
    case "time":
      return typed(Type.TIME, lit.value, encoding);
    case "timestamp":
      return typed(Type.DATETIME, lit.value, encoding);
  }
}
