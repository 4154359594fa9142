/**
 * Binlog replication client and event decoder.
 *
 * - `openBinlogStream(options)` / `new BinlogStream(options)`: connect as a replica (vt_repl is enough)
 *   from `{ kind: "gtid", position }` (MariaDB @slave_connect_state, MySQL COM_BINLOG_DUMP_GTID; the
 *   zero position means everything the server has), `{ kind: "file", file, position }` or
 *   `{ kind: "current" }`; `for await (const event of stream)`, `stream.position` (GTIDs of every
 *   complete transaction delivered), `stream.filePosition`, `stream.close()`. Heartbeats, CRC32 checks,
 *   backpressure, reconnect-and-resume without duplicates: see stream.ts.
 * - `BinlogDecoder`: decodes one whole event at a time (the stream and the file reader use it);
 *   `readBinlogFile(s)` decode binlog files from disk.
 * - Events are a tagged union on `kind` (events.ts). Rows events carry their TableMap (column names,
 *   types, signedness, collations, ENUM/SET members, primary key from binlog_row_metadata=FULL) and
 *   `rows: { before?, after? }[]`, each image a `RowImage` = `{ lengths, values }` — the shape of
 *   `query.Row`: every value in MySQL's text encoding, exactly the bytes a SELECT returns (with
 *   time_zone '+00:00' for TIMESTAMPs and without charset conversion for text), NULL as length -1.
 *   values.ts documents each type's form; `rowValues(row)` splits an image into buffers.
 */

export { BINARY_COLLATION_ID, MysqlColumnType, type MysqlColumnTypeCode } from "../column-type.js";
export {
  BinlogClient,
  type BinlogClientHandlers,
  type BinlogClientOptions,
  type DumpStart,
  type ResolvedStart,
} from "./client.js";
export {
  ChecksumAlgorithm,
  type ChecksumAlgorithmCode,
  EventFlag,
  EventType,
  eventTypeName,
  MariadbGtidFlag,
  RowsFlag,
} from "./constants.js";
export { BinlogDecoder, type BinlogDecoderOptions, readEventHeader } from "./decoder.js";
export type {
  AnnotateRowsEvent,
  AnonymousGtidEvent,
  BinlogCheckpointEvent,
  BinlogEvent,
  BinlogEventKind,
  EventHeader,
  FormatDescriptionEvent,
  GtidEvent,
  GtidListEvent,
  HeartbeatEvent,
  OtherEvent,
  PreviousGtidsEvent,
  QueryEvent,
  RotateEvent,
  RowChange,
  RowsAction,
  RowsEvent,
  StopEvent,
  TableMapEvent,
  XaPrepareEvent,
  XaXid,
  XidEvent,
} from "./events.js";
export {
  type BinlogFileOptions,
  readBinlogFile,
  readBinlogFileEvents,
  readBinlogFiles,
} from "./file-reader.js";
export { isColumnPresent, type RowImage, rowStrings, rowValue, rowValues } from "./row-image.js";
export {
  type BinlogStart,
  BinlogStream,
  type BinlogStreamOptions,
  ER_MASTER_FATAL_ERROR_READING_BINLOG,
  type FilePosition,
  openBinlogStream,
  type ReconnectOptions,
} from "./stream.js";
export type { ColumnMeta, PrimaryKeyPart, TableMap } from "./table-map.js";
export { type Boundary, TransactionTracker } from "./transaction-tracker.js";
