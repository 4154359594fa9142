import type { FileEntry } from "../conn.js";
import { TopoError, TopoErrorCode } from "../errors.js";
import { normalizeDirPath } from "../path.js";
import { convertError } from "./errors.js";
import { bytesOf, type EtcdScope, etcdVersion, keyOf } from "./scope.js";

/** etcd has no directories: list the keys under "<dir>/" (keys only) and keep their first segment. */
export async function listDir(scope: EtcdScope, dirPath: string): Promise<string[]> {
  scope.assertOpen();
  const relative = normalizeDirPath(dirPath);
  const prefix = `${keyOf(scope, relative)}${relative === "" ? "" : "/"}`;
  const keys = await scope.client
    .getAll()
    .prefix(prefix)
    .keys()
    .catch((err: unknown) => {
      throw convertError(err, relative || "/");
    });
  const names = new Set(keys.map((key) => key.slice(prefix.length).split("/")[0] as string));
  if (names.size === 0) throw new TopoError(TopoErrorCode.NoNode, relative || "/");
  return [...names].sort();
}

export async function listFilesRecursive(scope: EtcdScope, dirPath: string): Promise<FileEntry[]> {
  scope.assertOpen();
  const relative = normalizeDirPath(dirPath);
  const rootPrefix = keyOf(scope, "");
  const prefix = `${keyOf(scope, relative)}${relative === "" ? "" : "/"}`;
  const response = await scope.client
    .getAll()
    .prefix(prefix)
    .exec()
    .catch((err: unknown) => {
      throw convertError(err, relative || "/");
    });
  return response.kvs
    .map((kv) => ({
      path: kv.key.toString("utf8").slice(rootPrefix.length),
      contents: bytesOf(kv.value),
      version: etcdVersion(kv.mod_revision),
    }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
