import { TopoError, TopoErrorCode } from "./errors.js";

/**
 * Topology paths are relative to a connection's root (a leading "/" is tolerated and dropped). They must not
 * escape the root or alias another key, so empty segments ("a//b", trailing "/"), "." and ".." are refused
 * before anything reaches the store.
 */
export function normalizeFilePath(path: string): string {
  const trimmed = path.startsWith("/") ? path.slice(1) : path;
  if (trimmed === "") throw invalidPath(path, "a file path needs at least one segment");
  checkSegments(path, trimmed);
  return trimmed;
}

/** Like normalizeFilePath, but "" and "/" name the root directory itself (returned as ""). */
export function normalizeDirPath(path: string): string {
  const trimmed = path.startsWith("/") ? path.slice(1) : path;
  if (trimmed === "") return "";
  checkSegments(path, trimmed);
  return trimmed;
}

/** A backend root such as "/vitess/global": absolute, no trailing slash (except the bare "/"). */
export function normalizeRoot(root: string): string {
  if (!root.startsWith("/")) throw invalidPath(root, "a topo root must start with /");
  const trimmed = root.replace(/\/+$/, "");
  if (trimmed === "") return "";
  checkSegments(root, trimmed.slice(1));
  return trimmed;
}

/** Joins already-normalized relative paths; empty parts are skipped so the root directory can be "". */
export function joinPath(...parts: string[]): string {
  return parts.filter((part) => part !== "").join("/");
}

/** The backend key of a normalized relative path under a normalized root ("" is the root directory: "<root>/"). */
export function rootedKey(root: string, relativePath: string): string {
  return `${root}/${relativePath}`;
}

/** Checks one name used as a single path segment (a keyspace, shard, cell or tablet alias). */
export function checkPathSegment(kind: string, name: string): string {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw new TopoError(TopoErrorCode.InvalidPath, `${kind} ${JSON.stringify(name)}`, {
      detail: "a name must be non-empty and contain no '/'",
    });
  }
  return name;
}

function checkSegments(original: string, trimmed: string): void {
  for (const segment of trimmed.split("/")) {
    if (segment === "") throw invalidPath(original, "empty path segment");
    if (segment === "." || segment === "..")
      throw invalidPath(original, `segment "${segment}" is not allowed`);
    if (segment.includes("\0")) throw invalidPath(original, "NUL byte in path");
  }
}

function invalidPath(path: string, why: string): TopoError {
  return new TopoError(TopoErrorCode.InvalidPath, JSON.stringify(path), { detail: why });
}
