import type { Logger } from "pino";
import type { StreamHealthResponse, Target } from "../proto/query.js";
import { type Tablet, TabletType } from "../proto/topodata.js";
import { tabletAliasString } from "../topo/index.js";
import { errorMessage, unavailable } from "../vterrors/index.js";
import type { TabletConnHandle, TabletDialer } from "./tablet-conn.js";
import { type TabletHealth, targetKey, targetString } from "./tablet-health.js";
import { type HealthStreamOptions, TabletHealthStream } from "./tablet-health-stream.js";

export interface HealthCheckOptions {
  dialer: TabletDialer;
  /** The caller's cell: replicas and rdonly tablets of this cell are preferred. */
  localCell: string;
  /** Defaults: retry 1 s doubling to 10 s; timeout 1 min (Vitess's --healthcheck-timeout). */
  stream?: Partial<HealthStreamOptions>;
  logger?: Logger;
}

/** Why a listener is called: a tablet was added, removed, or its health changed. */
export type HealthEvent = { readonly kind: "added" | "updated" | "removed"; readonly health: TabletHealth };

export type HealthListener = (event: HealthEvent) => void;

interface Entry {
  handle: TabletConnHandle | undefined;
  stream: TabletHealthStream | undefined;
  health: TabletHealth;
}

const DEFAULT_STREAM: HealthStreamOptions = {
  retryDelayMs: 1_000,
  maxRetryDelayMs: 10_000,
  timeoutMs: 60_000,
};

function emptyTarget(tablet: Tablet): Target {
  return {
    keyspace: tablet.keyspace,
    shard: tablet.shard,
    tabletType: tablet.type,
    cell: tablet.alias?.cell ?? "",
  };
}

/**
 * vtgate's view of tablet health (Vitess's discovery.HealthCheck): one StreamHealth stream per tablet the
 * topology watchers report, the latest target/serving/primary term/lag of each, and which tablet to use
 * for a (keyspace, shard, type). Tablets are added and removed by TopologyWatcher (or by tests).
 *
 * Picking: for PRIMARY the serving primary with the newest primary term start time (a demoted primary
 * that still claims the role loses); for other types round-robin among serving tablets, those of the
 * local cell first.
 */
export class HealthCheck {
  private readonly entries = new Map<string, Entry>();
  /** Serving tablets by targetKey, rebuilt lazily after a change. */
  private serving: Map<string, TabletHealth[]> | undefined;
  private readonly roundRobin = new Map<string, number>();
  private readonly listeners = new Set<HealthListener>();
  private readonly streamOptions: HealthStreamOptions;
  private closed = false;

  constructor(private readonly options: HealthCheckOptions) {
    this.streamOptions = { ...DEFAULT_STREAM, ...options.stream };
  }

  get localCell(): string {
    return this.options.localCell;
  }

  /** Starts following a tablet; a tablet already known under the same alias is replaced. */
  addTablet(tablet: Tablet): void {
    if (this.closed) return;
    if (!tablet.alias) throw new Error("a tablet record without an alias cannot be health checked");
    const alias = tabletAliasString(tablet.alias);
    if (this.entries.has(alias)) this.removeTablet(alias);
    let handle: TabletConnHandle | undefined;
    let lastError: string | undefined;
    try {
      handle = this.options.dialer(tablet);
    } catch (err) {
      lastError = errorMessage(err);
    }
    const entry: Entry = {
      handle,
      stream: undefined,
      health: {
        alias,
        tablet,
        address: handle?.address ?? "",
        conn: handle?.conn ?? unreachableConn(alias, lastError ?? "no connection"),
        target: emptyTarget(tablet),
        serving: false,
        primaryTermStartTime: 0,
        replicationLagSeconds: 0,
        lastError,
        lastResponseAt: undefined,
      },
    };
    this.entries.set(alias, entry);
    this.changed({ kind: "added", health: entry.health });
    if (!handle) return;
    entry.stream = new TabletHealthStream(handle.conn, this.streamOptions, {
      response: (response) => this.onResponse(alias, entry, response),
      failure: (reason) => this.onFailure(alias, entry, reason),
    });
    entry.stream.start();
    this.options.logger?.info({ tablet: alias, address: handle.address }, "health check: tablet added");
  }

