import { failedPrecondition } from "../vterrors/index.js";

/** $VTDATAROOT: the directory holding every tablet's data (`vt_<uid>/`) and the local example's logs. */
export function vtDataRoot(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.VTDATAROOT;
  if (!root) {
    throw failedPrecondition(
      "VTDATAROOT is not set: export VTDATAROOT=<directory for tablet data>, e.g. $PWD/vtdataroot",
    );
  }
  return root;
}
