import type { Logger } from "pino";
import { readSchema } from "../../libs/mysql/schema.js";
import { changedTables } from "../../libs/mysql/schema-diff.js";
import type { SchemaDefinition, TableDefinition } from "../../libs/proto/tabletmanagerdata.js";
import type { MysqlDaemon } from "./mysql-daemon.js";

/** Statements after which the cached schema is stale. */
const DDL = /^\s*(?:\/\*.*?\*\/\s*)*(create|alter|drop|rename|truncate)\b/is;

export function isDdl(sql: string): boolean {
  return DDL.test(sql);
}

/** Called after a reload that changed the schema, with the names of the tables that changed. */
export type SchemaChangeListener = (schema: SchemaDefinition, changed: readonly string[]) => void;

/**
 * The read side of the schema cache, what the query service and VStream take: the current schema of the
 * tablet's database (tables and views with columns, primary keys and fields), a version that grows with
 * each change, and change notifications.
 */
export interface SchemaSource {
  readonly current: SchemaDefinition;
  /** 0 before the first load; incremented each time a reload finds a different schema. */
  readonly version: number;
  table(name: string): TableDefinition | undefined;
  /** Registers `listener`; returns the function that unregisters it. */
  onChange(listener: SchemaChangeListener): () => void;
}

/**
 * The tablet's copy of its database's schema, read from mysqld. Reloaded at start, on ReloadSchema, after
 * DDL run through the tablet manager (ExecuteFetchAsDba, ApplySchema, PreflightSchema) and every
 * --queryserver-config-schema-reload-time (which also picks up DDL that arrived by replication). A reload
 * asked for while one is running starts another read once it ends (the running one may predate the DDL);
 * requests arriving meanwhile share that next read.
 */
export class SchemaCache implements SchemaSource {
  private schema: SchemaDefinition = { databaseSchema: "", tableDefinitions: [] };
  private schemaVersion = 0;
  private loadedAt: Date | undefined;
  private running: Promise<SchemaDefinition> | undefined;
  private queued: Promise<SchemaDefinition> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<SchemaChangeListener>();

  constructor(
    private readonly mysqld: MysqlDaemon,
    private readonly dbName: () => string,
    private readonly logger: Logger,
  ) {}

  get current(): SchemaDefinition {
    return this.schema;
  }

  get version(): number {
    return this.schemaVersion;
  }

  get lastLoad(): Date | undefined {
    return this.loadedAt;
  }

  table(name: string): TableDefinition | undefined {
    return this.schema.tableDefinitions.find((table) => table.name === name);
  }

  onChange(listener: SchemaChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the schema from mysqld now (or right after the read under way) and returns it. */
  reload(): Promise<SchemaDefinition> {
    if (!this.running) {
      this.running = this.read().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.reload();
      });
    return this.queued;
  }

  private async read(): Promise<SchemaDefinition> {
    const schema = await this.mysqld.withDba((conn) =>
      readSchema(conn, this.dbName(), { includeViews: true }),
    );
    const changed = changedTables(this.schema, schema);
    const first = this.loadedAt === undefined;
    this.schema = schema;
    this.loadedAt = new Date();
    if (first || changed.length > 0) {
      this.schemaVersion++;
      this.logger.debug({ tables: schema.tableDefinitions.length, changed }, "schema reloaded");
      for (const listener of this.listeners) {
        try {
          listener(schema, changed);
        } catch (err) {
          this.logger.warn({ err: (err as Error).message }, "schema change listener failed");
        }
      }
    }
    return schema;
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
