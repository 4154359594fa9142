import { expect } from "vitest";
import { createGrpcClient } from "../../libs/grpc/index.js";
import {
  encodePosition,
  MARIADB_FLAVOR,
  type Position,
  parseFlavoredGtidSet,
  parsePosition,
  positionAtLeast,
} from "../../libs/mysql/replication/index.js";
import { Filter, type RowChange, type VEvent, VEventType } from "../../libs/proto/binlogdata.js";
import type { Target } from "../../libs/proto/query.js";
import { QueryService } from "../../libs/proto/queryservice.js";
import { TabletType } from "../../libs/proto/topodata.js";
import { createCellInfo, openTopoServer, type TopoServer } from "../../libs/topo/index.js";
import { type Code, VtError } from "../../libs/vterrors/index.js";
import { type EtcdHandle, startEtcd } from "./etcd.js";
import { type Connection, startMysqld, type TestMysqld } from "./mysqld.js";
import { makeTestDir } from "./test-dir.js";
import { type QueryClient, VStreamReader } from "./vstream-client.js";
import { startVttablet, type VttabletHandle } from "./vttablet.js";

export type Rules = { match: string; filter: string }[];

/**
 * One vttablet (replica of `keyspace`/0) on its own MariaDB and etcd, for VStream tests: a QueryService client,
 * a dba connection to the tablet's database (TIMESTAMPs in UTC, text as stored: what the binlog carries),
 * and helpers to open streams that are stopped with the tablet.
 */
export class VStreamTablet {
  readonly target: Target;
  readonly dbName: string;
  ts!: TopoServer;
  etcd!: EtcdHandle;
  mysqld!: TestMysqld;
  tablet!: VttabletHandle;
  client!: QueryClient;
  dba!: Connection;
  private readonly readers: VStreamReader[] = [];

  constructor(
    private readonly prefix: string,
    private readonly uid: number,
    readonly keyspace: string,
  ) {
    this.target = { keyspace, shard: "0", tabletType: TabletType.REPLICA, cell: "zone1" };
    this.dbName = `vt_${keyspace}`;
  }

  async start(): Promise<void> {
    const dir = makeTestDir(this.prefix);
    this.etcd = await startEtcd(dir);
    this.ts = await openTopoServer({
      implementation: "etcd2",
      globalServerAddress: this.etcd.clientAddress,
      globalRoot: "/vitess/global",
    });
    await createCellInfo(this.ts, "zone1", { serverAddress: this.etcd.clientAddress, root: "/vitess/zone1" });
    this.mysqld = await startMysqld(dir, { uid: this.uid });
    this.tablet = await startVttablet({
      tabletPath: `zone1-${this.uid}`,
      keyspace: this.keyspace,
      shard: "0",
      topoAddress: this.etcd.clientAddress,
      mysql: { socket: this.mysqld.socket, port: this.mysqld.port },
      dir,
    });
    this.client = createGrpcClient(QueryService, this.tablet.grpcAddress);
    this.dba = await this.mysqld.connect("vt_dba", { database: this.dbName });
    await this.dba.query("SET time_zone = '+00:00', character_set_results = NULL");
  }

  /** Stops every stream, then vttablet, mysqld and etcd (each only if it was started). */
  async stop(): Promise<void> {
    await Promise.all(this.readers.map((reader) => reader.stop()));
    this.client?.close();
    await this.dba?.end();
    await this.tablet?.stop();
    await this.mysqld?.shutdown();
    await this.ts?.close();
    await this.etcd?.stop();
  }

  async binlogPosition(): Promise<Position> {
    const [rows] = await this.dba.query("SELECT @@global.gtid_binlog_pos AS pos");
    return parseFlavoredGtidSet(MARIADB_FLAVOR, String((rows as { pos: string }[])[0]!.pos));
  }

  stream(rules: Rules, position = "current", target: Target = this.target): VStreamReader {
    const reader = new VStreamReader(this.client, {
      target,
      position,
      filter: Filter.fromPartial({ rules }),
    });
    this.readers.push(reader);
    return reader;
  }

  /** A stream at "current" that is surely attached: its first heartbeat came. */
  async streamFromNow(rules: Rules): Promise<VStreamReader> {
    const reader = this.stream(rules);
    await reader.until("the first heartbeat", (events) =>
      events.some((e) => e.type === VEventType.HEARTBEAT),
    );
    return reader;
  }

  /** The rows of a query as the raw bytes of the text protocol, as latin1 strings (1:1 with the bytes). */
  async selectRows(sql: string): Promise<(string | null)[][]> {
    const [rows] = await this.dba.query({ sql, rowsAsArray: true, typeCast: (field) => field.buffer() });
    return (rows as (Buffer | null)[][]).map((row) =>
      row.map((v) => (v === null ? null : v.toString("latin1"))),
    );
  }
}

/** The position of the last GTID event. */
export function lastGtid(events: readonly VEvent[]): Position | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    if (events[i]!.type === VEventType.GTID) return parsePosition(events[i]!.gtid);
  }
  return undefined;
}

/** Waits until the stream's GTID events reach `position`. */
export async function reached(reader: VStreamReader, position: Position): Promise<void> {
  await reader.until(`position ${encodePosition(position)}`, (events) => {
    const last = lastGtid(events);
    return last !== undefined && positionAtLeast(last, position);
  });
}

export function rowEvents(events: readonly VEvent[], table: string): RowChange[] {
  return events
    .filter((e) => e.type === VEventType.ROW && e.rowEvent?.tableName === table)
    .flatMap((e) => e.rowEvent!.rowChanges);
}

export async function expectStreamError(reader: VStreamReader, code: Code, message: RegExp): Promise<void> {
  const err = await reader.failure();
  expect(err).toBeInstanceOf(VtError);
  expect((err as VtError).code, (err as VtError).message).toBe(code);
  expect((err as VtError).message).toMatch(message);
}
