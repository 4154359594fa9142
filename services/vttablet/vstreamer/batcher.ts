import { type VEvent, VEventType } from "../../../libs/proto/binlogdata.js";

/** Vitess's default --vstream_packet_size: row bytes per VStreamResponse before it is sent. */
export const DEFAULT_PACKET_SIZE = 250_000;

/** The bytes of row values an event carries (what packets are sized by; other events count as nothing). */
export function eventRowBytes(event: VEvent): number {
  if (event.type === VEventType.ROW) {
    let size = 0;
    for (const change of event.rowEvent?.rowChanges ?? []) {
      if (change.before !== undefined) size += change.before.values.length;
      if (change.after !== undefined) size += change.after.values.length;
    }
    return size;
  }
  return event.dml.length;
}

/**
 * Groups a stream's VEvents into VStreamResponses as Vitess's bufferAndTransmit: GTID, BEGIN and FIELD wait
 * for what follows; COMMIT, DDL, OTHER and HEARTBEAT close a packet; ROW (and statement DML) events are
 * collected until `packetSize` bytes of rows, then what was collected goes out and the new event starts the
 * next packet. So a large transaction goes out in chunks of about `packetSize`, and a single row larger
 * than that in a packet of its own.
 */
export class EventBatcher {
  private buffered: VEvent[] = [];
  private size = 0;

  constructor(private readonly packetSize = DEFAULT_PACKET_SIZE) {}

  /** Adds an event; returns the events to send now, if a packet is complete. */
  add(event: VEvent): VEvent[] | undefined {
    switch (event.type) {
      case VEventType.ROW:
      case VEventType.INSERT:
      case VEventType.UPDATE:
      case VEventType.DELETE:
      case VEventType.REPLACE: {
        const bytes = eventRowBytes(event);
        if (this.size + bytes > this.packetSize && this.buffered.length > 0) {
          const out = this.buffered;
          this.buffered = [event];
          this.size = bytes;
          return out;
        }
        this.size += bytes;
        this.buffered.push(event);
        return undefined;
      }
      case VEventType.COMMIT:
      case VEventType.DDL:
      case VEventType.OTHER:
      case VEventType.HEARTBEAT:
      case VEventType.VERSION:
      case VEventType.ROLLBACK: {
        this.buffered.push(event);
        return this.take();
      }
      default:
        this.buffered.push(event);
        return undefined;
    }
  }

  /** Whatever is buffered, emptied. */
  take(): VEvent[] {
    const out = this.buffered;
    this.buffered = [];
    this.size = 0;
    return out;
  }

  get pending(): number {
    return this.buffered.length;
  }
}
