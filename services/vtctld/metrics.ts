import { Counter, Histogram, type Registry } from "prom-client";
import type { VtctldHandlers } from "../../libs/vtctl/index.js";
import { Code, errorCode } from "../../libs/vterrors/index.js";

/** Wraps every handler to count calls by method and vtrpc code and time them (vtctld_rpc_*). */
export function instrumentHandlers(
  handlers: Partial<VtctldHandlers>,
  registry: Registry,
): Partial<VtctldHandlers> {
  const calls = new Counter({
    name: "vtctld_rpc_total",
    help: "VtctldService calls by method and result code",
    labelNames: ["method", "code"],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "vtctld_rpc_duration_seconds",
    help: "VtctldService call durations by method",
    labelNames: ["method"],
    registers: [registry],
  });
  const wrapped: Record<string, (request: unknown, context: unknown) => Promise<unknown>> = {};
  for (const [method, handler] of Object.entries(handlers)) {
    const fn = handler as (request: unknown, context: unknown) => Promise<unknown>;
    wrapped[method] = async (request, context) => {
      const stop = seconds.startTimer({ method });
      try {
        const response = await fn(request, context);
        calls.inc({ method, code: Code[Code.OK] });
        return response;
      } catch (err) {
        calls.inc({ method, code: Code[errorCode(err)] });
        throw err;
      } finally {
        stop();
      }
    };
  }
  return wrapped as Partial<VtctldHandlers>;
}
