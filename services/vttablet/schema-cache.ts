import type { Logger } from "pino";
import { readSchema } from "../../libs/mysql/schema.js";
import type { SchemaDefinition, TableDefinition } from "../../libs/proto/tabletmanagerdata.js";
import type { MysqlDaemon } from "./mysql-daemon.js";

/** Statements after which the cached schema is stale. */
const DDL = /^\s*(?:\/\*.*?\*\/\s*)*(create|alter|drop|rename|truncate)\b/is;

export function isDdl(sql: string): boolean {
  return DDL.test(sql);
}

/**
 * The tablet's copy of its database's schema (tables, views, columns, primary keys), read from mysqld. Reloaded
 * at start, on ReloadSchema, after DDL run through the tablet manager and every --queryserver-config-schema-
 * reload-time; later readers (vtgate column lists, VStream field events) take it from here instead of asking
 * mysqld each time. Concurrent reloads share one read.
 */
export class SchemaCache {
  private schema: SchemaDefinition = { databaseSchema: "", tableDefinitions: [] };
  private loadedAt: Date | undefined;
  private inFlight: Promise<SchemaDefinition> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly mysqld: MysqlDaemon,
    private readonly dbName: () => string,
    private readonly logger: Logger,
  ) {}

  get current(): SchemaDefinition {
    return this.schema;
  }

  get lastLoad(): Date | undefined {
    return this.loadedAt;
  }

  table(name: string): TableDefinition | undefined {
    return this.schema.tableDefinitions.find((table) => table.name === name);
  }

  reload(): Promise<SchemaDefinition> {
    this.inFlight ??= (async () => {
      try {
        const schema = await this.mysqld.withDba((conn) =>
          readSchema(conn, this.dbName(), { includeViews: true }),
        );
        this.schema = schema;
        this.loadedAt = new Date();
        this.logger.debug({ tables: schema.tableDefinitions.length }, "schema reloaded");
        return schema;
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }

  /** Reloads, logging instead of failing: for reloads that follow another action. */
  async reloadQuietly(): Promise<void> {
    try {
      await this.reload();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, "schema reload failed");
    }
  }

  startPeriodicReload(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => void this.reloadQuietly(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
