import { existsSync, lstatSync, unlinkSync } from "node:fs";
import {
  frameTabletDialer,
  grpcTabletDialer,
  HealthCheck,
  TopologyWatcher,
} from "../../libs/discovery/index.js";
import { parseFlags } from "../../libs/flags/index.js";
import { GrpcServer } from "../../libs/grpc/index.js";
import {
  type AuthServer,
  AuthServerNone,
  AuthServerStatic,
  MysqlServer,
} from "../../libs/mysql/server/index.js";
import { VitessService } from "../../libs/proto/vtgateservice.js";
import {
  createLogger,
  DaemonHttpServer,
  handleTerminationSignals,
  type Logger,
  onShutdown,
  runProgram,
  shutdown,
  writePidFile,
} from "../../libs/servenv/index.js";
import { bindHosts, listenOnFirst } from "../../libs/servenv/listen.js";
import { getSrvKeyspace, openTopoServerFromFlags } from "../../libs/topo/index.js";
import { createDefaultVindexRegistry } from "../../libs/vindexes/index.js";
import { errorMessage } from "../../libs/vterrors/index.js";
import { Executor } from "./executor/executor.js";
import { resolveConfig, type VtgateConfig, vtgateFlags, vtgateUsage } from "./flags.js";
import { FailoverBuffer } from "./gateway/failover-buffer.js";
import { TabletGateway } from "./gateway/tablet-gateway.js";
import { vitessServiceHandlers } from "./grpc-service.js";
import { VtgateMetrics } from "./metrics.js";
import { VtgateMysqlHandler } from "./mysql-handler.js";
import { SrvKeyspacePoller } from "./srvtopo/srv-keyspaces.js";
import { SrvVSchemaWatcher } from "./srvtopo/srv-vschema-watcher.js";
import { TopologyView } from "./srvtopo/topology-view.js";
import { addStatusSections } from "./status.js";
import { TabletStreamSource, vStreamHandler } from "./vstream/index.js";

const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Vitess's gateway_initial_tablet_timeout: before taking clients, wait a while for serving tablets of the
 * --tablet-types-to-wait types in every shard that has tablets; serve anyway after the timeout.
 */
async function waitForInitialTablets(
  healthCheck: HealthCheck,
  config: VtgateConfig,
  timeoutMs: number,
  logger: Logger,
): Promise<void> {
  if (config.tabletTypesToWait.length === 0) return;
  const shards = new Map<string, { keyspace: string; shard: string }>();
  for (const t of healthCheck.tablets()) {
    shards.set(`${t.tablet.keyspace}/${t.tablet.shard}`, {
      keyspace: t.tablet.keyspace,
      shard: t.tablet.shard,
    });
  }
  const targets = [...shards.values()].flatMap((s) =>
    config.tabletTypesToWait.map((tabletType) => ({ ...s, tabletType })),
  );
  try {
    await healthCheck.waitForTablets(targets, timeoutMs);
    logger.info({ targets: targets.length }, "serving tablets found for every target to wait for");
  } catch (err) {
    logger.warn(
      { err: errorMessage(err) },
      "not every target to wait for has a serving tablet; serving anyway",
    );
  }
}

function authServerOf(values: ReturnType<typeof parseFlags<typeof vtgateFlags>>["values"]): AuthServer {
  if (values["mysql-auth-server-impl"] !== "static") return new AuthServerNone();
  const file = values["mysql-auth-server-static-file"];
  const server =
    file !== ""
      ? AuthServerStatic.fromFile(file)
      : AuthServerStatic.fromJson(values["mysql-auth-server-static-string"]);
  process.on("SIGHUP", () => {
    try {
      server.reload();
    } catch {
      // The previous users stay; the file is read again on the next SIGHUP.
    }
  });
  return server;
}

