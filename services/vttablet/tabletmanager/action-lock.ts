import { Code, VtError } from "../../../libs/vterrors/index.js";

/**
 * Serializes the tablet manager's state-changing actions (Vitess's tm.lock): one at a time, in arrival order.
 * A caller whose signal aborts while waiting gives up its turn with CANCELED.
 */
export class ActionLock {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(action: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.tail;
    this.tail = previous.then(() => mine);
    try {
      await waitOrAbort(previous, action, signal);
      return await fn();
    } finally {
      release();
    }
  }
}

function waitOrAbort(turn: Promise<void>, action: string, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return turn;
  if (signal.aborted) return Promise.reject(cancelled(action));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(cancelled(action));
    signal.addEventListener("abort", onAbort, { once: true });
    turn.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, reject);
  });
}

function cancelled(action: string): VtError {
  return new VtError(Code.CANCELED, `${action}: cancelled while waiting for another tablet action to finish`);
}
