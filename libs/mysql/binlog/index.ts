export {
  BinlogClient,
  type BinlogClientHandlers,
  type BinlogClientOptions,
  type DumpStart,
  type ResolvedStart,
} from "./client.js";
export {
  BINARY_COLLATION_ID,
  ChecksumAlgorithm,
  type ChecksumAlgorithmCode,
  ColumnType,
  type ColumnTypeCode,
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
