import { type BinlogSource, VReplicationWorkflowState } from "../../proto/binlogdata.js";
import { QueryResult } from "../../proto/query.js";
import {
  type ReadVReplicationWorkflowResponse,
  TabletSelectionPreference,
} from "../../proto/tabletmanagerdata.js";
import type { Tablet } from "../../proto/topodata.js";
import { tabletAliasString } from "../../topo/index.js";
import type { FakeTabletManagerClient } from "./fake-tmclient.js";
import { schemaDef, tableDef } from "./schema-fixtures.js";

export interface FakeStream {
  id: number;
  workflow: string;
  bls: BinlogSource;
  pos: string;
  state: VReplicationWorkflowState;
  message: string;
  /** How far behind the stream's time_updated is at each read (about now - lagSeconds). */
  lagSeconds: number;
  rowsCopied: number;
}

const aliasOf = (tablet: Tablet): string => (tablet.alias ? tabletAliasString(tablet.alias) : "?");
const stateByName = (name: string): VReplicationWorkflowState =>
  VReplicationWorkflowState[name as keyof typeof VReplicationWorkflowState] ??
  VReplicationWorkflowState.Unknown;

/**
 * The tablet side of workflows for vtctld unit tests: per-tablet tables (GetSchema/ApplySchema) and
 * `_vt.vreplication` streams (the workflow RPCs and the VReplicationExec updates vtctld sends), kept in memory.
 */
export class FakeVReplication {
  readonly tables = new Map<string, Set<string>>();
  readonly streams = new Map<string, FakeStream[]>();
  readonly positions = new Map<string, string>();
  /** The state new auto-started streams get (Running: copy finished; Copying to test refusals). */
  startState = VReplicationWorkflowState.Running;
  private nextId = 1;

  constructor(readonly tmc: FakeTabletManagerClient) {
    this.install();
  }

  setTables(alias: string, ...names: string[]): this {
    this.tables.set(alias, new Set(names));
    return this;
  }

  streamsOf(alias: string, workflow?: string): FakeStream[] {
    return (this.streams.get(alias) ?? []).filter((s) => workflow === undefined || s.workflow === workflow);
  }

  private read(alias: string, workflow: string): ReadVReplicationWorkflowResponse {
    const streams = this.streamsOf(alias, workflow);
    return {
      workflow: streams.length > 0 ? workflow : "",
      cells: "",
      tabletTypes: [],
      tabletSelectionPreference: TabletSelectionPreference.ANY,
      dbName: "",
      tags: "",
      workflowType: 1,
      workflowSubType: 0,
      deferSecondaryKeys: false,
      streams: streams.map((s) => ({
        id: s.id,
        bls: s.bls,
        pos: s.pos,
        stopPos: "",
        maxTps: 0,
        maxReplicationLag: 0,
        // One second ahead, so a status computed a moment later never sees a second boundary as lag.
        timeUpdated: { seconds: Math.floor(Date.now() / 1000) + 1 - s.lagSeconds, nanoseconds: 0 },
        transactionTimestamp: { seconds: 0, nanoseconds: 0 },
        state: s.state,
        message: s.message,
        rowsCopied: s.rowsCopied,
        timeHeartbeat: { seconds: 0, nanoseconds: 0 },
        timeThrottled: { seconds: 0, nanoseconds: 0 },
        componentThrottled: "",
      })),
      options: "",
      configOverrides: {},
    };
  }

  private install(): void {
    this.tmc
      .respond("getSchema", "*", (request, tablet) => {
        const names = [...(this.tables.get(aliasOf(tablet)) ?? [])].sort();
        const wanted = request.tables.length > 0 ? names.filter((n) => request.tables.includes(n)) : names;
        return { schemaDefinition: schemaDef(...wanted.map((n) => tableDef(n))) };
      })
      .respond("applySchema", "*", (request, tablet) => {
        const set = this.tables.get(aliasOf(tablet)) ?? new Set<string>();
        this.tables.set(aliasOf(tablet), set);
        const create = /^CREATE TABLE `[^`]+`\.`([^`]+)`/.exec(request.sql);
        if (create?.[1]) set.add(create[1]);
        if (/^DROP TABLE/.test(request.sql) || /^RENAME TABLE/.test(request.sql)) {
          for (const match of request.sql.matchAll(/`[^`]+`\.`([^`]+)`/g)) {
            if (match[1] && !match[1].startsWith("_")) set.delete(match[1]);
            if (match[1]?.startsWith("_") && /^RENAME/.test(request.sql)) set.add(match[1]);
          }
        }
        return { beforeSchema: undefined, afterSchema: undefined };
      })
      .respond("primaryPosition", "*", (_request, tablet) => ({
        position: this.positions.get(aliasOf(tablet)) ?? `MariaDB/0-${tablet.alias?.uid ?? 0}-10`,
      }))
      .respond("createVReplicationWorkflow", "*", (request, tablet) => {
        const list = this.streams.get(aliasOf(tablet)) ?? [];
        this.streams.set(aliasOf(tablet), list);
        for (const bls of request.binlogSource) {
          list.push({
            id: this.nextId++,
            workflow: request.workflow,
            bls,
            pos: request.autoStart ? "MariaDB/0-1-5" : "",
            state: request.autoStart ? this.startState : VReplicationWorkflowState.Stopped,
            message: "",
            lagSeconds: 0,
            rowsCopied: 5,
          });
        }
        return { result: QueryResult.fromPartial({ rowsAffected: request.binlogSource.length }) };
      })
      .respond("readVReplicationWorkflow", "*", (request, tablet) =>
        this.read(aliasOf(tablet), request.workflow),
      )
      .respond("readVReplicationWorkflows", "*", (request, tablet) => {
        const names = [...new Set(this.streamsOf(aliasOf(tablet)).map((s) => s.workflow))];
        const wanted =
          request.includeWorkflows.length > 0
            ? names.filter((n) => request.includeWorkflows.includes(n))
            : names;
        return { workflows: wanted.map((n) => this.read(aliasOf(tablet), n)) };
      })
      .respond("deleteVReplicationWorkflow", "*", (request, tablet) => {
        const list = this.streams.get(aliasOf(tablet)) ?? [];
        this.streams.set(
          aliasOf(tablet),
          list.filter((s) => s.workflow !== request.workflow),
        );
        return { result: QueryResult.fromPartial({}) };
      })
      .respond("updateVReplicationWorkflow", "*", (request, tablet) => {
        const streams = this.streamsOf(aliasOf(tablet), request.workflow);
        for (const s of streams) if (request.state !== undefined) s.state = request.state;
        return { result: QueryResult.fromPartial({ rowsAffected: streams.length }) };
      })
      .respond("vReplicationExec", "*", (request, tablet) => {
        const sql = request.query;
        if (!sql.startsWith("update")) return { result: QueryResult.fromPartial({}) };
        const byWorkflow = /workflow = '([^']*)'/.exec(sql)?.[1];
        const byId = /where id = (\d+)/.exec(sql)?.[1];
        const streams = this.streamsOf(aliasOf(tablet)).filter(
          (s) => s.workflow === byWorkflow || String(s.id) === byId,
        );
        for (const s of streams) {
          const pos = /pos = '([^']*)'/.exec(sql)?.[1];
          const state = /state = '([^']*)'/.exec(sql)?.[1];
          const message = /message = '([^']*)'/.exec(sql)?.[1];
          if (pos !== undefined) s.pos = pos;
          if (state !== undefined) s.state = stateByName(state);
          if (message !== undefined) s.message = message;
        }
        return { result: QueryResult.fromPartial({ rowsAffected: streams.length }) };
      });
  }
}
