import type { ClientCallOptions } from "../../grpc/index.js";
import { TabletManagerService } from "../../proto/tabletmanagerservice.js";
import type { Tablet } from "../../proto/topodata.js";
import { tabletAliasString } from "../../topo/index.js";
import { Code, VtError } from "../../vterrors/index.js";
import type { TabletManagerClient, TabletManagerClientFactory, TabletManagerMethod } from "../tmclient.js";

export interface RecordedCall {
  /** "zone1-0000000100" */
  alias: string;
  method: TabletManagerMethod;
  request: unknown;
  timeoutMs: number | undefined;
}

type Responder = (request: never, tablet: Tablet) => unknown;

const METHODS: readonly TabletManagerMethod[] = [
  "ping",
  "changeType",
  "refreshState",
  "setReadOnly",
  "setReadWrite",
  "executeFetchAsDba",
  "getSchema",
  "reloadSchema",
  "preflightSchema",
  "applySchema",
  "replicationStatus",
  "primaryStatus",
  "primaryPosition",
  "fullStatus",
  "waitForPosition",
  "stopReplication",
  "startReplication",
  "stopReplicationAndGetStatus",
  "resetReplication",
  "initPrimary",
  "initReplica",
  "populateReparentJournal",
  "demotePrimary",
  "undoDemotePrimary",
  "promoteReplica",
  "setReplicationSource",
  "vReplicationExec",
  "vReplicationWaitForPos",
  "createVReplicationWorkflow",
  "readVReplicationWorkflow",
  "readVReplicationWorkflows",
  "updateVReplicationWorkflow",
  "deleteVReplicationWorkflow",
];

/**
 * A tablet manager client that records every call and answers from scripted responders, or fails where told
 * (like Vitess's fake tmclient). Unscripted calls succeed with an empty response.
 */
export class FakeTabletManagerClient implements TabletManagerClientFactory {
  readonly calls: RecordedCall[] = [];
  private readonly responders = new Map<string, Responder>();
  private readonly failures = new Map<string, VtError>();

  /** Answers `method` on tablet `alias` ("*" for any tablet) with `respond(request, tablet)`. */
  respond<M extends TabletManagerMethod>(
    method: M,
    alias: string,
    respond: (
      request: Parameters<TabletManagerClient[M]>[0],
      tablet: Tablet,
    ) => Awaited<ReturnType<TabletManagerClient[M]>>,
  ): this {
    this.responders.set(`${alias}/${method}`, respond as Responder);
    return this;
  }

  /** Makes `method` on `alias` ("*" for any) fail with `error` (UNAVAILABLE by default). */
  fail(method: TabletManagerMethod, alias: string, error?: VtError): this {
    this.failures.set(
      `${alias}/${method}`,
      error ?? new VtError(Code.UNAVAILABLE, `fake: ${method} on ${alias} failed`),
    );
    return this;
  }

  /** "method alias" of every call, in order (for step-order assertions). */
  steps(): string[] {
    return this.calls.map((c) => `${c.method} ${c.alias}`);
  }

  callsOf(method: TabletManagerMethod): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  forTablet(tablet: Tablet): TabletManagerClient {
    const alias = tablet.alias ? tabletAliasString(tablet.alias) : "?";
    const client: Record<string, unknown> = {};
    for (const method of METHODS) {
      client[method] = async (request: unknown, options?: ClientCallOptions) => {
        this.calls.push({ alias, method, request, timeoutMs: options?.timeoutMs });
        const failure = this.failures.get(`${alias}/${method}`) ?? this.failures.get(`*/${method}`);
        if (failure) throw failure;
        const responder = this.responders.get(`${alias}/${method}`) ?? this.responders.get(`*/${method}`);
        if (responder) return responder(request as never, tablet);
        return TabletManagerService[method].responseDeserialize(Buffer.alloc(0));
      };
    }
    return client as TabletManagerClient;
  }

  close(): void {}
}
