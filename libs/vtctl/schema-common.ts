import { type Event, Level } from "../proto/logutil.js";
import type { GetSchemaRequest, SchemaDefinition } from "../proto/tabletmanagerdata.js";
import { type Tablet, type TabletAlias, TabletType } from "../proto/topodata.js";
import { tabletAliasEqual, tabletAliasString } from "../topo/index.js";
import { errorCode, errorMessage, VtError } from "../vterrors/index.js";
import { aliasOf, getTabletOrNotFound, nowTime, tabletMapForShard } from "./common.js";
import type { VtctlEnv } from "./env.js";
import { tabletGrpcAddress } from "./tmclient.js";

/** A tablet RPC's error message without the `host:port: ` the gRPC client puts in front. */
export function tabletErrorMessage(err: unknown, tablet: Tablet): string {
  const message = errorMessage(err);
  let address: string | undefined;
  try {
    address = tabletGrpcAddress(tablet);
  } catch {
    address = undefined;
  }
  return address !== undefined && message.startsWith(`${address}: `)
    ? message.slice(address.length + 2)
    : message;
}

/** Vitess's schematools.GetSchema: the tablet's record, then its schema; errors name the tablet. */
export async function getTabletSchema(
  env: VtctlEnv,
  alias: TabletAlias,
  request: Partial<GetSchemaRequest>,
): Promise<{ tablet: Tablet; schema: SchemaDefinition }> {
  const tablet = await getTabletOrNotFound(env.ts, alias);
  try {
    const { schemaDefinition } = await env.tmc.forTablet(tablet).getSchema(
      {
        tables: request.tables ?? [],
        excludeTables: request.excludeTables ?? [],
        includeViews: request.includeViews ?? false,
        tableSchemaOnly: request.tableSchemaOnly ?? false,
      },
      { timeoutMs: env.remoteOperationTimeoutMs },
    );
    return { tablet, schema: schemaDefinition ?? { databaseSchema: "", tableDefinitions: [] } };
  } catch (err) {
    throw new VtError(
      errorCode(err),
      `GetSchema(${aliasOf(tablet)}) failed: ${tabletErrorMessage(err, tablet)}`,
      {
        cause: err,
      },
    );
  }
}

/** Log events of a best-effort operation over several tablets (ReloadSchemaShard's answer). */
export class EventLog {
  readonly events: Event[] = [];

  constructor(private readonly env: VtctlEnv) {}

  info(message: string): void {
    this.events.push({ time: nowTime(), level: Level.INFO, file: "schema.ts", line: 0, value: message });
    this.env.logger.info(message);
  }

  warn(message: string): void {
    this.events.push({ time: nowTime(), level: Level.WARNING, file: "schema.ts", line: 0, value: message });
    this.env.logger.warn(message);
  }
}

export interface ReloadShardOptions {
  /** Each tablet first waits to have replicated up to this position (empty: reload now). */
  waitPosition?: string;
  includePrimary?: boolean;
  /** Tablets reloaded at once (0: all). */
  concurrency?: number;
  timeoutMs: number;
  log?: EventLog;
}

/**
 * Vitess's schematools.ReloadShard: asks the shard's tablets to reload their schema cache, best effort (a
 * failure is logged, not thrown). Returns whether every tablet reloaded.
 */
export async function reloadShard(
  env: VtctlEnv,
  keyspace: string,
  shard: string,
  options: ReloadShardOptions,
): Promise<boolean> {
  const log = options.log ?? new EventLog(env);
  const tablets = [...(await tabletMapForShard(env.ts, keyspace, shard)).values()].filter(
    (t) => options.includePrimary || t.type !== TabletType.PRIMARY,
  );
  const limit = options.concurrency && options.concurrency > 0 ? options.concurrency : tablets.length;
  let ok = true;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tablets.length) {
      const tablet = tablets[next++] as Tablet;
      try {
        await env.tmc
          .forTablet(tablet)
          .reloadSchema({ waitPosition: options.waitPosition ?? "" }, { timeoutMs: options.timeoutMs });
      } catch (err) {
        ok = false;
        log.warn(
          `Failed to reload schema on replica tablet ${aliasOf(tablet)} in ${keyspace}/${shard} (position: ${options.waitPosition || "none"}): ${tabletErrorMessage(err, tablet)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  return ok;
}

/**
 * After a schema change on `primary`: its position, then every other tablet of the shard reloads once it has
 * replicated that far (Vitess's ApplySchema waits up to --wait-replicas-timeout this way). Best effort.
 */
export async function reloadShardReplicas(
  env: VtctlEnv,
  keyspace: string,
  shard: string,
  primary: Tablet,
  timeoutMs: number,
): Promise<void> {
  let position = "";
  try {
    ({ position } = await env.tmc
      .forTablet(primary)
      .primaryPosition({}, { timeoutMs: env.remoteOperationTimeoutMs }));
  } catch (err) {
    env.logger.warn(
      { shard: `${keyspace}/${shard}`, err: errorMessage(err) },
      "cannot read the primary position; replicas reload without waiting",
    );
  }
  const tablets = [...(await tabletMapForShard(env.ts, keyspace, shard)).values()].filter(
    (t) => !tabletAliasEqual(t.alias, primary.alias),
  );
  await Promise.all(
    tablets.map(async (tablet) => {
      try {
        await env.tmc.forTablet(tablet).reloadSchema({ waitPosition: position }, { timeoutMs });
      } catch (err) {
        env.logger.warn(
          { tablet: tablet.alias ? tabletAliasString(tablet.alias) : "?", err: errorMessage(err) },
          "replica did not reload its schema after the change (it may be lagging)",
        );
      }
    }),
  );
}
