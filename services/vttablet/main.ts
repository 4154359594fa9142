import { parseFlags } from "../../libs/flags/index.js";
import { FrameServer } from "../../libs/framerpc/index.js";
import { GrpcServer } from "../../libs/grpc/index.js";
import { quoteIdentifier } from "../../libs/mysql/sql-literal.js";
import { QueryService } from "../../libs/proto/queryservice.js";
import { TabletManagerService } from "../../libs/proto/tabletmanagerservice.js";
import { Tablet, TabletType } from "../../libs/proto/topodata.js";
import {
  createLogger,
  DaemonHttpServer,
  handleTerminationSignals,
  onShutdown,
  runProgram,
  shutdown,
  writePidFile,
} from "../../libs/servenv/index.js";
import { bindHosts, listenOnFirst } from "../../libs/servenv/listen.js";
import { openTopoServerFromFlags, tabletAliasString } from "../../libs/topo/index.js";
import { errorMessage } from "../../libs/vterrors/index.js";
import { resolveConfig, vttabletFlags, vttabletUsage } from "./flags.js";
import { HealthChecker } from "./health-check.js";
import { MysqlDaemon } from "./mysql-daemon.js";
import { checkCell, ensureKeyspaceAndShard, registerTablet } from "./registration.js";
import { SchemaCache } from "./schema-cache.js";
import { addStatusSections } from "./status-page.js";
import { TabletState, tabletTypeName, timeNow } from "./tablet-state.js";
import { ActionLock, SIDECAR_STATEMENTS, tabletManagerHandlers } from "./tabletmanager/index.js";
import { TabletServer } from "./tabletserver/index.js";
import { VDIFF_SIDECAR_STATEMENTS, VDiffActions, VDiffEngine } from "./vdiff/index.js";
import {
  dbStreamOpener,
  TopoReplicaLag,
  TopoSourcePicker,
  VREPLICATION_SIDECAR_STATEMENTS,
  VReplicationEngine,
} from "./vreplication/index.js";
import { MysqlSchemaSource, topoVindexes, VStreamerEngine } from "./vstreamer/index.js";

