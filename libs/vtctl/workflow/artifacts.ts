import { isTopoError, TopoErrorCode, type TopoServer } from "../../topo/index.js";

/**
 * Everything a workflow created, recorded with it (global `keyspaces/<target>/workflows/<name>/Artifacts`), so
 * a failed create, cancel and complete remove exactly these and nothing else.
 */
export interface WorkflowArtifacts {
  workflow: string;
  sourceKeyspace: string;
  targetKeyspace: string;
  tables: string[];
  /** Tables this workflow created on each target shard (ones that already existed are not listed). */
  createdTables: Record<string, string[]>;
  /** Tables this workflow added to the target keyspace's VSchema. */
  vschemaTables: string[];
  /** The fromTable of every routing rule this workflow wrote. */
  routingRules: string[];
  /** Target shards holding the workflow's streams. */
  streamShards: string[];
}

export function artifactsPath(keyspace: string, workflow: string): string {
  return `keyspaces/${keyspace}/workflows/${workflow}/Artifacts`;
}

export function emptyArtifacts(
  workflow: string,
  source: string,
  target: string,
  tables: string[],
): WorkflowArtifacts {
  return {
    workflow,
    sourceKeyspace: source,
    targetKeyspace: target,
    tables,
    createdTables: {},
    vschemaTables: [],
    routingRules: [],
    streamShards: [],
  };
}

/** The recorded artifacts, or undefined when the workflow has no record (made by another tool). */
export async function readArtifacts(
  ts: TopoServer,
  keyspace: string,
  workflow: string,
): Promise<WorkflowArtifacts | undefined> {
  try {
    const { contents } = await ts.globalConn.get(artifactsPath(keyspace, workflow));
    return JSON.parse(Buffer.from(contents).toString("utf8")) as WorkflowArtifacts;
  } catch (err) {
    if (isTopoError(err, TopoErrorCode.NoNode)) return undefined;
    throw err;
  }
}

export async function saveArtifacts(ts: TopoServer, artifacts: WorkflowArtifacts): Promise<void> {
  const contents = Buffer.from(JSON.stringify(artifacts));
  await ts.globalConn.update(artifactsPath(artifacts.targetKeyspace, artifacts.workflow), contents, null);
}

export async function deleteArtifacts(ts: TopoServer, keyspace: string, workflow: string): Promise<void> {
  try {
    await ts.globalConn.delete(artifactsPath(keyspace, workflow), null);
  } catch (err) {
    if (!isTopoError(err, TopoErrorCode.NoNode)) throw err;
  }
}
