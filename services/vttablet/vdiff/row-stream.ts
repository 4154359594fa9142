import { type RawRow, unpackRow } from "../../../libs/mysql/query-result.js";
import type { VStreamRowsResponse } from "../../../libs/proto/binlogdata.js";
import type { Field } from "../../../libs/proto/query.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";

/** A VStreamRows stream once its snapshot is open: its fields, key fields, position, and the rows to come. */
export interface RowStream {
  readonly fields: readonly Field[];
  readonly pkFields: readonly Field[];
  /** The snapshot's GTID position. */
  readonly gtid: string;
  /** The rows in key order, a response at a time; read once. */
  readonly batches: AsyncIterable<RawRow[]>;
  /** Ends the stream (its snapshot transaction with it). */
  close(): void;
}

/**
 * Waits for the first response of a VStreamRows (sent once the snapshot is open) and keeps the rest for later:
 * the snapshot stays open while the caller does other things (synchronising the streams), and rows are read
 * only as the comparison needs them.
 */
export async function openRowStream(
  responses: AsyncIterable<VStreamRowsResponse>,
  abort: AbortController,
  what: string,
  onClose?: () => void,
): Promise<RowStream> {
  const iterator = responses[Symbol.asyncIterator]();
  const close = () => {
    abort.abort(new Error(`${what}: row stream closed`));
    onClose?.();
  };
  let first: VStreamRowsResponse | undefined;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done)
        throw new VtError(Code.UNAVAILABLE, `${what}: VStreamRows ended before sending its fields`);
      if (next.value.fields.length > 0) {
        first = next.value;
        break;
      }
    }
  } catch (err) {
    close();
    throw err;
  }
  const head = first;
  async function* batches(): AsyncGenerator<RawRow[]> {
    if (head.rows.length > 0) yield head.rows.map(unpackRow);
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      if (next.value.rows.length > 0) yield next.value.rows.map(unpackRow);
    }
  }
  return { fields: head.fields, pkFields: head.pkfields, gtid: head.gtid, batches: batches(), close };
}
