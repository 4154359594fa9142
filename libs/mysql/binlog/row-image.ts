/**
 * A row as the decoder produces it: the same shape as Vitess's `query.Row`, so a VStreamer can put it on the
 * wire as it is. `values` holds the columns' values one after another, each in MySQL's text encoding, the
 * bytes a `SELECT` of that column returns over the text protocol (see values.ts for each type);
 * `lengths[i]` is the byte length of column i, or -1 when it is NULL or not in the image.
 */
export interface RowImage {
  readonly lengths: number[];
  readonly values: Buffer;
}

/** The column values as separate buffers (views into `row.values`, not copies); null for NULL. */
export function rowValues(row: RowImage): (Buffer | null)[] {
  const out: (Buffer | null)[] = new Array(row.lengths.length);
  let offset = 0;
  for (let i = 0; i < row.lengths.length; i++) {
    const length = row.lengths[i]!;
    if (length < 0) {
      out[i] = null;
    } else {
      out[i] = row.values.subarray(offset, offset + length);
      offset += length;
    }
  }
  return out;
}

/** The value of column `index` (a view into `row.values`), null for NULL. */
export function rowValue(row: RowImage, index: number): Buffer | null {
  let offset = 0;
  for (let i = 0; i < index; i++) {
    const length = row.lengths[i]!;
    if (length > 0) offset += length;
  }
  const length = row.lengths[index];
  if (length === undefined) throw new RangeError(`column ${index} is out of range (${row.lengths.length})`);
  return length < 0 ? null : row.values.subarray(offset, offset + length);
}

/** The column values decoded as UTF-8 text (for logs and tests; binary columns do not round-trip). */
export function rowStrings(row: RowImage): (string | null)[] {
  return rowValues(row).map((value) => (value === null ? null : value.toString("utf8")));
}

/** True when bit `index` of a columns-present bitmap is set; an undefined bitmap means every column. */
export function isColumnPresent(bitmap: Uint8Array | undefined, index: number): boolean {
  return bitmap === undefined || (bitmap[index >> 3]! & (1 << (index & 7))) !== 0;
}
