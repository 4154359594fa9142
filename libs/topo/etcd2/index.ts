export { createEtcdClient } from "./client.js";
export { EtcdTopoConn } from "./server.js";
