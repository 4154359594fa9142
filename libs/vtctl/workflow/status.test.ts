import { describe, expect, it } from "vitest";
import { ReadVReplicationWorkflowResponse_Stream } from "../../proto/tabletmanagerdata.js";
import { transactionLagSeconds } from "./status.js";

const NOW = 1_700_000_100;

function stream(times: { updated?: number; transaction?: number; heartbeat?: number }) {
  return ReadVReplicationWorkflowResponse_Stream.fromPartial({
    timeUpdated: { seconds: times.updated ?? 0, nanoseconds: 0 },
    transactionTimestamp: { seconds: times.transaction ?? 0, nanoseconds: 0 },
    timeHeartbeat: { seconds: times.heartbeat ?? 0, nanoseconds: 0 },
  });
}

describe("transactionLagSeconds", () => {
  it("counts from the last applied source transaction, not from time_updated (kept fresh while throttled)", () => {
    expect(transactionLagSeconds(stream({ updated: NOW, transaction: NOW - 40 }), NOW)).toBe(40);
  });

  it("counts from the last heartbeat when it is more recent than the last transaction", () => {
    expect(transactionLagSeconds(stream({ transaction: NOW - 40, heartbeat: NOW - 2 }), NOW)).toBe(2);
  });

  it("falls back to time_updated before any transaction or heartbeat was recorded", () => {
    expect(transactionLagSeconds(stream({ updated: NOW - 7 }), NOW)).toBe(7);
  });
});
