import { packRows, rowsAsStrings } from "../../../libs/mysql/query-result.js";
import { type QueryResult, Type } from "../../../libs/proto/query.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";

/** `select next N values from seq` (N a number after bind variables were substituted). */
const NEXT_VALUES = /^\s*select\s+next\s+(\d+|value)\s+(?:values\s+)?from\s+`?([A-Za-z0-9_$]+)`?\s*;?\s*$/i;

/** The sequence statement in `sql`, if it is one: table name and how many values. */
export function parseNextValues(sql: string): { table: string; count: number } | undefined {
  const m = NEXT_VALUES.exec(sql);
  if (!m) return undefined;
  const count = m[1]?.toLowerCase() === "value" ? 1 : Number(m[1]);
  return { table: m[2] as string, count };
}

/** Runs statements in one MySQL transaction of the tablet (begin ... commit, rolled back on failure). */
export type RunInTransaction = <T>(
  fn: (exec: (sql: string) => Promise<QueryResult>) => Promise<T>,
) => Promise<T>;

interface SequenceState {
  nextVal: bigint;
  /** Values below this are reserved in the table (its next_id). */
  lastVal: bigint;
  /** Serializes reservations of this sequence. */
  queue: Promise<unknown>;
}

function quoteIdent(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

/**
 * Sequence tables served from memory (Vitess's tabletserver sequence plan): a table commented
 * `vitess_sequence` with one row (id 0, next_id, cache). Values are handed out from a block reserved by
 * advancing next_id by a multiple of `cache` in its own committed transaction, so a value is never handed
 * out before the table says it is used: after a restart or a reparent the next block starts above it.
 */
export class SequenceCache {
  private readonly states = new Map<string, SequenceState>();
  private readonly checked = new Map<string, boolean>();

  constructor(private readonly runInTransaction: RunInTransaction) {}

  /** Forgets the reserved blocks (the tablet stopped being the serving primary). */
  reset(): void {
    this.states.clear();
  }

  async next(table: string, count: number, isPrimary: boolean): Promise<QueryResult> {
    if (!isPrimary) {
      throw new VtError(Code.FAILED_PRECONDITION, `sequence ${table}: next values are served by the primary`);
    }
    if (count < 1)
      throw new VtError(Code.INVALID_ARGUMENT, `sequence ${table}: number of values must be positive`);
    let state = this.states.get(table);
    if (!state) {
      state = { nextVal: 0n, lastVal: 0n, queue: Promise.resolve() };
      this.states.set(table, state);
    }
    const current = state;
    const run = current.queue.then(() => this.reserve(table, current, BigInt(count)));
    current.queue = run.catch(() => undefined);
    const first = await run;
    return {
      fields: [
        {
          name: "nextval",
          type: Type.INT64,
          table: "",
          orgTable: "",
          database: "",
          orgName: "nextval",
          columnLength: 20,
          charset: 63,
          decimals: 0,
          flags: 0,
          columnType: "",
        },
      ],
      rowsAffected: 0,
      insertId: "0",
      rows: packRows([[Buffer.from(first.toString())]]),
      info: "",
      sessionStateChanges: "",
      insertIdChanged: false,
    };
  }

  private async reserve(table: string, state: SequenceState, count: bigint): Promise<bigint> {
    if (state.lastVal - state.nextVal >= count) {
      const first = state.nextVal;
      state.nextVal += count;
      return first;
    }
    const name = quoteIdent(table);
    return this.runInTransaction(async (exec) => {
      await this.checkSequence(table, exec);
      const rows = rowsAsStrings(await exec(`select next_id, cache from ${name} where id = 0 for update`));
      const row = rows[0];
      if (!row || row[0] === null || row[1] === null) {
        throw new VtError(Code.FAILED_PRECONDITION, `sequence ${table} has no row with id 0`);
      }
      const nextId = BigInt(row[0]);
      const cache = BigInt(row[1]);
      if (cache < 1n)
        throw new VtError(Code.FAILED_PRECONDITION, `sequence ${table}: cache must be positive`);
      // Another writer (or an earlier primary) moved next_id past our block: start from the table.
      if (nextId > state.lastVal || state.lastVal === 0n) {
        state.nextVal = nextId;
        state.lastVal = nextId;
      }
      const missing = count - (state.lastVal - state.nextVal);
      const blocks = (missing + cache - 1n) / cache;
      const newLast = state.lastVal + blocks * cache;
      await exec(`update ${name} set next_id = ${newLast} where id = 0`);
      state.lastVal = newLast;
      const first = state.nextVal;
      state.nextVal += count;
      return first;
    }).catch((err: unknown) => {
      // The block may or may not be committed: start over from the table next time.
      this.states.delete(table);
      throw err;
    });
  }

  /** Refuses tables not commented `vitess_sequence` (checked once per table). */
  private async checkSequence(table: string, exec: (sql: string) => Promise<QueryResult>): Promise<void> {
    if (this.checked.get(table)) return;
    const rows = rowsAsStrings(
      await exec(
        `select table_comment from information_schema.tables where table_schema = database() and table_name = '${table.replaceAll("'", "''")}'`,
      ),
    );
    if (rows.length === 0) {
      throw new VtError(Code.NOT_FOUND, `sequence table ${table} does not exist`, {
        mysql: { errno: 1146, sqlstate: "42S02" },
      });
    }
    if (rows[0]?.[0] !== "vitess_sequence") {
      throw new VtError(
        Code.INVALID_ARGUMENT,
        `table ${table} is not a sequence (its comment must be 'vitess_sequence')`,
      );
    }
    this.checked.set(table, true);
  }
}
