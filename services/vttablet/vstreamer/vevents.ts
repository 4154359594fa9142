import type { BinlogEvent, QueryEvent, RowsEvent, TableMap } from "../../../libs/mysql/binlog/index.js";
import { isColumnPresent } from "../../../libs/mysql/binlog/index.js";
import { encodePosition, MARIADB_FLAVOR, type Position } from "../../../libs/mysql/replication/index.js";
import {
  type FieldEvent,
  type RowChange,
  type RowEvent,
  type VEvent,
  VEventType,
} from "../../../libs/proto/binlogdata.js";
import type { Row } from "../../../libs/proto/query.js";
import { isDatabaseDDL, parse, type Statement, tablesOf } from "../../../libs/sqlparser/index.js";
import { type CompiledRule, ruleFor } from "./filter-rules.js";
import { buildTablePlan, type TablePlan, type TableSchema } from "./plan-builder.js";
import { filterRow } from "./row-filter.js";
import type { SchemaSource } from "./schema-source.js";
import { schemaMatchesTableMap, tableMapSchema } from "./table-fields.js";
import type { VindexResolver } from "./vindex-resolver.js";

export interface VEventBuilderOptions {
  keyspace: string;
  shard: string;
  /** The tablet's database: tables and statements of other databases are left out. */
  dbName: string;
  rules: readonly CompiledRule[];
  vindexes: VindexResolver;
  schema: SchemaSource;
  /** The position after the last complete transaction delivered (the event source's). */
  position: () => Position;
}

/** What kind of statement a QUERY event holds (Vitess's sqlparser.Preview, as far as a binlog needs). */
export type StatementCategory =
  | "begin"
  | "commit"
  | "rollback"
  | "ddl"
  | "insert"
  | "update"
  | "delete"
  | "replace"
  | "savepoint"
  | "other";

