import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { killRecorded } from "./registry.js";

declare module "vitest" {
  export interface ProvidedContext {
    vtTestRoot: string;
  }
}

/** Creates the run's temporary VTDATAROOT parent and, at the end, kills by pid anything a test left running. */
export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), "vitess-ts-test-"));
  project.provide("vtTestRoot", root);
  return () => {
    const leftovers = killRecorded(root);
    for (const record of leftovers) {
      console.warn(`global teardown killed ${record.name} (pid ${record.pid}) left running by a test`);
    }
    if (!process.env.VT_TEST_KEEP) rmSync(root, { recursive: true, force: true });
  };
}