  /** Stops following a tablet (it was deleted from the topology); its connection is closed. */
  removeTablet(alias: string): void {
    const entry = this.entries.get(alias);
    if (!entry) return;
    this.entries.delete(alias);
    entry.stream?.stop();
    entry.handle?.close();
    this.changed({ kind: "removed", health: { ...entry.health, serving: false } });
    this.options.logger?.info({ tablet: alias }, "health check: tablet removed");
  }

  /** The record changed without moving the tablet (same address, keyspace and shard): keep the stream. */
  updateTabletRecord(tablet: Tablet): void {
    if (!tablet.alias) return;
    const entry = this.entries.get(tabletAliasString(tablet.alias));
    if (entry) entry.health = { ...entry.health, tablet };
  }

  tablet(alias: string): TabletHealth | undefined {
    return this.entries.get(alias)?.health;
  }

  /** Every tablet followed, serving or not. */
  tablets(): TabletHealth[] {
    return [...this.entries.values()].map((e) => e.health);
  }

  /** Serving tablets of a target; for PRIMARY only the newest primary (at most one). */
  healthyTablets(keyspace: string, shard: string, type: TabletType): readonly TabletHealth[] {
    const all = this.servingIndex().get(targetKey(keyspace, shard, type)) ?? [];
    if (type !== TabletType.PRIMARY || all.length <= 1) return all;
    return [newestPrimary(all)];
  }

  /** The current serving primary of a shard, if any. */
  primary(keyspace: string, shard: string): TabletHealth | undefined {
    return this.healthyTablets(keyspace, shard, TabletType.PRIMARY)[0];
  }

  /** A tablet to send a query to, skipping the aliases in `exclude`; undefined when none is serving. */
  pickTablet(
    keyspace: string,
    shard: string,
    type: TabletType,
    exclude?: ReadonlySet<string>,
  ): TabletHealth | undefined {
    let candidates = this.healthyTablets(keyspace, shard, type);
    if (exclude && exclude.size > 0) candidates = candidates.filter((t) => !exclude.has(t.alias));
    if (candidates.length <= 1) return candidates[0];
    const local = candidates.filter((t) => t.tablet.alias?.cell === this.options.localCell);
    if (local.length > 0) candidates = local;
    const key = targetKey(keyspace, shard, type);
    const next = this.roundRobin.get(key) ?? 0;
    this.roundRobin.set(key, (next + 1) % 1_000_000);
    return candidates[next % candidates.length];
  }

