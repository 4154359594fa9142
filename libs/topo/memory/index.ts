export { MemoryTopoConn } from "./server.js";
export { MemoryTopoStore } from "./store.js";
