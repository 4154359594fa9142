import type { RawRow } from "../../../libs/mysql/query-result.js";
import type { KeyComparator } from "./key-order.js";

/** Rows read batch by batch, looked at one at a time: the merge reads a row only once it needs it. */
export interface RowCursor {
  /** The current row, reading the next batch when needed; undefined at the end. */
  current(): Promise<RawRow | undefined>;
  advance(): void;
}

/** A cursor over batches of rows. */
export function batchCursor(batches: AsyncIterable<readonly RawRow[]>): RowCursor {
  const iterator = batches[Symbol.asyncIterator]();
  let rows: readonly RawRow[] = [];
  let index = 0;
  let done = false;
  return {
    async current() {
      while (index >= rows.length && !done) {
        const next = await iterator.next();
        if (next.done) done = true;
        else {
          rows = next.value;
          index = 0;
        }
      }
      return rows[index];
    },
    advance() {
      index++;
    },
  };
}

/**
 * The rows of several cursors, each in key order, as one cursor in key order: the target shard's rows come from
 * every source shard that has some of them (Vitess merges the source shards' streams the same way).
 */
export function mergedCursor(cursors: readonly RowCursor[], compare: KeyComparator): RowCursor {
  if (cursors.length === 1) return cursors[0] as RowCursor;
  let chosen: RowCursor | undefined;
  return {
    async current() {
      chosen = undefined;
      let best: RawRow | undefined;
      for (const cursor of cursors) {
        const row = await cursor.current();
        if (row !== undefined && (best === undefined || compare(row, best) < 0)) {
          best = row;
          chosen = cursor;
        }
      }
      return best;
    },
    advance() {
      chosen?.advance();
      chosen = undefined;
    },
  };
}
