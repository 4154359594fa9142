import { setTimeout as sleep } from "node:timers/promises";
import type { RowDataPacket } from "mysql2/promise";
import { quoteString } from "../../../libs/mysql/sql-literal.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { MysqlDaemon } from "../mysql-daemon.js";

/** Vitess's `_vt.reparent_journal`: one row per reparent, written on the new primary and replicated. */
export const CREATE_REPARENT_JOURNAL = `CREATE TABLE IF NOT EXISTS _vt.reparent_journal (
  time_created_ns BIGINT UNSIGNED NOT NULL,
  action_name VARBINARY(250) NOT NULL,
  primary_alias VARBINARY(32) NOT NULL,
  replication_position VARBINARY(64000) DEFAULT NULL,
  PRIMARY KEY (time_created_ns)
) ENGINE=InnoDB`;

/** The sidecar database and its tables, created locally (not binlogged) on every tablet at start. */
export const SIDECAR_STATEMENTS = ["CREATE DATABASE IF NOT EXISTS _vt", CREATE_REPARENT_JOURNAL];

/** time_created_ns as it arrives over gRPC (a decimal string); "" and "0" mean none. */
export function journalTime(text: string): bigint | undefined {
  if (text === "" || text === "0") return undefined;
  if (!/^\d+$/.test(text)) throw new VtError(Code.INVALID_ARGUMENT, `invalid time_created_ns "${text}"`);
  return BigInt(text);
}

export interface JournalEntry {
  timeCreatedNs: bigint;
  actionName: string;
  primaryAlias: string;
  replicationPosition: string;
}

export function insertJournalEntry(entry: JournalEntry): string {
  return (
    "INSERT INTO _vt.reparent_journal (time_created_ns, action_name, primary_alias, replication_position) " +
    `VALUES (${entry.timeCreatedNs}, ${quoteString(entry.actionName)}, ${quoteString(entry.primaryAlias)}, ` +
    `${quoteString(entry.replicationPosition)})`
  );
}

/** Writes the entry (binlogged, so replicas receive it). */
export async function populateReparentJournal(mysqld: MysqlDaemon, entry: JournalEntry): Promise<void> {
  await mysqld.executeSuperQueryList([CREATE_REPARENT_JOURNAL], { noBinlog: true });
  await mysqld.executeSuperQueryList([insertJournalEntry(entry)]);
}

export async function reparentJournalLength(mysqld: MysqlDaemon): Promise<number> {
  return mysqld.withDba(async (conn) => {
    const [rows] = await conn.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM _vt.reparent_journal");
    return Number(rows[0]?.n ?? 0);
  });
}

/** Polls until the entry of `timeCreatedNs` has replicated here, the signal aborts or the deadline passes. */
export async function waitForReparentJournal(
  mysqld: MysqlDaemon,
  timeCreatedNs: bigint,
  { signal, deadline }: { signal?: AbortSignal; deadline?: number },
): Promise<void> {
  for (;;) {
    const found = await mysqld
      .withDba(async (conn) => {
        const [rows] = await conn.query<RowDataPacket[]>(
          `SELECT 1 FROM _vt.reparent_journal WHERE time_created_ns = ${timeCreatedNs}`,
        );
        return rows.length > 0;
      })
      .catch((err: unknown) => {
        // The table arrives with the first replicated entry on a tablet that never created it.
        if (err instanceof VtError && err.mysql?.errno === 1146) return false;
        throw err;
      });
    if (found) return;
    if (signal?.aborted) throw new VtError(Code.CANCELED, "waiting for the reparent journal was cancelled");
    if (deadline !== undefined && Date.now() >= deadline) {
      throw new VtError(
        Code.DEADLINE_EXCEEDED,
        `timed out waiting for reparent journal entry ${timeCreatedNs}`,
      );
    }
    await sleep(100);
  }
}
