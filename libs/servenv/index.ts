export {
  DaemonHttpServer,
  escapeHtml,
  type HttpHandler,
  htmlTable,
  type StatusSection,
} from "./http-server.js";
export { bindHosts, listenOnFirst } from "./listen.js";
export { createLogger, type Logger, type LoggerOptions } from "./logger.js";
export { writePidFile } from "./pid-file.js";
export { type Program, runProgram } from "./run-main.js";
export { servenvFlags } from "./servenv-flags.js";
export { handleTerminationSignals, onShutdown, shutdown } from "./shutdown.js";
