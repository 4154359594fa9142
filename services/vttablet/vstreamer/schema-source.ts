import { connectMysql, type MysqlAddress } from "../../../libs/mysql/connect.js";
import { readSchema, TABLE_VIEW } from "../../../libs/mysql/schema.js";
import type { TableDefinition } from "../../../libs/proto/tabletmanagerdata.js";
import type { TableSchema } from "./plan-builder.js";
import { tableSchemaOf } from "./table-fields.js";

/**
 * Where the vstreamer learns tables' columns: the tablet's schema cache (cheap, maybe stale) and, when
 * that does not match what the binlog says, mysqld itself.
 */
export interface SchemaSource {
  /** The table as the tablet's schema cache has it; undefined when unknown there. */
  cached(table: string): TableSchema | undefined;
  /** The table as mysqld has it now; undefined when it does not exist. */
  fresh(table: string): Promise<TableSchema | undefined>;
  /** A DDL statement went by in the binlog: the cache is stale. */
  changed(): void;
}

/** What the vstreamer needs of the tablet's SchemaCache. */
export interface TabletSchemaCache {
  table(name: string): TableDefinition | undefined;
  reloadQuietly(): Promise<void>;
}

export interface MysqlSchemaSourceOptions {
  cache: TabletSchemaCache | undefined;
  address: MysqlAddress;
  user: string;
  password: string;
  dbName: () => string;
}

/** Reads one base table (not a view) of the tablet's database from mysqld. */
export async function readTable(
  options: Pick<MysqlSchemaSourceOptions, "address" | "user" | "password">,
  dbName: string,
  table: string,
): Promise<TableSchema | undefined> {
  const conn = await connectMysql(options.address, { user: options.user, password: options.password });
  try {
    const schema = await readSchema(conn, dbName, { tables: [table] });
    const definition = schema.tableDefinitions.find((t) => t.name === table && t.type !== TABLE_VIEW);
    return definition === undefined ? undefined : tableSchemaOf(definition);
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** The tablet's SchemaCache, and mysqld when the cache falls short; DDL triggers one cache reload. */
export class MysqlSchemaSource implements SchemaSource {
  private reloading = false;

  constructor(private readonly options: MysqlSchemaSourceOptions) {}

  cached(table: string): TableSchema | undefined {
    const definition = this.options.cache?.table(table);
    return definition === undefined || definition.fields.length === 0 ? undefined : tableSchemaOf(definition);
  }

  fresh(table: string): Promise<TableSchema | undefined> {
    return readTable(this.options, this.options.dbName(), table);
  }

  changed(): void {
    const cache = this.options.cache;
    if (cache === undefined || this.reloading) return;
    this.reloading = true;
    void cache.reloadQuietly().finally(() => {
      this.reloading = false;
    });
  }
}
