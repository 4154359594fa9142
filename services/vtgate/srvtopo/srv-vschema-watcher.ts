import type { Logger } from "pino";
import type { SrvVSchema } from "../../../libs/proto/vschema.js";
import { isTopoError, TopoErrorCode, type TopoServer, watchSrvVSchema } from "../../../libs/topo/index.js";
import { errorMessage } from "../../../libs/vterrors/index.js";

export interface SrvVSchemaWatcherOptions {
  /** Wait before watching again after the record is missing or the watch failed. */
  retryDelayMs: number;
  logger?: Logger;
}

/**
 * Follows the cell's SrvVSchema (Vitess's vtgate VSchemaManager watch): reports the current value and
 * each change; `undefined` while the record does not exist (RebuildVSchemaGraph not run yet). Watches
 * again after a deletion or an error.
 */
export class SrvVSchemaWatcher {
  private stopped = false;
  private cancel: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private firstResult: Promise<void>;
  private resolveFirst: () => void = () => {};

  constructor(
    private readonly ts: TopoServer,
    private readonly cell: string,
    private readonly onChange: (srvVSchema: SrvVSchema | undefined) => void,
    private readonly options: SrvVSchemaWatcherOptions,
  ) {
    this.firstResult = new Promise((resolve) => {
      this.resolveFirst = resolve;
    });
  }

  /** Starts watching; resolves once the first value (or its absence) is known. */
  start(): Promise<void> {
    void this.run();
    return this.firstResult;
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const watch = await watchSrvVSchema(this.ts, this.cell);
        this.cancel = () => watch.cancel();
        if (this.stopped) {
          watch.cancel();
          return;
        }
        this.onChange(watch.current.value);
        this.resolveFirst();
        for await (const event of watch.changes) {
          if (event.kind === "changed") this.onChange(event.value);
          else if (event.kind === "deleted") this.onChange(undefined);
          else this.options.logger?.warn({ err: errorMessage(event.error) }, "SrvVSchema watch failed");
        }
      } catch (err) {
        if (isTopoError(err, TopoErrorCode.NoNode)) this.onChange(undefined);
        else
          this.options.logger?.warn(
            { cell: this.cell, err: errorMessage(err) },
            "cannot watch the SrvVSchema",
          );
      }
      this.resolveFirst();
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.retryDelayMs);
        timer.unref();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
