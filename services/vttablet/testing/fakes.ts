import { pino } from "pino";
import type { StreamHealthResponse, Target } from "../../../libs/proto/query.js";
import type { QueryServiceControl } from "../query-service-control.js";

export const silentLogger = pino({ level: "silent" });

/** Records what the tablet manager pushes to the query service. */
export class FakeQueryService implements QueryServiceControl {
  states: { target: Target; serving: boolean; primaryTermStartTime: number }[] = [];
  denied: (readonly string[])[] = [];
  replication: { lagSeconds: number; error?: string }[] = [];

  get last() {
    return this.states[this.states.length - 1];
  }

  setState(state: { target: Target; serving: boolean; primaryTermStartTime: number }): void {
    this.states.push(state);
  }

  setDeniedTables(tables: readonly string[]): void {
    this.denied.push(tables);
  }

  setReplicationHealth(health: { lagSeconds: number; error?: string }): void {
    this.replication.push(health);
  }

  currentHealth(): StreamHealthResponse {
    const last = this.last;
    return {
      target: last?.target,
      serving: last?.serving ?? false,
      primaryTermStartTimestamp: last?.primaryTermStartTime ?? 0,
      realtimeStats: undefined,
      tabletAlias: undefined,
    };
  }
}

/** A mysqld whose read-only flag is a field. */
export class FakeReadOnly {
  readOnly = true;
  calls: boolean[] = [];

  async setReadOnly(readOnly: boolean): Promise<void> {
    this.readOnly = readOnly;
    this.calls.push(readOnly);
  }
}