async function main(argv: string[]): Promise<number | undefined> {
  const { values } = parseFlags(vttabletFlags, argv);
  const config = resolveConfig(values);
  const aliasText = tabletAliasString(config.alias);
  const baseLogger = createLogger("vttablet", {
    logDir: values["log-dir"] || undefined,
    logName: `vttablet-${aliasText}`,
    level: values["log-level"],
  });
  const logger = baseLogger.child({ tablet: aliasText });
  handleTerminationSignals();
  const removePidFile = values["pid-file"] ? writePidFile(values["pid-file"]) : undefined;
  onShutdown(() => {
    removePidFile?.();
    logger.info("vttablet exiting");
    logger.flush();
  });

  try {
    logger.info(
      { keyspace: config.keyspace, shard: config.shard, mysqld: config.mysql },
      "vttablet starting",
    );
    const ts = await openTopoServerFromFlags(values);
    onShutdown(() => ts.close());
    await checkCell(ts, config.alias.cell);

    const mysqld = new MysqlDaemon(config.mysql, config.roles, logger);
    onShutdown(() => mysqld.close());
    await mysqld.waitUntilReachable(values["wait-for-mysqld"]);
    // Local setup is kept out of the binlog: it exists on every tablet, so it must never replicate.
    await mysqld.executeSuperQueryList(
      [
        ...SIDECAR_STATEMENTS,
        ...VREPLICATION_SIDECAR_STATEMENTS,
        ...VDIFF_SIDECAR_STATEMENTS,
        `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(config.dbName)}`,
      ],
      { noBinlog: true },
    );
    const mysqlPort = config.mysqlPort || (await mysqld.port());

    const shardInfo = await ensureKeyspaceAndShard(ts, config.keyspace, config.shard, logger);
    const http = new DaemonHttpServer("vttablet", logger);
    const tabletServer = new TabletServer(
      {
        alias: config.alias,
        dbName: config.dbName,
        mysql: config.mysql,
        appUser: config.roles.app.user,
        appPassword: config.roles.app.password,
        dbaUser: config.roles.dba.user,
        dbaPassword: config.roles.dba.password,
        poolSize: values["queryserver-config-pool-size"],
        streamPoolSize: values["queryserver-config-stream-pool-size"],
        txPoolSize: values["queryserver-config-transaction-cap"],
        queryTimeoutMs: values["queryserver-config-query-timeout"],
        txTimeoutMs: values["queryserver-config-transaction-timeout"],
        maxResultRows: values["queryserver-config-max-result-size"],
      },
      baseLogger,
      http.metrics,
    );
    await tabletServer.open();
    const hosts = bindHosts(config.bindAddress);
    // framerpc (libs/framerpc): the unary QueryService calls over plain frames (vtgate's default transport).
    // It listens before the tablet record is written, which publishes the port it got.
    const frames = config.framePort !== 0 ? new FrameServer(logger) : undefined;
    let framePort = 0;
    if (frames) {
      frames.addService(QueryService, tabletServer.handlers());
      framePort = await listenOnFirst(hosts.http, (host) =>
        frames.listen(host, Math.max(0, config.framePort)),
      );
    }

    const desired = Tablet.fromPartial({
      alias: config.alias,
      hostname: config.hostname,
      portMap: {
        vt: config.httpPort,
        grpc: config.grpcPort,
        ...(framePort > 0 ? { frame: framePort } : {}),
      },
      keyspace: config.keyspace,
      shard: config.shard,
      keyRange: shardInfo.shard.keyRange,
      type: config.initType,
      dbNameOverride: config.dbNameOverride,
      mysqlHostname: config.mysqlHostname,
      mysqlPort,
      tabletStartTime: timeNow(),
    });
    const record = await registerTablet(ts, desired, config.initType, shardInfo.shard, logger);
    const state = new TabletState(record, { ts, mysqld, queryService: tabletServer, logger });
    state.applyShard(shardInfo.shard);
    if (state.type === TabletType.PRIMARY) {
      await mysqld.setReadOnly(false);
      await state.claimShardPrimary();
    } else {
      await mysqld.setReadOnly(true);
    }

    const schema = new SchemaCache(mysqld, () => state.dbName, logger);
    await schema.reloadQuietly();
    schema.startPeriodicReload(values["queryserver-config-schema-reload-time"]);
    const health = new HealthChecker({
      state,
      mysqld,
      queryService: tabletServer,
      logger,
      intervalMs: values["health-check-interval"],
      unhealthyThresholdMs: values["unhealthy-threshold"],
    });
    await health.checkNow();

    const filtered = config.roles.filtered;
    const vstreamer = new VStreamerEngine({
      alias: config.alias,
      keyspace: config.keyspace,
      shard: config.shard,
      dbName: () => state.dbName,
      target: () =>
        tabletServer.currentHealth().target ?? { keyspace: "", shard: "", tabletType: 0, cell: "" },
      address: config.mysql,
      user: filtered.user,
      password: filtered.password,
      schema: new MysqlSchemaSource({
        cache: schema,
        address: config.mysql,
        user: filtered.user,
        password: filtered.password,
        dbName: () => state.dbName,
      }),
      vindexes: topoVindexes(ts, config.alias.cell, config.keyspace),
      logger,
    });

    const replicaLag = new TopoReplicaLag(ts, config.alias.cell, () => ({
      ...state.target(),
      alias: aliasText,
    }));
    const vreplication = new VReplicationEngine({
      openDb: dbStreamOpener(config.mysql, config.roles.dba.user, config.roles.dba.password),
      picker: new TopoSourcePicker(ts, config.alias.cell),
      replicaLag: (signal) => replicaLag.read(signal),
      dbName: () => state.dbName,
      isPrimary: () => state.type === TabletType.PRIMARY,
      logger: logger.child({ component: "vreplication" }),
    });

    const vdiff = new VDiffEngine({
      openDb: dbStreamOpener(config.mysql, config.roles.dba.user, config.roles.dba.password),
      vreplication,
      picker: new TopoSourcePicker(ts, config.alias.cell),
      targetRows: (request, signal) =>
        vstreamer.vStreamRows({ ...request, target: state.target() }, { signal }),
      keyspace: config.keyspace,
      shard: config.shard,
      dbName: () => state.dbName,
      isPrimary: () => state.type === TabletType.PRIMARY,
      logger: logger.child({ component: "vdiff" }),
    });

    const grpc = new GrpcServer(logger);
    grpc.addService(QueryService, { ...tabletServer.handlers(), ...vstreamer.handlers() });
    grpc.addService(
      TabletManagerService,
      tabletManagerHandlers({
        ts,
        state,
        mysqld,
        schema,
        lock: new ActionLock(),
        logger,
        replicationConnectRetrySeconds: Math.max(1, Math.round(values["replication-connect-retry"] / 1000)),
        checkHealthNow: () => health.checkNow(),
        refreshFromTopo: () => state.refreshFromTopo(),
        vreplication,
        vdiff: new VDiffActions(vdiff),
      }),
    );
    await listenOnFirst(hosts.grpc, (host) => grpc.listen(host, config.grpcPort));
    addStatusSections(http, { state, health, mysqld, schema });
    http.setHealthCheck(() => (state.isMysqlReachable ? undefined : "mysqld is not reachable"));
    await listenOnFirst(hosts.http, (host) => http.listen(host, config.httpPort));
    health.start();
    vreplication.start();
    vdiff.start();

    const grace = values["shutdown-grace-period"];
    onShutdown(async () => {
      logger.info("SIGTERM: going NOT_SERVING and draining");
      health.stop();
      schema.stop();
      state.beginShutdown();
      state.publish();
      await vdiff.close();
      await vreplication.close();
      replicaLag.close();
      await tabletServer.close(grace);
      vstreamer.close();
      await Promise.all([grpc.shutdown(grace), frames?.shutdown(grace)]);
      await http.close();
    });
    logger.info(
      {
        type: tabletTypeName(state.type),
        http: config.httpPort,
        grpc: config.grpcPort,
        serving: state.isServing(),
      },
      "vttablet started",
    );
    return undefined;
  } catch (err) {
    logger.error({ err: errorMessage(err) }, "vttablet failed to start");
    process.stderr.write(`vttablet ${aliasText}: ${errorMessage(err)}\n`);
    await shutdown(1);
    return 1;
  }
}

await runProgram({ name: "vttablet", usage: vttabletUsage, main });
