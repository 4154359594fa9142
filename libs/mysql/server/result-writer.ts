/**
 * The ResultWriter a handler gets for one command: encodes results as text (COM_QUERY) or binary
 * (COM_STMT_EXECUTE) result sets and OK packets. The packet that ends a result (OK, or EOF/0xfe-OK after
 * rows) is held back until the next result or the end of the command is known, so it can carry
 * SERVER_MORE_RESULTS_EXISTS exactly when another result (or an ERR) follows.
 */
import type { Field, QueryResult, Row } from "../../proto/query.js";
import { internal } from "../../vterrors/index.js";
import { binaryEncodings, writeBinaryRow } from "./binary-protocol.js";
import { ServerStatus } from "./constants.js";
import type { ResultWriter } from "./handler.js";
import type { PacketWriter } from "./packet-writer.js";
import { writeColumnDefinition, writeEndOfResult, writeErr, writeOk } from "./protocol-packets.js";

/** What a result writer needs from its connection. */
export interface ResponseTarget {
  readonly writer: PacketWriter;
  readonly deprecateEof: boolean;
  /** IN_TRANS / AUTOCOMMIT as they are now. */
  statusFlags(): number;
  warningCount(): number;
  /** Flushes; resolves once the socket can take more (immediately unless it asked to wait). */
  flushAndDrain(): Promise<void>;
}

interface PendingEnd {
  ok: boolean;
  affectedRows: number;
  insertId: string;
  info: string;
  /** Stamped when the statement (or the next result) is done. */
  status: number | undefined;
  warnings: number;
}

/** Flush to the socket once this much is buffered while writing rows. */
const FLUSH_THRESHOLD = 256 * 1024;
const RESOLVED: Promise<void> = Promise.resolve();

function writeTextRow(w: PacketWriter, row: Row): void {
  const { lengths, values } = row;
  w.begin(values.length + lengths.length * 9);
  let off = 0;
  for (let i = 0; i < lengths.length; i++) {
    const length = lengths[i];
    if (length < 0) {
      w.u8(0xfb);
    } else {
      w.lenencBytes(values, off, off + length);
      off += length;
    }
  }
  w.end();
}

export class CommandResultWriter implements ResultWriter {
  private pending: PendingEnd | undefined;
  private streaming = false;
  private encodings: Uint8Array | undefined;
  private wroteResult = false;
  private done = false;

  constructor(
    private readonly target: ResponseTarget,
    private readonly binary: boolean,
  ) {}

  write(result: QueryResult): Promise<void> {
    this.check(false);
    if (result.fields.length === 0) {
      this.flushPending(true);
      this.wroteResult = true;
      this.pending = {
        ok: true,
        affectedRows: result.rowsAffected,
        insertId: result.insertId,
        info: result.info,
        status: undefined,
        warnings: 0,
      };
      return RESOLVED;
    }
    this.beginResultSet(result.fields);
    const wait = this.rows(result.rows, 0);
    if (wait === RESOLVED) {
      this.endResultSet();
      return RESOLVED;
    }
    return wait.then(() => this.endResultSet());
  }

  beginResultSet(fields: readonly Field[]): void {
    this.check(false);
    if (fields.length === 0) throw internal("a result set needs at least one field");
    this.flushPending(true);
    this.wroteResult = true;
    this.streaming = true;
    const { writer: w, deprecateEof } = this.target;
    w.begin(9);
    w.lenencInt(fields.length);
    w.end();
    for (const field of fields) writeColumnDefinition(w, field);
    if (!deprecateEof) writeEndOfResult(w, false, 0, this.target.statusFlags());
    this.encodings = this.binary ? binaryEncodings(fields) : undefined;
  }

  writeRows(rows: readonly Row[]): Promise<void> {
    this.check(true);
    return this.rows(rows, 0);
  }

  endResultSet(): void {
    this.check(true);
    this.streaming = false;
    this.encodings = undefined;
    this.pending = { ok: false, affectedRows: 0, insertId: "0", info: "", status: undefined, warnings: 0 };
  }

  /** Writes rows from `from`; flushes every FLUSH_THRESHOLD bytes and waits when the socket is full. */
  private rows(rows: readonly Row[], from: number): Promise<void> {
    const w = this.target.writer;
    const encodings = this.encodings;
    for (let i = from; i < rows.length; i++) {
      if (encodings) writeBinaryRow(w, encodings, rows[i]);
      else writeTextRow(w, rows[i]);
      if (w.pending >= FLUSH_THRESHOLD) {
        const next = i + 1;
        return this.target.flushAndDrain().then(() => this.rows(rows, next));
      }
    }
    return RESOLVED;
  }

  private check(streaming: boolean): void {
    if (this.done) throw internal("result written after the command finished");
    if (this.streaming !== streaming) {
      throw internal(streaming ? "no result set was begun" : "the streamed result set was not ended");
    }
  }

  // Driven by the connection.

  /** A statement of the command starts. */
  startStatement(): void {
    this.wroteResult = false;
  }

  /** The statement's handler returned: close what it left open, answer OK if it sent nothing. */
  finishStatement(): void {
    if (this.streaming) this.endResultSet();
    if (!this.wroteResult) {
      this.flushPending(true);
      this.pending = { ok: true, affectedRows: 0, insertId: "0", info: "", status: undefined, warnings: 0 };
    }
    this.stamp();
  }

  /** The statement failed: ERR after whatever was sent (it replaces the rest of an open result set). */
  fail(errno: number, sqlstate: string, message: string): void {
    if (this.streaming) {
      this.streaming = false;
      this.encodings = undefined;
    } else {
      this.flushPending(true);
    }
    writeErr(this.target.writer, errno, sqlstate, message);
    this.done = true;
  }

  /** The command is over: the last result's end goes out without MORE_RESULTS_EXISTS. */
  finish(): void {
    this.flushPending(false);
    this.done = true;
  }

  private stamp(): void {
    const p = this.pending;
    if (p && p.status === undefined) {
      p.status = this.target.statusFlags();
      p.warnings = this.target.warningCount();
    }
  }

  private flushPending(more: boolean): void {
    this.stamp();
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const status = (p.status ?? 0) | (more ? ServerStatus.MORE_RESULTS_EXISTS : 0);
    const w = this.target.writer;
    if (p.ok) {
      writeOk(w, {
        affectedRows: p.affectedRows,
        lastInsertId: p.insertId,
        status,
        warnings: p.warnings,
        info: p.info,
      });
    } else {
      writeEndOfResult(w, this.target.deprecateEof, p.warnings, status);
    }
  }
}
