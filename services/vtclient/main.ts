import { parseTabletType } from "../../libs/discovery/index.js";
import { defineFlags, FlagError, flagUsage, parseFlags } from "../../libs/flags/index.js";
import { createGrpcClient } from "../../libs/grpc/index.js";
import { unpackRow } from "../../libs/mysql/query-result.js";
import type { VEvent, VGtid } from "../../libs/proto/binlogdata.js";
import type { TabletType } from "../../libs/proto/topodata.js";
import { ExecuteRequest, VStreamRequest, type VStreamResponse } from "../../libs/proto/vtgate.js";
import { VitessService } from "../../libs/proto/vtgateservice.js";
import { runProgram } from "../../libs/servenv/index.js";
import { errorMessage } from "../../libs/vterrors/index.js";
import { filterOf } from "./filters.js";
import { eventJsonLine, parseVGtidJson } from "./vgtid-json.js";

const globalFlags = defineFlags({
  server: { type: "string", default: "localhost:15991", help: "vtgate gRPC address" },
});

const vstreamFlags = defineFlags({
  keyspace: { type: "string", default: "", help: "keyspace to stream (required)" },
  shard: { type: "string", default: "", help: "one shard only (default: every shard of the keyspace)" },
  "tablet-type": {
    type: "string",
    default: "primary",
    help: "tablet type to stream from: primary, replica, rdonly",
  },
  position: {
    type: "string",
    default: "current",
    help: 'where to start: "current", "" to copy the tables first, or a VGtid in JSON as printed in VGTID events',
  },
  filter: {
    type: "stringArray",
    default: [],
    help: "a rule: a table name, /regexp/ or a select on one table (repeatable; default every table)",
  },
  count: { type: "int", default: 0, help: "exit after this many events (0: until interrupted)" },
  timeout: { type: "duration", default: 0, help: "exit after this long (0: no limit)" },
});

const queryFlags = defineFlags({
  target: { type: "string", default: "", help: "keyspace[:shard][@type] to run the query in" },
  timeout: { type: "duration", default: 30_000, help: "timeout for the query" },
});

function usage(): string {
  return [
    "vtclient talks to vtgate over gRPC.",
    "",
    "Usage:",
    "  vtclient [--server host:port] vstream --keyspace <ks> [--shard <shard>] [--tablet-type primary|replica|rdonly]",
    "           [--position current|''|'<vgtid json>'] [--filter <rule>]... [--count N] [--timeout 30s]",
    "  vtclient [--server host:port] query [--target ks] '<sql>'",
    "",
    "Flags:",
    flagUsage(globalFlags),
    "",
    "vstream flags:",
    flagUsage(vstreamFlags),
    "",
    "query flags:",
    flagUsage(queryFlags),
  ].join("\n");
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);

function vgtidOf(position: string, keyspace: string, shard: string): VGtid {
  const trimmed = position.trim();
  if (trimmed === "current" || trimmed === "") {
    return { shardGtids: [{ keyspace, shard, gtid: trimmed, tablePKs: [] }] };
  }
  return parseVGtidJson(trimmed);
}

async function vstream(server: string, argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(vstreamFlags, argv);
  if (positionals.length > 0) throw new FlagError(`vstream takes no arguments: ${positionals.join(" ")}`);
  const position = values.position;
  if (values.keyspace === "" && !position.trim().startsWith("{"))
    throw new FlagError("vstream needs --keyspace");
  let tabletType: TabletType | undefined;
  try {
    tabletType = parseTabletType(values["tablet-type"]);
  } catch {
    tabletType = undefined;
  }
  if (tabletType === undefined) throw new FlagError(`invalid --tablet-type ${values["tablet-type"]}`);
  let vgtid: VGtid;
  try {
    vgtid = vgtidOf(position, values.keyspace, values.shard);
  } catch (err) {
    throw new FlagError(errorMessage(err));
  }
  const client = createGrpcClient(VitessService, server);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const timer = values.timeout > 0 ? setTimeout(stop, values.timeout) : undefined;
  let printed = 0;
  try {
    const stream = client.rpc.vStream(
      VStreamRequest.fromPartial({ tabletType, vgtid, filter: filterOf(values.filter) }),
      { signal: controller.signal },
    ) as AsyncIterable<VStreamResponse>;
    for await (const response of stream) {
      for (const event of response.events as VEvent[]) {
        out(eventJsonLine(event));
        printed++;
        if (values.count > 0 && printed >= values.count) return 0;
      }
    }
    return 0;
  } catch (err) {
    if (controller.signal.aborted) return 0;
    throw err;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    controller.abort();
    client.close();
  }
}

async function query(server: string, argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(queryFlags, argv);
  if (positionals.length !== 1) throw new FlagError("query takes one SQL statement");
  const client = createGrpcClient(VitessService, server);
  try {
    const response = await client.rpc.execute(
      ExecuteRequest.fromPartial({
        query: { sql: positionals[0] as string, bindVariables: {} },
        session: { autocommit: true, targetString: values.target },
      }),
      { timeoutMs: values.timeout },
    );
    if (response.error !== undefined) throw new Error(response.error.message);
    const result = response.result;
    if (result === undefined) return 0;
    if (result.fields.length > 0) {
      out(result.fields.map((f) => f.name).join("\t"));
      for (const row of result.rows) {
        out(
          unpackRow(row)
            .map((v) => (v === null ? "NULL" : Buffer.from(v).toString("utf8")))
            .join("\t"),
        );
      }
    } else {
      out(`${result.rowsAffected} rows affected`);
    }
    return 0;
  } finally {
    client.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(globalFlags, argv, { stopAtFirstPositional: true });
  const [command, ...rest] = positionals;
  if (command === "vstream") return vstream(values.server, rest);
  if (command === "query") return query(values.server, rest);
  throw new FlagError(command === undefined ? "a command is required" : `unknown command "${command}"`);
}

await runProgram({ name: "vtclient", usage, main });
// A finished command must not wait for gRPC channels winding down.
setTimeout(() => process.exit(), 1_000).unref();