const LEADING = /^(?:\s+|\/\*[\s\S]*?\*\/|#[^\n]*\n|--\s[^\n]*\n|\()*/;

export function statementCategory(sql: string): StatementCategory {
  const rest = sql.replace(LEADING, "");
  const word = /^[A-Za-z]+/.exec(rest)?.[0]?.toLowerCase() ?? "";
  switch (word) {
    case "begin":
      return "begin";
    case "start":
      return /^start\s+transaction\b/i.test(rest) ? "begin" : "other";
    case "commit":
      return "commit";
    case "rollback":
      return /^rollback\s+(work\s+)?to\b/i.test(rest) ? "savepoint" : "rollback";
    case "savepoint":
    case "release":
      return "savepoint";
    case "create":
    case "alter":
    case "drop":
    case "rename":
    case "truncate":
      return "ddl";
    case "insert":
      return "insert";
    case "update":
      return "update";
    case "delete":
      return "delete";
    case "replace":
      return "replace";
    default:
      return "other";
  }
}

/** Tables of online DDL tools (Vitess's IsInternalOperationTableName): never streamed. */
const INTERNAL_TABLE = /^_vt_|^_.+_(?:gho|ghc|del|new|old|vrepl)$/;

const DML_TYPES: Partial<Record<StatementCategory, VEventType>> = {
  insert: VEventType.INSERT,
  update: VEventType.UPDATE,
  delete: VEventType.DELETE,
  replace: VEventType.REPLACE,
};

/**
 * Turns one stream's binlog events into VEvents (Vitess's vstreamer.parseEvent): a transaction becomes
 * BEGIN, FIELD (a table's first change, and again after DDL), ROW..., then GTID (the position after it) and
 * COMMIT; a DDL becomes GTID and DDL (OTHER when the filter does not name its table); other statements GTID
 * and OTHER. ROW events hold only the filter's rows and columns. Keyspace, shard, the binlog timestamp and
 * the current time are set on every event.
 */
export class VEventBuilder {
  /** Per table id: the plan, or null for a table the stream leaves out. */
  private readonly plans = new Map<number, TablePlan | null>();

  constructor(private readonly options: VEventBuilderOptions) {}

  /**
   * Appends the VEvents of one binlog event to `out`. Returns a promise only when it has to read the schema
   * (a table's first TABLE_MAP); the caller awaits it before the next event. Throws (or rejects with)
   * VtErrors: a filter that does not fit the table, a vindex that cannot map a value.
   */
  add(event: BinlogEvent, out: VEvent[]): Promise<void> | undefined {
    const now = `${Date.now()}000000`;
    const first = out.length;
    let wait: Promise<void> | undefined;
    switch (event.kind) {
      case "gtid":
        // MariaDB's GTID event opens the transaction; MySQL's is followed by a BEGIN query.
        if (event.gtid.flavor === MARIADB_FLAVOR && !event.standalone) out.push(this.event(VEventType.BEGIN));
        break;
      case "xid":
      case "xaPrepare":
        this.commit(out);
        break;
      case "query":
        this.query(event, out);
        break;
      case "tableMap":
        wait = this.tableMap(event.table, out);
        break;
      case "rows":
        this.rows(event, out);
        break;
      default:
        break;
    }
    const stamp = () => {
      for (let i = first; i < out.length; i++) {
        const vevent = out[i]!;
        vevent.timestamp = event.header.timestamp;
        vevent.currentTime = now;
      }
    };
    if (wait === undefined) {
      stamp();
      return undefined;
    }
    return wait.then(stamp);
  }

  /** A HEARTBEAT event for now. */
  heartbeat(): VEvent {
    const now = Date.now();
    const vevent = this.event(VEventType.HEARTBEAT);
    vevent.timestamp = Math.floor(now / 1000);
    vevent.currentTime = `${now}000000`;
    return vevent;
  }

  private event(type: VEventType): VEvent {
    return {
      type,
      timestamp: 0,
      gtid: "",
      statement: "",
      rowEvent: undefined,
      fieldEvent: undefined,
      vgtid: undefined,
      journal: undefined,
      dml: "",
      currentTime: "0",
      lastPKEvent: undefined,
      keyspace: this.options.keyspace,
      shard: this.options.shard,
      throttled: false,
      throttledReason: "",
    };
  }

  private gtid(): VEvent {
    const vevent = this.event(VEventType.GTID);
    vevent.gtid = encodePosition(this.options.position());
    return vevent;
  }

  private commit(out: VEvent[]): void {
    out.push(this.gtid(), this.event(VEventType.COMMIT));
  }

  private ofOtherDatabase(database: string): boolean {
    return database !== "" && database !== this.options.dbName;
  }

  private query(event: QueryEvent, out: VEvent[]): void {
    const category = statementCategory(event.sql);
    switch (category) {
      case "begin":
        out.push(this.event(VEventType.BEGIN));
        return;
      case "commit":
      case "rollback":
        this.commit(out);
        return;
      case "savepoint":
        return;
      case "ddl": {
        out.push(this.gtid());
        if (this.mustSendDdl(event)) {
          const ddl = this.event(VEventType.DDL);
          ddl.statement = event.sql;
          out.push(ddl);
          // Tables may have new columns: every table's next change is preceded by a FIELD event again.
          this.plans.clear();
        } else {
          out.push(this.event(VEventType.OTHER));
        }
        if (!this.ofOtherDatabase(event.database)) this.options.schema.changed();
        return;
      }
      case "insert":
      case "update":
      case "delete":
      case "replace": {
        if (this.ofOtherDatabase(event.database)) return;
        const dml = this.event(DML_TYPES[category]!);
        dml.dml = event.sql;
        out.push(dml);
        return;
      }
      case "other":
        out.push(this.gtid(), this.event(VEventType.OTHER));
        return;
    }
  }

  /** Vitess's mustSendDDL: a statement of this database on a table the filter streams (or unparsable). */
  private mustSendDdl(event: QueryEvent): boolean {
    if (this.ofOtherDatabase(event.database)) return false;
    let statement: Statement;
    try {
      statement = parse(event.sql);
    } catch {
      return true;
    }
    if (isDatabaseDDL(statement)) return false;
    for (const table of tablesOf(statement)) {
      if (table.qualifier !== undefined && table.qualifier !== this.options.dbName) continue;
      if (ruleFor(this.options.rules, table.name) !== undefined) return true;
    }
    return false;
  }

  private tableMap(table: TableMap, out: VEvent[]): Promise<void> | undefined {
    const id = table.tableId;
    const existing = this.plans.get(id);
    if (existing !== undefined) {
      if (existing === null || existing.table.name === table.table) return undefined;
      this.plans.delete(id);
    }
    if (this.ofOtherDatabase(table.database) || INTERNAL_TABLE.test(table.table)) {
      this.plans.set(id, null);
      return undefined;
    }
    const rule = ruleFor(this.options.rules, table.table);
    if (rule === undefined) {
      this.plans.set(id, null);
      return undefined;
    }
    const cached = this.options.schema.cached(table.table);
    if (cached !== undefined && schemaMatchesTableMap(table, cached)) {
      this.addPlan(table, rule, cached, out);
      return undefined;
    }
    return this.options.schema.fresh(table.table).then((fresh) => {
      const schema =
        fresh !== undefined && schemaMatchesTableMap(table, fresh) ? fresh : tableMapSchema(table);
      this.addPlan(table, rule, schema, out);
    });
  }

  private addPlan(table: TableMap, rule: CompiledRule, schema: TableSchema, out: VEvent[]): void {
    const plan = buildTablePlan(rule, schema, this.options.vindexes);
    this.plans.set(table.tableId, plan);
    const fieldEvent: FieldEvent = {
      tableName: table.table,
      fields: [...plan.fields],
      keyspace: this.options.keyspace,
      shard: this.options.shard,
      enumSetStringValues: plan.hasEnumOrSet,
      isInternalTable: false,
    };
    const vevent = this.event(VEventType.FIELD);
    vevent.fieldEvent = fieldEvent;
    out.push(vevent);
  }

  private rows(event: RowsEvent, out: VEvent[]): void {
    const plan = this.plans.get(event.table.tableId);
    if (plan === undefined || plan === null) return;
    const rowChanges: RowChange[] = [];
    const dataColumns = event.columnsPresentAfter === undefined ? undefined : presentColumns(plan, event);
    for (const change of event.rows) {
      const before: Row | undefined =
        change.before === undefined ? undefined : filterRow(plan, change.before);
      const after: Row | undefined = change.after === undefined ? undefined : filterRow(plan, change.after);
      if (before === undefined && after === undefined) continue;
      rowChanges.push({
        before,
        after,
        dataColumns: after === undefined ? undefined : dataColumns,
        jsonPartialValues: undefined,
      });
    }
    if (rowChanges.length === 0) return;
    const rowEvent: RowEvent = {
      tableName: plan.table.name,
      rowChanges,
      keyspace: this.options.keyspace,
      shard: this.options.shard,
      flags: event.flags,
      isInternalTable: false,
    };
    const vevent = this.event(VEventType.ROW);
    vevent.rowEvent = rowEvent;
    out.push(vevent);
  }
}

/** Which of the plan's columns an update's after image holds (binlog_row_image NOBLOB/MINIMAL). */
function presentColumns(plan: TablePlan, event: RowsEvent): RowChange["dataColumns"] {
  const bitmap = event.action === "update" ? event.columnsPresentAfter : event.columnsPresent;
  const cols = Buffer.alloc((plan.columns.length + 7) >> 3);
  plan.columns.forEach((column, i) => {
    if (column.kind !== "column" || isColumnPresent(bitmap, column.column)) cols[i >> 3]! |= 1 << (i & 7);
  });
  return { count: plan.columns.length, cols };
}