  /** Called on every change of any tablet's health; returns the unsubscribe function. */
  subscribe(listener: HealthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with a tablet as soon as one is serving for the target (at once if one is); rejects with
   * UNAVAILABLE after `timeoutMs`, or when `signal` aborts.
   */
  waitForTablet(
    keyspace: string,
    shard: string,
    type: TabletType,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<TabletHealth> {
    const found = this.pickTablet(keyspace, shard, type);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const done = (err: Error | undefined, health?: TabletHealth) => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener("abort", onAbort);
        if (err) reject(err);
        else resolve(health as TabletHealth);
      };
      const timer = setTimeout(
        () =>
          done(
            unavailable(
              `timed out after ${timeoutMs} ms waiting for a serving tablet for ${targetString(keyspace, shard, type)}`,
            ),
          ),
        timeoutMs,
      );
      const onAbort = () => done(unavailable(`stopped waiting for ${targetString(keyspace, shard, type)}`));
      signal?.addEventListener("abort", onAbort, { once: true });
      const unsubscribe = this.subscribe(() => {
        const health = this.pickTablet(keyspace, shard, type);
        if (health) done(undefined, health);
      });
    });
  }

  /** Waits until every target has a serving tablet; rejects with the first one still missing at the deadline. */
  async waitForTablets(targets: readonly Omit<Target, "cell">[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const t of targets) {
      await this.waitForTablet(t.keyspace, t.shard, t.tabletType, Math.max(1, deadline - Date.now()));
    }
  }

  /** Stops every stream and closes every connection. */
  close(): void {
    this.closed = true;
    for (const alias of [...this.entries.keys()]) this.removeTablet(alias);
    this.listeners.clear();
  }

  private onResponse(alias: string, entry: Entry, response: StreamHealthResponse): void {
    if (this.entries.get(alias) !== entry) return;
    const healthError = response.realtimeStats?.healthError ?? "";
    const target = response.target ?? entry.health.target;
    const next: TabletHealth = {
      ...entry.health,
      target: { ...target, cell: entry.health.tablet.alias?.cell ?? target.cell },
      serving: response.serving && healthError === "",
      primaryTermStartTime: response.primaryTermStartTimestamp,
      replicationLagSeconds: response.realtimeStats?.replicationLagSeconds ?? 0,
      lastError: healthError === "" ? undefined : healthError,
      lastResponseAt: Date.now(),
    };
    const before = entry.health;
    entry.health = next;
    const changed =
      before.serving !== next.serving ||
      before.primaryTermStartTime !== next.primaryTermStartTime ||
      before.target.keyspace !== next.target.keyspace ||
      before.target.shard !== next.target.shard ||
      before.target.tabletType !== next.target.tabletType ||
      before.lastError !== next.lastError;
    if (changed) {
      this.options.logger?.info(
        {
          tablet: alias,
          target: targetString(next.target.keyspace, next.target.shard, next.target.tabletType),
          serving: next.serving,
        },
        "health check: tablet health changed",
      );
    }
    this.changed({ kind: "updated", health: next }, changed);
  }

  private onFailure(alias: string, entry: Entry, reason: string): void {
    if (this.entries.get(alias) !== entry) return;
    const wasServing = entry.health.serving;
    entry.health = { ...entry.health, serving: false, lastError: reason };
    if (wasServing) this.options.logger?.warn({ tablet: alias, reason }, "health check: tablet not serving");
    this.changed({ kind: "updated", health: entry.health });
  }

  private changed(event: HealthEvent, reindex = true): void {
    if (reindex) this.serving = undefined;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.options.logger?.error({ err: errorMessage(err) }, "health check listener failed");
      }
    }
  }

  private servingIndex(): Map<string, TabletHealth[]> {
    if (this.serving) return this.serving;
    const index = new Map<string, TabletHealth[]>();
    for (const { health } of this.entries.values()) {
      if (!health.serving) continue;
      const key = targetKey(health.target.keyspace, health.target.shard, health.target.tabletType);
      const list = index.get(key);
      if (list) list.push(health);
      else index.set(key, [health]);
    }
    for (const list of index.values())
      list.sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0));
    this.serving = index;
    return index;
  }
}

function newestPrimary(primaries: readonly TabletHealth[]): TabletHealth {
  let best = primaries[0] as TabletHealth;
  for (const t of primaries) if (t.primaryTermStartTime > best.primaryTermStartTime) best = t;
  return best;
}

/** A connection for a tablet that could not be dialed: every call fails with UNAVAILABLE. */
function unreachableConn(alias: string, reason: string): TabletHealth["conn"] {
  const fail = () => Promise.reject(unavailable(`tablet ${alias} is unreachable: ${reason}`));
  // biome-ignore lint/correctness/useYield: a stream that fails before its first item.
  const failStream = async function* (): AsyncGenerator<never> {
    throw unavailable(`tablet ${alias} is unreachable: ${reason}`);
  };
  return {
    execute: fail,
    begin: fail,
    commit: fail,
    rollback: fail,
    beginExecute: fail,
    streamExecute: failStream,
    streamHealth: failStream,
  };
}
