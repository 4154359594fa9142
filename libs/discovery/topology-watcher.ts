import type { Logger } from "pino";
import type { Tablet } from "../proto/topodata.js";
import { getTabletsByCell, type TopoServer, tabletAliasString } from "../topo/index.js";
import { errorMessage } from "../vterrors/index.js";
import type { HealthCheck } from "./health-check.js";

export interface TopologyWatcherOptions {
  /** How often the cell's tablets are listed again (Vitess's --tablet-refresh-interval). */
  refreshIntervalMs: number;
  /** Only tablets this accepts are followed (e.g. --keyspaces-to-watch). */
  filter?: (tablet: Tablet) => boolean;
  logger?: Logger;
}

/** What makes a tablet a different one for the health check: where it listens and what it serves. */
function identity(tablet: Tablet): string {
  // The frame port too: a restarted vttablet gets a new free one by default (--frame-port -1).
  return `${tablet.hostname}|${tablet.portMap.grpc ?? 0}|${tablet.portMap.frame ?? 0}|${tablet.keyspace}|${tablet.shard}`;
}

/**
 * Feeds a HealthCheck with the tablets of one cell (Vitess's discovery.TopologyWatcher): lists
 * `/vitess/<cell>/tablets` every refresh interval, adds new tablets, replaces those whose address or shard
 * changed, and removes those deleted from the topology. A failed listing keeps the current set.
 */
export class TopologyWatcher {
  private readonly known = new Map<string, Tablet>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private refreshing: Promise<void> | undefined;
  private firstLoad: Promise<void> | undefined;

  constructor(
    private readonly ts: TopoServer,
    private readonly healthCheck: HealthCheck,
    readonly cell: string,
    private readonly options: TopologyWatcherOptions,
  ) {}

  /** Starts polling; the returned promise resolves after the first listing (successful or not). */
  start(): Promise<void> {
    if (!this.firstLoad) {
      this.firstLoad = this.refresh();
      this.schedule();
    }
    return this.firstLoad;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Lists the cell's tablets now and applies the differences; concurrent calls share one listing. */
  refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.load().finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => this.schedule());
    }, this.options.refreshIntervalMs);
    this.timer.unref();
  }

  private async load(): Promise<void> {
    let tablets: Tablet[];
    try {
      tablets = (await getTabletsByCell(this.ts, this.cell)).map((info) => info.tablet);
    } catch (err) {
      this.options.logger?.warn(
        { cell: this.cell, err: errorMessage(err) },
        "cannot list the cell's tablets",
      );
      return;
    }
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const tablet of tablets) {
      if (!tablet.alias) continue;
      if (this.options.filter && !this.options.filter(tablet)) continue;
      const alias = tabletAliasString(tablet.alias);
      seen.add(alias);
      const before = this.known.get(alias);
      this.known.set(alias, tablet);
      if (!before) this.healthCheck.addTablet(tablet);
      else if (identity(before) !== identity(tablet)) this.healthCheck.addTablet(tablet);
      else this.healthCheck.updateTabletRecord(tablet);
    }
    for (const alias of [...this.known.keys()]) {
      if (seen.has(alias)) continue;
      this.known.delete(alias);
      this.healthCheck.removeTablet(alias);
    }
  }
}