async function main(argv: string[]): Promise<number | undefined> {
  const { values } = parseFlags(vtgateFlags, argv);
  const config = resolveConfig(values);
  const logger = createLogger("vtgate", {
    logDir: values["log-dir"] || undefined,
    level: values["log-level"],
  });
  handleTerminationSignals();
  const removePidFile = values["pid-file"] ? writePidFile(values["pid-file"]) : undefined;
  onShutdown(() => {
    removePidFile?.();
    logger.info("vtgate exiting");
    logger.flush();
  });

  try {
    logger.info({ cell: config.cell, cellsToWatch: config.cellsToWatch }, "vtgate starting");
    const authServer = authServerOf(values);
    const ts = await openTopoServerFromFlags(values);
    onShutdown(() => ts.close());

    const retryDelayMs = values["healthcheck-retry-delay"];
    const healthCheck = new HealthCheck({
      dialer: values["tablet-transport"] === "frame" ? frameTabletDialer : grpcTabletDialer,
      localCell: config.cell,
      stream: { retryDelayMs, maxRetryDelayMs: retryDelayMs * 10, timeoutMs: values["healthcheck-timeout"] },
      logger,
    });
    onShutdown(() => healthCheck.close());
    const keyspaces = values["keyspaces-to-watch"];
    const watchers = config.cellsToWatch.map(
      (cell) =>
        new TopologyWatcher(ts, healthCheck, cell, {
          refreshIntervalMs: values["tablet-refresh-interval"],
          filter: keyspaces.length > 0 ? (tablet) => keyspaces.includes(tablet.keyspace) : undefined,
          logger,
        }),
    );
    onShutdown(() => {
      for (const w of watchers) w.stop();
    });
    await Promise.all(watchers.map((w) => w.start()));

    const topology = new TopologyView(healthCheck, createDefaultVindexRegistry(), logger);
    onShutdown(() => topology.close());
    const srvVSchema = new SrvVSchemaWatcher(ts, config.cell, (srv) => topology.setSrvVSchema(srv), {
      retryDelayMs: values["srv-vschema-retry-delay"],
      logger,
    });
    onShutdown(() => srvVSchema.stop());
    await srvVSchema.start();
    const srvKeyspaces = new SrvKeyspacePoller(ts, config.cell, (p) => topology.setPartitions(p), {
      intervalMs: 1000,
      logger,
    });
    onShutdown(() => srvKeyspaces.stop());
    await srvKeyspaces.start();

    const http = new DaemonHttpServer("vtgate", logger);
    const metrics = new VtgateMetrics(http.metrics, healthCheck);
    const buffer = values["enable-buffer"]
      ? new FailoverBuffer(
          healthCheck,
          {
            windowMs: values["buffer-window"],
            maxFailoverDurationMs: values["buffer-max-failover-duration"],
            maxBuffered: values["buffer-size"],
          },
          metrics,
        )
      : undefined;
    onShutdown(() => buffer?.close());
    const gateway = new TabletGateway(healthCheck, {
      retryCount: values["retry-count"],
      buffer,
      stats: metrics,
    });
    const executor = new Executor(
      { gateway, topology, serverVersion: values["mysql-server-version"] },
      { planCacheSize: values["gate-query-cache-size"], stats: metrics },
    );
    metrics.watchPlanCache(http.metrics, () => executor.planCache);

    await waitForInitialTablets(healthCheck, config, values["gateway-initial-tablet-timeout"], logger);

    const hosts = bindHosts(values["bind-address"]);
    let grpc: GrpcServer | undefined;
    if (values["grpc-port"] > 0) {
      grpc = new GrpcServer(logger);
      const streams = new TabletStreamSource(healthCheck);
      onShutdown(() => streams.close());
      const vstreamDeps = {
        source: streams,
        readSrvKeyspace: (keyspace: string) => getSrvKeyspace(ts, config.cell, keyspace),
        logger,
      };
      grpc.addService(
        VitessService,
        vitessServiceHandlers(executor, (request, call) => vStreamHandler(vstreamDeps, request, call)),
      );
      await listenOnFirst(hosts.grpc, (host) => (grpc as GrpcServer).listen(host, values["grpc-port"]));
    }

    const mysql = new MysqlServer({
      handler: new VtgateMysqlHandler(executor, {
        queryTimeoutMs: values["mysql-server-query-timeout"],
        logger,
        onConnectionCount: (delta) => metrics.connectionCount(delta),
      }),
      authServer,
      serverVersion: values["mysql-server-version"],
      maxConnections: values["max-connections"],
      logger,
    });
    if (values["mysql-server-port"] >= 0) {
      await mysql.listen({ port: values["mysql-server-port"], host: values["mysql-server-bind-address"] });
    }
    const socket = values["mysql-server-socket"];
    if (socket !== "") {
      if (existsSync(socket) && lstatSync(socket).isSocket()) unlinkSync(socket);
      await mysql.listen({ path: socket });
      onShutdown(() => {
        if (existsSync(socket)) unlinkSync(socket);
      });
    }

    addStatusSections(http, {
      healthCheck,
      topology,
      executor,
      metrics,
      buffer,
      cell: config.cell,
      cellsToWatch: config.cellsToWatch,
      mysqlConnections: () => mysql.connectionCount,
    });
    await listenOnFirst(hosts.http, (host) => http.listen(host, values.port));

    onShutdown(async () => {
      logger.info("SIGTERM: closing client connections");
      await mysql.close();
      await grpc?.shutdown(SHUTDOWN_GRACE_MS);
      await http.close();
    });
    logger.info(
      {
        http: values.port,
        grpc: values["grpc-port"],
        mysql: values["mysql-server-port"],
        socket: socket || undefined,
        tablets: healthCheck.tablets().length,
      },
      "vtgate started",
    );
    return undefined;
  } catch (err) {
    logger.error({ err: errorMessage(err) }, "vtgate failed to start");
    process.stderr.write(`vtgate: ${errorMessage(err)}\n`);
    await shutdown(1);
    return 1;
  }
}

await runProgram({ name: "vtgate", usage: vtgateUsage, main });
