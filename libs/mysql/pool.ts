import { Code, VtError } from "../vterrors/index.js";

export interface PoolOptions<C> {
  /** Names the pool in errors and metrics, e.g. "conn_pool", "tx_pool". */
  name: string;
  /** Most resources open at once (in use plus idle). */
  size: number;
  /** How long `acquire` waits for a free resource before RESOURCE_EXHAUSTED; 0 waits forever. */
  acquireTimeoutMs: number;
  /** Idle resources older than this are closed; 0 keeps them. */
  idleTimeoutMs?: number;
  /** Opens a resource; a failure is returned to the caller of `acquire`. */
  create: () => Promise<C>;
  /** Closes a resource; errors are ignored. */
  destroy: (resource: C) => Promise<void> | void;
  /** False for a resource that died while idle (e.g. its connection was closed by the server). */
  isUsable?: (resource: C) => boolean;
}

export interface PoolStats {
  name: string;
  capacity: number;
  /** Resources lent out. */
  inUse: number;
  /** Open resources waiting to be lent. */
  idle: number;
  /** Callers waiting in `acquire`. */
  waiting: number;
}

interface Waiter<C> {
  resolve: (resource: C) => void;
  reject: (err: unknown) => void;
  cleanup: () => void;
}

interface IdleEntry<C> {
  resource: C;
  since: number;
}

/**
 * A fixed-capacity pool (Vitess's connpool): resources are opened lazily up to `size`, callers beyond
 * that wait in FIFO order up to `acquireTimeoutMs`, and idle resources are closed after `idleTimeoutMs`.
 * Every resource taken with `acquire` goes back with exactly one of `release` (reusable) or `discard`
 * (broken: closed, its slot freed).
 */
export class ResourcePool<C> {
  private readonly idle: IdleEntry<C>[] = [];
  private readonly lent = new Set<C>();
  private readonly waiters: Waiter<C>[] = [];
  /** Slots taken by resources being opened. */
  private opening = 0;
  private closed = false;
  private readonly sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: PoolOptions<C>) {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new VtError(
        Code.INVALID_ARGUMENT,
        `${options.name}: pool size must be at least 1, got ${options.size}`,
      );
    const idleTimeoutMs = options.idleTimeoutMs ?? 0;
    if (idleTimeoutMs > 0) {
      this.sweeper = setInterval(() => this.closeIdle(idleTimeoutMs), Math.max(50, idleTimeoutMs / 2));
      this.sweeper.unref();
    }
  }

  get name(): string {
    return this.options.name;
  }

  stats(): PoolStats {
    return {
      name: this.options.name,
      capacity: this.options.size,
      inUse: this.lent.size,
      idle: this.idle.length,
      waiting: this.waiters.length,
    };
  }

  /**
   * A resource for exclusive use. Fails with RESOURCE_EXHAUSTED naming the pool when none frees up in
   * time, UNAVAILABLE when the pool is closed, CANCELED when `signal` aborts, or the error of `create`.
   * `signal` may be given as a function: it is then read only when the caller has to wait.
   */
  async acquire(signal?: AbortSignal | (() => AbortSignal | undefined)): Promise<C> {
    if (this.closed) throw this.closedError();
    const now = typeof signal === "function" ? undefined : signal;
    if (now?.aborted) throw new VtError(Code.CANCELED, `${this.options.name}: cancelled while waiting`);
    const ready = this.takeIdle();
    if (ready !== undefined) return ready;
    if (this.total() < this.options.size) return this.open();
    const waitSignal = typeof signal === "function" ? signal() : signal;
    if (waitSignal?.aborted)
      throw new VtError(Code.CANCELED, `${this.options.name}: cancelled while waiting`);
    return this.wait(waitSignal);
  }

  /** Gives a healthy resource back; a waiter gets it at once. */
  release(resource: C): void {
    if (!this.lent.delete(resource)) return;
    if (this.closed || !this.usable(resource)) {
      this.destroyQuietly(resource);
      this.serveWaiters();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.cleanup();
      this.lent.add(resource);
      waiter.resolve(resource);
      return;
    }
    this.idle.push({ resource, since: Date.now() });
  }

  /** Closes a broken resource and frees its slot (a waiter then gets a freshly opened one). */
  discard(resource: C): void {
    if (!this.lent.delete(resource)) return;
    this.destroyQuietly(resource);
    this.serveWaiters();
  }

  /** Fails the waiters, closes idle resources now and lent ones when they come back. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const waiter of this.waiters.splice(0)) {
      waiter.cleanup();
      waiter.reject(this.closedError());
    }
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((entry) => this.destroyQuietly(entry.resource)));
  }

  private total(): number {
    return this.lent.size + this.idle.length + this.opening;
  }

  private usable(resource: C): boolean {
    return this.options.isUsable ? this.options.isUsable(resource) : true;
  }

  private takeIdle(): C | undefined {
    for (;;) {
      const entry = this.idle.pop();
      if (!entry) return undefined;
      if (this.usable(entry.resource)) {
        this.lent.add(entry.resource);
        return entry.resource;
      }
      void this.destroyQuietly(entry.resource);
    }
  }

  private async open(): Promise<C> {
    this.opening++;
    let resource: C;
    try {
      resource = await this.options.create();
    } catch (err) {
      this.opening--;
      this.serveWaiters();
      throw err;
    }
    this.opening--;
    if (this.closed) {
      void this.destroyQuietly(resource);
      throw this.closedError();
    }
    this.lent.add(resource);
    return resource;
  }

  private wait(signal: AbortSignal | undefined): Promise<C> {
    const { name, acquireTimeoutMs, size } = this.options;
    return new Promise<C>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        remove();
        reject(new VtError(Code.CANCELED, `${name}: cancelled while waiting for a connection`));
      };
      const waiter: Waiter<C> = {
        resolve,
        reject,
        cleanup: () => {
          if (timer) clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        },
      };
      const remove = () => {
        waiter.cleanup();
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
      };
      if (acquireTimeoutMs > 0) {
        timer = setTimeout(() => {
          remove();
          reject(
            new VtError(
              Code.RESOURCE_EXHAUSTED,
              `${name}: resource pool timed out after ${acquireTimeoutMs} ms waiting for a connection ` +
                `(capacity ${size}, ${this.lent.size} in use, ${this.waiters.length} other callers waiting)`,
            ),
          );
        }, acquireTimeoutMs);
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** After a slot freed up: an idle resource or a new one for the first waiter. */
  private serveWaiters(): void {
    while (this.waiters.length > 0 && !this.closed) {
      const ready = this.takeIdle();
      if (ready !== undefined) {
        const waiter = this.waiters.shift() as Waiter<C>;
        waiter.cleanup();
        waiter.resolve(ready);
        continue;
      }
      if (this.total() >= this.options.size) return;
      const waiter = this.waiters.shift() as Waiter<C>;
      waiter.cleanup();
      this.open().then(waiter.resolve, waiter.reject);
    }
  }

  private closeIdle(idleTimeoutMs: number): void {
    const cutoff = Date.now() - idleTimeoutMs;
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const entry = this.idle[i] as IdleEntry<C>;
      if (entry.since <= cutoff) {
        this.idle.splice(i, 1);
        void this.destroyQuietly(entry.resource);
      }
    }
  }

  private async destroyQuietly(resource: C): Promise<void> {
    try {
      await this.options.destroy(resource);
    } catch {
      // A resource that fails to close is gone either way.
    }
  }

  private closedError(): VtError {
    return new VtError(Code.UNAVAILABLE, `${this.options.name}: pool is closed`);
  }
}
