import type { QueryResult } from "../../../libs/proto/query.js";
import type { SessionReader } from "./cursor.js";
import type { BindVars, PlanDescription, Primitive, ResultCallback } from "./primitive.js";

/** How long a mirrored query may outlive its main query, so mirroring never holds a client for long. */
const MIRROR_GRACE_MS = 100;

/** Decides per query whether to mirror it; `Math.random` by default, fixed in tests. */
export type MirrorDice = () => number;

/**
 * Vitess's Mirror operator (MoveTables MirrorTraffic): runs the main plan and, `percent` of the time, the same
 * query planned against the mirror target, concurrently. The client gets the main result or error only; the
 * mirrored query's result and error are dropped. Only autocommit statements outside a transaction are
 * mirrored, so the copy never joins or opens the session's transaction.
 */
export class Mirror<C extends SessionReader> implements Primitive<C> {
  readonly kind = "Mirror";

  constructor(
    readonly percent: number,
    readonly main: Primitive<C>,
    readonly target: Primitive<C>,
    private readonly dice: MirrorDice = Math.random,
  ) {}

  get inputs(): Primitive<C>[] {
    return [this.main, this.target];
  }

  private mirrored(cursor: C, bindVars: BindVars): Promise<void> | undefined {
    if (!cursor.autocommit || cursor.inTransaction || this.dice() * 100 >= this.percent) return undefined;
    return this.target.execute(cursor, bindVars).then(
      () => undefined,
      () => undefined,
    );
  }

  async execute(cursor: C, bindVars: BindVars): Promise<QueryResult> {
    const copy = this.mirrored(cursor, bindVars);
    try {
      return await this.main.execute(cursor, bindVars);
    } finally {
      if (copy) await settleWithin(copy, MIRROR_GRACE_MS);
    }
  }

  async streamExecute(cursor: C, bindVars: BindVars, onResult: ResultCallback): Promise<void> {
    const copy = this.mirrored(cursor, bindVars);
    try {
      await this.main.streamExecute(cursor, bindVars, onResult);
    } finally {
      if (copy) await settleWithin(copy, MIRROR_GRACE_MS);
    }
  }

  describe(): PlanDescription {
    return {
      operator: "Mirror",
      variant: "PercentBased",
      percent: this.percent,
      inputs: [this.main.describe(), this.target.describe()],
    };
  }
}

/** Waits for `work` at most `ms`; work still running then goes on unobserved. */
async function settleWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
