import { type TableLastPK, type VEvent, VEventType } from "../../../libs/proto/binlogdata.js";
import { copyTablePK } from "./vgtid.js";

/** A shard's events that go to the client together, and where the shard stands after them. */
export interface ShardUnit {
  readonly events: VEvent[];
  /** Indexes in `events` where the VGTID (the whole stream's position) goes once the unit is delivered. */
  readonly vgtidSlots: readonly number[];
  readonly gtid: string;
  readonly tablePKs: TableLastPK[];
}

/** Events after which a shard's position may move: the end of a transaction or a statement of its own. */
const BOUNDARIES = new Set<VEventType>([
  VEventType.COMMIT,
  VEventType.DDL,
  VEventType.OTHER,
  VEventType.JOURNAL,
  VEventType.COPY_COMPLETED,
  VEventType.ROLLBACK,
]);

/**
 * Groups one shard's tablet events into units delivered whole (Vitess's vstream_manager sendEvents): a GTID
 * becomes a slot for the VGTID, a LASTPK moves the shard's copy progress, FIELD and ROW events get the
 * keyspace and shard, the tablet's HEARTBEATs are dropped. A unit ends at COMMIT, DDL, OTHER, JOURNAL or
 * COPY_COMPLETED; what follows the last boundary waits for the next response (and is dropped when the
 * tablet stream fails, to be sent again by the next tablet).
 */
export class ShardEventAssembler {
  private pending: VEvent[] = [];
  private slots: number[] = [];
  private gtid: string;
  private tablePKs: TableLastPK[];
  private moved = false;

  constructor(
    private readonly keyspace: string,
    private readonly shard: string,
    gtid: string,
    tablePKs: readonly TableLastPK[],
  ) {
    this.gtid = gtid;
    this.tablePKs = tablePKs.map(copyTablePK);
  }

  /** Adds a response's events; returns the units they complete. */
  add(events: readonly VEvent[]): ShardUnit[] {
    const units: ShardUnit[] = [];
    for (const event of events) {
      switch (event.type) {
        case VEventType.HEARTBEAT:
          continue;
        case VEventType.GTID:
          this.gtid = event.gtid;
          this.moved = true;
          this.slots.push(this.pending.length);
          this.pending.push(event);
          continue;
        case VEventType.LASTPK:
          this.lastPK(event);
          this.pending.push(this.stamp(event));
          continue;
        default:
          this.pending.push(this.stamp(event));
      }
      if (BOUNDARIES.has(event.type)) units.push(this.cut(event.type));
    }
    return units;
  }

  /** Forgets the events of an unfinished unit (the stream failed); the position is the last unit's. */
  reset(gtid: string, tablePKs: readonly TableLastPK[]): void {
    this.pending = [];
    this.slots = [];
    this.moved = false;
    this.gtid = gtid;
    this.tablePKs = tablePKs.map(copyTablePK);
  }

  private cut(last: VEventType): ShardUnit {
    const events = this.pending;
    const slots = this.slots;
    // Copy progress without a GTID (LASTPK, COPY_COMPLETED) is a resumable place too.
    if (this.moved && slots.length === 0) {
      const at = last === VEventType.COMMIT ? events.length - 1 : events.length;
      events.splice(at, 0, this.placeholder());
      slots.push(at);
    }
    this.pending = [];
    this.slots = [];
    this.moved = false;
    return { events, vgtidSlots: slots, gtid: this.gtid, tablePKs: this.tablePKs.map(copyTablePK) };
  }

  private lastPK(event: VEvent): void {
    const pk = event.lastPKEvent?.tableLastPK;
    if (pk === undefined) return;
    this.moved = true;
    const rest = this.tablePKs.filter((t) => t.tableName !== pk.tableName);
    this.tablePKs = event.lastPKEvent?.completed ? rest : [...rest, copyTablePK(pk)];
  }

  private stamp(event: VEvent): VEvent {
    const out: VEvent = { ...event, keyspace: this.keyspace, shard: this.shard };
    if (event.fieldEvent !== undefined) {
      out.fieldEvent = { ...event.fieldEvent, keyspace: this.keyspace, shard: this.shard };
    }
    if (event.rowEvent !== undefined) {
      out.rowEvent = { ...event.rowEvent, keyspace: this.keyspace, shard: this.shard };
    }
    return out;
  }

  private placeholder(): VEvent {
    return this.stamp({ ...EMPTY_EVENT, type: VEventType.VGTID });
  }
}

export const EMPTY_EVENT: VEvent = {
  type: VEventType.UNKNOWN,
  timestamp: 0,
  gtid: "",
  statement: "",
  rowEvent: undefined,
  fieldEvent: undefined,
  vgtid: undefined,
  journal: undefined,
  dml: "",
  currentTime: "",
  lastPKEvent: undefined,
  keyspace: "",
  shard: "",
  throttled: false,
  throttledReason: "",
};
