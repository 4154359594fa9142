type ShutdownHook = () => Promise<void> | void;

const hooks: ShutdownHook[] = [];
let shuttingDown: Promise<void> | undefined;

/** Registers work to do on SIGTERM/SIGINT; hooks run in reverse order of registration, like deferred calls. */
export function onShutdown(hook: ShutdownHook): void {
  hooks.push(hook);
}

export function shutdown(exitCode = 0): Promise<void> {
  if (!shuttingDown) {
    shuttingDown = (async () => {
      for (const hook of [...hooks].reverse()) {
        try {
          await hook();
        } catch (err) {
          process.stderr.write(`shutdown hook failed: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }
      process.exit(exitCode);
    })();
  }
  return shuttingDown;
}

/** Makes SIGTERM and SIGINT drain through the hooks and exit 0. */
export function handleTerminationSignals(): void {
  process.once("SIGTERM", () => void shutdown(0));
  process.once("SIGINT", () => void shutdown(0));
}
