/**
 * Tablet discovery and health (Vitess's go/vt/discovery): TopologyWatcher lists the tablets of a cell,
 * HealthCheck keeps a StreamHealth stream to each and says which tablet serves a target. Shared by vtgate
 * (query routing) and, later, vtctld/VReplication (tablet picking).
 */
export {
  HealthCheck,
  type HealthCheckOptions,
  type HealthEvent,
  type HealthListener,
} from "./health-check.js";
export {
  frameTabletDialer,
  grpcTabletDialer,
  type TabletConn,
  type TabletConnHandle,
  type TabletDialer,
  tabletGrpcAddress,
} from "./tablet-conn.js";
export {
  parseTabletType,
  type TabletHealth,
  tabletTypeName,
  targetKey,
  targetString,
} from "./tablet-health.js";
export type { HealthStreamOptions } from "./tablet-health-stream.js";
export { TopologyWatcher, type TopologyWatcherOptions } from "./topology-watcher.js";
