import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { testRoot } from "./processes.js";

/** A fresh directory under the run's root, used as one test file's VTDATAROOT. */
export function makeTestDir(prefix: string): string {
  return mkdtempSync(join(testRoot(), `${prefix}-`));
}
