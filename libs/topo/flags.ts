import { defineFlags, type FlagValues } from "../flags/index.js";
import { openTopoServer, type TopoServer } from "./server.js";

/**
 * The topology flags every daemon and CLI shares, with Vitess's names and defaults. Spread them into a
 * daemon's own spec: `defineFlags({ ...topoFlags, port: {...} })`.
 */
export const topoFlags = defineFlags({
  "topo-implementation": {
    type: "string",
    default: "etcd2",
    help: "the topology implementation to use (etcd2, memory)",
  },
  "topo-global-server-address": {
    type: "string",
    default: "",
    help: "the address of the global topology server",
  },
  "topo-global-root": {
    type: "string",
    default: "/vitess/global",
    help: "the path of the global topology data in the global topology server",
  },
  "topo-etcd-lease-ttl": {
    type: "int",
    default: 30,
    help: "lease TTL in seconds for locks; the client keeps the lease alive while it runs",
  },
  "lock-timeout": {
    type: "duration",
    default: 45_000,
    help: "maximum time to wait when attempting to acquire a lock from the topo server",
  },
});

export type TopoFlagValues = FlagValues<typeof topoFlags>;

/** Opens the TopoServer described by parsed topo flags (a daemon's values may hold more flags). */
export function openTopoServerFromFlags(values: TopoFlagValues): Promise<TopoServer> {
  return openTopoServer({
    implementation: values["topo-implementation"],
    globalServerAddress: values["topo-global-server-address"],
    globalRoot: values["topo-global-root"],
    lockTtlMs: values["topo-etcd-lease-ttl"] * 1000,
    lockTimeoutMs: values["lock-timeout"],
  });
}
