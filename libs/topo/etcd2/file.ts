import type { FileData, Version } from "../conn.js";
import { TopoError, TopoErrorCode } from "../errors.js";
import { normalizeFilePath } from "../path.js";
import { convertError } from "./errors.js";
import { bytesOf, type EtcdScope, etcdVersion, keyOf, revisionOf } from "./scope.js";

export async function getFile(scope: EtcdScope, path: string): Promise<FileData> {
  scope.assertOpen();
  const relative = normalizeFilePath(path);
  const response = await scope.client
    .get(keyOf(scope, relative))
    .exec()
    .catch((err: unknown) => {
      throw convertError(err, relative);
    });
  const kv = response.kvs[0];
  if (!kv) throw new TopoError(TopoErrorCode.NoNode, relative);
  return { contents: bytesOf(kv.value), version: etcdVersion(kv.mod_revision) };
}

/** Creates only if the key has never been written since its last deletion (version 0), in one txn. */
export async function createFile(scope: EtcdScope, path: string, contents: Uint8Array): Promise<Version> {
  scope.assertOpen();
  const relative = normalizeFilePath(path);
  const key = keyOf(scope, relative);
  const client = scope.client;
  const response = await client
    .if(key, "Version", "==", 0)
    .then(client.put(key).value(Buffer.from(contents)))
    .commit()
    .catch((err: unknown) => {
      throw convertError(err, relative);
    });
  if (!response.succeeded) throw new TopoError(TopoErrorCode.NodeExists, relative);
  return etcdVersion(response.header.revision);
}

/**
 * Versioned updates compare the mod revision in a txn whose else-branch reads the key, so one round trip tells
 * BadVersion (key present, other revision) from NoNode (key gone).
 */
export async function updateFile(
  scope: EtcdScope,
  path: string,
  contents: Uint8Array,
  version: Version | null,
): Promise<Version> {
  scope.assertOpen();
  const relative = normalizeFilePath(path);
  const key = keyOf(scope, relative);
  const client = scope.client;
  const put = client.put(key).value(Buffer.from(contents));
  try {
    if (version === null) return etcdVersion((await put.exec()).header.revision);
    const response = await client
      .if(key, "Mod", "==", revisionOf(version, relative))
      .then(put)
      .else(client.get(key))
      .commit();
    if (!response.succeeded)
      throw mismatch(response.responses[0]?.response_range?.kvs ?? [], relative, version);
    return etcdVersion(response.header.revision);
  } catch (err) {
    throw convertError(err, relative);
  }
}

export async function deleteFile(scope: EtcdScope, path: string, version: Version | null): Promise<void> {
  scope.assertOpen();
  const relative = normalizeFilePath(path);
  const key = keyOf(scope, relative);
  const client = scope.client;
  try {
    if (version === null) {
      const response = await client.delete().key(key).exec();
      if (response.deleted === "0") throw new TopoError(TopoErrorCode.NoNode, relative);
      return;
    }
    const response = await client
      .if(key, "Mod", "==", revisionOf(version, relative))
      .then(client.delete().key(key))
      .else(client.get(key))
      .commit();
    if (!response.succeeded)
      throw mismatch(response.responses[0]?.response_range?.kvs ?? [], relative, version);
  } catch (err) {
    throw convertError(err, relative);
  }
}

function mismatch(kvs: { mod_revision: string }[], relative: string, version: Version): TopoError {
  const current = kvs[0];
  if (!current) return new TopoError(TopoErrorCode.NoNode, relative);
  return new TopoError(TopoErrorCode.BadVersion, relative, {
    detail: `expected version ${version}, found ${current.mod_revision}`,
  });
}
