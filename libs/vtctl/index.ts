export { type DurabilityPolicy, parseDurabilityPolicy } from "./durability.js";
export {
  DEFAULT_REMOTE_OPERATION_TIMEOUT_MS,
  DEFAULT_WAIT_REPLICAS_TIMEOUT_MS,
  type VtctldHandlers,
  type VtctldMethod,
  type VtctlEnv,
} from "./env.js";
export { toVtError } from "./errors.js";
export { createVtctldService, type VtctldServiceOptions } from "./server.js";
export {
  GrpcTabletManagerClientFactory,
  type TabletManagerClient,
  type TabletManagerClientFactory,
  type TabletManagerMethod,
  tabletGrpcAddress,
} from "./tmclient.js";
