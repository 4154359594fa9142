import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Etcd3 } from "etcd3";
import { findBinary } from "../../libs/env/binaries.js";
import { freePort } from "./ports.js";
import { type ManagedProcess, startProcess } from "./processes.js";
import { waitFor } from "./wait.js";

export interface EtcdHandle {
  /** "127.0.0.1:<port>", what --topo-global-server-address takes. */
  readonly clientAddress: string;
  /** The running etcd (a new process after each restart). */
  readonly process: ManagedProcess;
  /** Stops etcd with SIGTERM and starts it again on the same ports and data dir; resolves once it serves reads. */
  restart(): Promise<void>;
  /** Stops etcd (SIGTERM, then SIGKILL after a timeout). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a single-member etcd 3.4 on free 127.0.0.1 ports with its data in `<dir>/etcd`, logging to
 * `<dir>/etcd.log`, and waits until a real read succeeds. Stop it in afterAll with `handle.stop()`.
 */
export async function startEtcd(dir: string): Promise<EtcdHandle> {
  const clientPort = await freePort();
  const peerPort = await freePort();
  const dataDir = join(dir, "etcd");
  mkdirSync(dataDir, { recursive: true });
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const clientAddress = `127.0.0.1:${clientPort}`;
  const args = [
    "--name",
    "default",
    "--data-dir",
    dataDir,
    "--listen-client-urls",
    clientUrl,
    "--advertise-client-urls",
    clientUrl,
    "--listen-peer-urls",
    peerUrl,
    "--initial-advertise-peer-urls",
    peerUrl,
    "--initial-cluster",
    `default=${peerUrl}`,
  ];

  const launch = async (): Promise<ManagedProcess> => {
    const command = findBinary({ names: ["etcd"], debianPackage: "etcd-server" });
    const child = startProcess({ name: "etcd", command, args, logFile: join(dir, "etcd.log") });
    try {
      await waitUntilServing(clientAddress, child);
    } catch (err) {
      await child.stop({ signal: "SIGKILL" });
      throw err;
    }
    return child;
  };

  let current = await launch();
  return {
    clientAddress,
    get process() {
      return current;
    },
    async restart() {
      await current.stop();
      current = await launch();
    },
    async stop() {
      await current.stop();
    },
  };
}

async function waitUntilServing(clientAddress: string, child: ManagedProcess): Promise<void> {
  const client = new Etcd3({ hosts: clientAddress, dialTimeout: 1_000 });
  try {
    await waitFor(
      `etcd on ${clientAddress}`,
      async () => {
        if (!child.isRunning) {
          throw new Error(`etcd exited during startup; log tail:\n${child.logTail()}`);
        }
        await client.get("harness/ready-probe").options({ deadline: Date.now() + 1_000 });
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlog tail:\n${child.logTail()}`, { cause: err });
  } finally {
    client.close();
  }
}
