export type { TabletServerConfig } from "./config.js";
export { DENIED_TABLES_RULE, tablesOfQuery } from "./denied-tables.js";
export {
  type ReplicationHealth,
  type RequestContext,
  type ServingState,
  TabletServer,
} from "./tablet-server.js";
export { aliasString, checkTarget, targetString } from "./target-check.js";
