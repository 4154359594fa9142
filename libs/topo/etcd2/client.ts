import { Etcd3 } from "etcd3";

/** Vitess's --remote_operation_timeout: how long a single (non-streaming) etcd call may take. */
const CALL_TIMEOUT_MS = 15_000;

/**
 * Reconnect delays for watch streams: exponential from 100 ms, capped at 2 s, so a watch resumes within about
 * two seconds of etcd coming back (the client's default cap is 30 s). Structurally a cockatiel IBackoff.
 */
class WatchBackoff {
  constructor(readonly duration = 100) {}

  next(): WatchBackoff {
    return new WatchBackoff(Math.min(this.duration * 2, 2_000));
  }
}

/** A client for `serverAddress` ("host:port", or several comma-separated; an http(s):// prefix is allowed). */
export function createEtcdClient(serverAddress: string): Etcd3 {
  const hosts = serverAddress
    .split(",")
    .map((host) => host.trim())
    .filter((host) => host !== "");
  if (hosts.length === 0) throw new Error("etcd2 topo: empty server address");
  return new Etcd3({
    hosts,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_TIMEOUT_MS }),
    faultHandling: { watchBackoff: new WatchBackoff() },
  });
}
