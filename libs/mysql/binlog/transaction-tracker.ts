import { type Gtid, MARIADB_FLAVOR } from "../replication/index.js";
import type { BinlogEvent } from "./events.js";

/** What an event means for transaction boundaries. */
export type Boundary = "begin" | "inside" | "commit" | "outside";

const BEGIN = /^\s*(BEGIN|XA\s+START)\b/i;
const END = /^\s*(COMMIT|ROLLBACK|XA\s+COMMIT|XA\s+ROLLBACK)\b/i;

/**
 * Follows event groups: a GTID (or ANONYMOUS_GTID, or a BEGIN without one) opens a transaction; XID,
 * XA_PREPARE, a COMMIT/ROLLBACK query, or the single statement of a standalone group (a MariaDB GTID flagged
 * standalone; after a MySQL GTID, a first query that is not BEGIN: DDL) closes it. Everything else outside
 * a group (ROTATE, FORMAT_DESCRIPTION, GTID_LIST, HEARTBEAT...) is "outside".
 */
export class TransactionTracker {
  private open = false;
  /** Just after a GTID event: the next QUERY decides whether the group is one statement. */
  private afterGtid = false;
  private gtid: Gtid | undefined;

  /** The GTID of the open transaction (undefined outside one, or for anonymous ones). */
  get currentGtid(): Gtid | undefined {
    return this.open ? this.gtid : undefined;
  }

  /** The GTID of the last group opened, still set after it commits (undefined for anonymous groups). */
  get groupGtid(): Gtid | undefined {
    return this.gtid;
  }

  get inTransaction(): boolean {
    return this.open;
  }

  observe(event: BinlogEvent): Boundary {
    switch (event.kind) {
      case "gtid":
        this.open = true;
        // MariaDB flags a group without BEGIN/COMMIT (a DDL) as standalone; any other group ends with XID or
        // COMMIT even when its first statement is a query (SAVEPOINT). MySQL's GTID carries no such flag.
        this.afterGtid = event.gtid.flavor !== MARIADB_FLAVOR || event.standalone;
        this.gtid = event.gtid;
        return "begin";
      case "anonymousGtid":
        this.open = true;
        this.afterGtid = true;
        this.gtid = undefined;
        return "begin";
      case "query": {
        const first = this.afterGtid;
        this.afterGtid = false;
        if (BEGIN.test(event.sql)) {
          if (this.open) return "inside";
          this.open = true;
          this.gtid = undefined;
          return "begin";
        }
        if (!this.open) return "outside";
        if (first || END.test(event.sql)) return this.close();
        return "inside";
      }
      case "xid":
      case "xaPrepare":
        this.afterGtid = false;
        return this.open ? this.close() : "outside";
      case "tableMap":
      case "rows":
      case "annotateRows":
      case "other":
        this.afterGtid = false;
        return this.open ? "inside" : "outside";
      default:
        return this.open ? "inside" : "outside";
    }
  }

  /** Forgets an open transaction (after a reconnect that will send it again from its start). */
  reset(): void {
    this.open = false;
    this.afterGtid = false;
    this.gtid = undefined;
  }

  private close(): Boundary {
    this.open = false;
    return "commit";
  }
}
