import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { Code, VtError } from "../vterrors/index.js";

/** Where an external program is looked for when it is not given explicitly. */
export interface BinarySearch {
  /** Candidate file names, in order of preference, e.g. ["mariadbd", "mysqld"]. */
  names: readonly string[];
  /** The Debian package that installs it, named in the error when nothing is found. */
  debianPackage: string;
  /**
   * An installation root to search first (`<root>/sbin`, `<root>/bin`), e.g. from --mysql-root.
   * When given, only this root is searched: a wrong root is an error, not a silent fallback.
   */
  root?: string;
  /** Environment variable naming such a root when `root` is not given, e.g. "VT_MYSQL_ROOT". */
  rootEnv?: string;
  /** Directories searched after PATH, before the standard system directories. */
  extraDirs?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

const SYSTEM_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin"];

/** No candidate name was found in any searched directory. */
export class BinaryNotFoundError extends VtError {
  constructor(
    readonly names: readonly string[],
    readonly searched: readonly string[],
    readonly debianPackage: string,
  ) {
    super(
      Code.FAILED_PRECONDITION,
      `${names.join(" or ")} not found (searched ${searched.join(", ")}); ` +
        `install it with 'apt-get install ${debianPackage}'`,
    );
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The directories `findBinary` searches, in order, without duplicates. */
export function binarySearchDirs(search: Omit<BinarySearch, "names" | "debianPackage">): string[] {
  const env = search.env ?? process.env;
  const root = search.root || (search.rootEnv ? env[search.rootEnv] : undefined);
  if (root) return [join(root, "sbin"), join(root, "bin")];
  const pathDirs = (env.PATH ?? "").split(delimiter).filter((dir) => dir !== "");
  return [...new Set([...pathDirs, ...(search.extraDirs ?? []), ...SYSTEM_DIRS])];
}

/**
 * The absolute path of the first candidate found: in the configured root if there is one,
 * else on PATH, then in `extraDirs` and the standard system directories.
 * Throws BinaryNotFoundError naming the candidates and the Debian package to install.
 */
export function findBinary(search: BinarySearch): string {
  const dirs = binarySearchDirs(search);
  for (const name of search.names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  throw new BinaryNotFoundError(search.names, dirs, search.debianPackage);
}
