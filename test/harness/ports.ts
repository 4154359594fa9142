import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const handedOut = new Set<number>();

/**
 * The first port of the kernel's ephemeral range (32768 by default). Ports handed to daemons are taken below
 * it: a port the kernel gives to a `listen(0)` (vttablet's frame port) or to an outgoing connection then never
 * takes one that was picked for a daemon that has not bound it yet.
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const PORT_LOW = 10_000;
const PORT_HIGH = ephemeralLow();

function randomPort(span = 0): number {
  return PORT_LOW + Math.floor(Math.random() * (PORT_HIGH - PORT_LOW - span));
}

/** A TCP port on 127.0.0.1 below the ephemeral range that is free now and was not handed out before here. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = randomPort();
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error("could not find a free TCP port on 127.0.0.1");
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * A base port such that base + each offset is free, for scripts that derive ports from one base
 * (the local example's tablet uid N listens on base + N).
 */
export async function freePortBase(offsets: readonly number[]): Promise<number> {
  const span = Math.max(...offsets);
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = randomPort(span);
    const ports = offsets.map((offset) => base + offset);
    if (ports.some((port) => handedOut.has(port))) continue;
    const free = await Promise.all(ports.map(canListen));
    if (free.every(Boolean)) {
      for (const port of ports) handedOut.add(port);
      return base;
    }
  }
  throw new Error(`could not find a free block of ports for offsets ${offsets.join(",")}`);
}
