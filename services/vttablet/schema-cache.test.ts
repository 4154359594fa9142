import { describe, expect, it } from "vitest";
import type { SchemaDefinition } from "../../libs/proto/tabletmanagerdata.js";
import type { MysqlDaemon } from "./mysql-daemon.js";
import { isDdl, SchemaCache } from "./schema-cache.js";
import { silentLogger } from "./testing/fakes.js";

const schemaWith = (...names: string[]): SchemaDefinition => ({
  databaseSchema: "CREATE DATABASE `{{.DatabaseName}}`",
  tableDefinitions: names.map((name) => ({
    name,
    schema: `CREATE TABLE \`${name}\` (id int)`,
    columns: ["id"],
    primaryKeyColumns: [],
    type: "BASE TABLE",
    dataLength: 0,
    rowCount: 0,
    fields: [],
  })),
});

/** A mysqld whose schema reads are answered from `tables`, each read held until `release()`. */
class FakeSchemaMysqld {
  tables: string[] = [];
  reads = 0;
  private waiting: (() => void)[] = [];

  withDba = async (): Promise<SchemaDefinition> => {
    this.reads++;
    const snapshot = [...this.tables];
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return schemaWith(...snapshot);
  };

  release(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

function cacheOver(mysqld: FakeSchemaMysqld): SchemaCache {
  return new SchemaCache(mysqld as unknown as MysqlDaemon, () => "vt_commerce", silentLogger);
}

describe("SchemaCache", () => {
  it("reads again after a read that started before the DDL, and coalesces the requests meanwhile", async () => {
    const mysqld = new FakeSchemaMysqld();
    const cache = cacheOver(mysqld);
    const first = cache.reload(); // e.g. a periodic reload, started before the DDL
    await settle();
    mysqld.tables = ["customer"]; // the DDL lands
    const second = cache.reload();
    const third = cache.reload();
    mysqld.release();
    expect((await first).tableDefinitions).toEqual([]);
    await settle();
    mysqld.release();
    expect((await second).tableDefinitions.map((t) => t.name)).toEqual(["customer"]);
    expect(await third).toBe(await second);
    expect(mysqld.reads).toBe(2);
    expect(cache.table("customer")?.columns).toEqual(["id"]);
  });

  it("counts versions and tells listeners which tables changed, only when something did", async () => {
    const mysqld = new FakeSchemaMysqld();
    const cache = cacheOver(mysqld);
    const seen: (readonly string[])[] = [];
    const stop = cache.onChange((_schema, changed) => seen.push(changed));
    const reload = async () => {
      const done = cache.reload();
      await settle();
      mysqld.release();
      await done;
    };
    expect(cache.version).toBe(0);
    mysqld.tables = ["product"];
    await reload();
    expect(cache.version).toBe(1);
    await reload();
    expect(cache.version).toBe(1);
    mysqld.tables = ["corder", "product"];
    await reload();
    expect(cache.version).toBe(2);
    expect(seen).toEqual([["product"], ["corder"]]);
    stop();
    mysqld.tables = [];
    await reload();
    expect(seen).toHaveLength(2);
    expect(cache.lastLoad).toBeInstanceOf(Date);
  });

  it("knows DDL statements", () => {
    expect(isDdl("/* x */ ALTER TABLE t ADD c int")).toBe(true);
    expect(isDdl("rename table a to b")).toBe(true);
    expect(isDdl("select 1")).toBe(false);
  });
});
