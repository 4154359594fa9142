import { dirname, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { type Connection, createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyCommerceSchema,
  type CommerceCluster,
  type ShardTablets,
  startCommerceCluster,
  startCustomerShard,
} from "../harness/cluster.js";
import { startVtgate, type VtgateHandle } from "../harness/vtgate.js";
import { waitFor } from "../harness/wait.js";

const _ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MT = ["MoveTables", "--target-keyspace", "customer", "--workflow", "commerce2customer"];

let cluster: CommerceCluster | undefined;
let customer: ShardTablets | undefined;
let vtgate: VtgateHandle | undefined;
const conns: Connection[] = [];

const ok = (...args: string[]): Promise<string> => (cluster as CommerceCluster).ok(...args);

async function connect(): Promise<Connection> {
  const conn = await createConnection({
    host: "127.0.0.1",
    port: (vtgate as VtgateHandle).mysqlPort,
    user: "harness",
    database: "commerce",
  });
  conns.push(conn);
  return conn;
}

beforeAll(async () => {
  cluster = await startCommerceCluster("movetables-writer");
  await applyCommerceSchema(cluster as CommerceCluster);
  customer = await startCustomerShard(cluster as CommerceCluster);
  vtgate = await startVtgate({ topoAddress: cluster.etcd.clientAddress, dir: cluster.dir });
}, 300_000);

afterAll(async () => {
  for (const conn of conns) await conn.end().catch(() => undefined);
  await vtgate?.stop();
  await customer?.stop();
  await cluster?.stop();
}, 120_000);

/** Inserts rows one after the other through vtgate; remembers the acknowledged ones and the longest refusal. */
class Writer {
  readonly acknowledged: string[] = [];
  longestOutageMs = 0;
  errors = 0;
  lastError = "";
  /** The slowest acknowledged insert: how long a write waited. */
  longestInsertMs = 0;
  private stopped = false;
  private done: Promise<void> | undefined;

  start(conn: Connection): void {
    this.done = (async () => {
      let n = 0;
      let failingSince: number | undefined;
      while (!this.stopped) {
        const email = `writer-${n++}@domain.com`;
        const startedAt = Date.now();
        try {
          await conn.query("insert into customer(email) values(?)", [email]);
          this.longestInsertMs = Math.max(this.longestInsertMs, Date.now() - startedAt);
          this.acknowledged.push(email);
          if (failingSince !== undefined) {
            this.longestOutageMs = Math.max(this.longestOutageMs, Date.now() - failingSince);
            failingSince = undefined;
          }
        } catch (err) {
          this.lastError = `${email}: ${(err as Error).message}`;
          this.errors++;
          failingSince ??= Date.now();
          await sleep(10);
        }
        await sleep(5);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}

describe("a writer through vtgate during MoveTables", () => {
  it("every acknowledged insert exists exactly once after create, SwitchTraffic, ReverseTraffic, SwitchTraffic, complete", async () => {
    const writer = new Writer();
    writer.start(await connect());
    await sleep(500);
    await ok(...MT, "create", "--source-keyspace", "commerce", "--tables", "customer,corder");
    await waitFor(
      "the workflow to replicate",
      async () => {
        const json = JSON.parse(await ok(...MT, "status", "--format=json"));
        return json.shard_streams["customer/0"]?.streams[0]?.status === "Running";
      },
      { timeoutMs: 60_000 },
    );
    await sleep(500);
    await ok(...MT, "SwitchTraffic");
    await sleep(1_000);
    await ok(...MT, "ReverseTraffic");
    await sleep(1_000);
    await ok(...MT, "SwitchTraffic");
    await sleep(1_000);
    await ok(...MT, "complete");
    await sleep(500);
    await writer.stop();

    const reader = await connect();
    const [rows] = await reader.query({ sql: "select email from customer.customer", rowsAsArray: true });
    const emails = (rows as string[][]).map((row) => String(row[0]));
    const seen = new Map<string, number>();
    for (const email of emails) seen.set(email, (seen.get(email) ?? 0) + 1);
    const missing = writer.acknowledged.filter((email) => !seen.has(email));
    const duplicated = [...seen].filter(([, count]) => count > 1).map(([email]) => email);
    console.log(
      `writer: ${writer.acknowledged.length} acknowledged inserts, ${writer.errors} refused (last: ${writer.lastError}); longest time writes were refused: ${writer.longestOutageMs} ms; slowest acknowledged insert: ${writer.longestInsertMs} ms`,
    );
    if (missing.length > 0) {
      console.log(
        "refused:",
        writer.lastError,
        "missing:",
        missing,
        "last acknowledged:",
        writer.acknowledged.slice(-3),
      );
      console.log(
        "on zone1-200:",
        await ok("ExecuteFetchAsDBA", "zone1-200", "select count(*), max(email) from customer"),
      );
      console.log(
        "on zone1-100:",
        await (cluster as CommerceCluster).client("ExecuteFetchAsDBA", "zone1-100", "show tables"),
      );
    }
    expect(writer.acknowledged.length).toBeGreaterThan(100);
    expect(missing).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(writer.longestOutageMs).toBeLessThan(30_000);
  }, 240_000);
});
