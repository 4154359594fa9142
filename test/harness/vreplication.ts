import type { CliResult } from "./vtctld.js";
import { waitFor } from "./wait.js";

/**
 * Runs a vtctldclient command that changes streams (MoveTables create, ...) right after a reparent: a new
 * primary's vreplication engine opens within a second, and until then the tablet answers "vreplication engine
 * is closed". Any other failure is thrown with the command's stderr. Returns stdout.
 */
export async function okOnceVReplicationOpens(
  client: (...args: string[]) => Promise<CliResult>,
  ...args: string[]
): Promise<string> {
  let failure: string | undefined;
  const stdout = await waitFor(`vtctldclient ${args.join(" ")} to be accepted`, async () => {
    const result = await client(...args);
    if (result.code === 0) return result.stdout;
    if (!/vreplication engine is closed/.test(result.stderr)) failure = result.stderr;
    return failure === undefined ? undefined : "";
  });
  if (failure !== undefined) throw new Error(`vtctldclient ${args.join(" ")} failed: ${failure}`);
  return stdout;
}
