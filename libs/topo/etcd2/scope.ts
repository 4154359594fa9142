import type { Etcd3 } from "etcd3";
import { type Version, versionFromString } from "../conn.js";
import { TopoError, TopoErrorCode } from "../errors.js";
import { rootedKey } from "../path.js";

/** What every etcd operation needs: the client, the conn's root ("" for "/") and whether it is still open. */
export interface EtcdScope {
  readonly client: Etcd3;
  readonly root: string;
  assertOpen(): void;
}

export function keyOf(scope: EtcdScope, relativePath: string): string {
  return rootedKey(scope.root, relativePath);
}

/** A file's version is its etcd mod revision, in decimal. */
export function etcdVersion(modRevision: string): Version {
  return versionFromString(modRevision);
}

/** Checks a caller-supplied version is an etcd revision before it goes into a txn comparison. */
export function revisionOf(version: Version, path: string): string {
  if (!/^[1-9][0-9]*$/.test(version)) {
    throw new TopoError(TopoErrorCode.BadVersion, path, { detail: `not an etcd version: ${version}` });
  }
  return version;
}

/** Copies a Buffer from the client into a plain Uint8Array, as the TopoConn contract promises. */
export function bytesOf(buffer: Uint8Array): Uint8Array {
  return Uint8Array.from(buffer);
}
