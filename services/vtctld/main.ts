import { defineFlags, FlagError, flagUsage, parseFlags } from "../../libs/flags/index.js";
import { GrpcServer } from "../../libs/grpc/index.js";
import { VtctldService } from "../../libs/proto/vtctlservice.js";
import {
  createLogger,
  DaemonHttpServer,
  handleTerminationSignals,
  onShutdown,
  runProgram,
  servenvFlags,
  writePidFile,
} from "../../libs/servenv/index.js";
import { getCellInfoNames, openTopoServerFromFlags, topoFlags } from "../../libs/topo/index.js";
import {
  createVtctldService,
  GrpcTabletManagerClientFactory,
  type VtctldHandlers,
} from "../../libs/vtctl/index.js";
import { errorMessage } from "../../libs/vterrors/index.js";
import { instrumentHandlers } from "./metrics.js";
import { topologySections } from "./status.js";

const flags = defineFlags({
  ...servenvFlags,
  ...topoFlags,
  port: { type: "int", default: 15000, help: "HTTP port: /debug/status, /healthz, /metrics" },
  "grpc-port": { type: "int", default: 15999, help: "gRPC port of the VtctldService" },
  "bind-address": { type: "string", default: "0.0.0.0", help: "address the HTTP and gRPC servers listen on" },
  cell: {
    type: "string",
    default: "",
    help: "cell this vtctld runs in (informational; vtctld serves every cell)",
  },
  "remote-operation-timeout": {
    type: "duration",
    default: 15_000,
    help: "time to wait for a remote operation (one tablet RPC)",
  },
  "grpc-shutdown-grace": {
    type: "duration",
    default: 5_000,
    help: "on SIGTERM, how long calls in flight may take to finish",
  },
});

function usage(): string {
  return [
    "Usage: vtctld [flags]",
    "",
    "Serves the VtctldService (cluster management) over gRPC.",
    "",
    "Flags:",
    flagUsage(flags),
  ].join("\n");
}

async function main(argv: string[]): Promise<number | undefined> {
  const { values, positionals } = parseFlags(flags, argv);
  if (positionals.length > 0) throw new FlagError(`unexpected arguments: ${positionals.join(" ")}`);
  const logger = createLogger("vtctld", {
    logDir: values["log-dir"] || undefined,
    level: values["log-level"],
  });
  handleTerminationSignals();
  if (values["pid-file"]) onShutdown(writePidFile(values["pid-file"]));

  const ts = await openTopoServerFromFlags(values);
  onShutdown(() => ts.close());
  const tmc = new GrpcTabletManagerClientFactory();
  onShutdown(() => tmc.close());

  const http = new DaemonHttpServer("vtctld", logger);
  const handlers: Partial<VtctldHandlers> = instrumentHandlers(
    createVtctldService({ ts, tmc, logger, remoteOperationTimeoutMs: values["remote-operation-timeout"] }),
    http.metrics,
  );
  const grpc = new GrpcServer(logger);
  grpc.addService(VtctldService, handlers);

  http.setHealthCheck(async () => {
    try {
      await getCellInfoNames(ts);
      return undefined;
    } catch (err) {
      return `topology server unreachable: ${errorMessage(err)}`;
    }
  });
  const { getKeyspaces, findAllShardsInKeyspace, getTablets, getCellInfoNames: cellNames } = handlers;
  if (getKeyspaces && findAllShardsInKeyspace && getTablets && cellNames) {
    for (const section of topologySections({
      getKeyspaces,
      findAllShardsInKeyspace,
      getTablets,
      getCellInfoNames: cellNames,
    })) {
      http.addStatusSection(section);
    }
  }

  const host = values["bind-address"];
  const grpcPort = await grpc.listen(host, values["grpc-port"]);
  onShutdown(() => grpc.shutdown(values["grpc-shutdown-grace"]));
  const httpPort = await http.listen(host, values.port);
  onShutdown(() => http.close());
  onShutdown(() => logger.info("vtctld stopped"));
  logger.info({ grpcPort, httpPort, cell: values.cell || undefined }, "vtctld serving");
  // Serve until SIGTERM/SIGINT: the shutdown hooks drain gRPC, close HTTP and the topo, then exit.
  await new Promise<never>(() => {});
  return undefined;
}

await runProgram({ name: "vtctld", usage, main });
