import { defineFlags } from "../flags/index.js";

/** Flags every executable has: where logs go and where the pid file is written. */
export const servenvFlags = defineFlags({
  "log-dir": {
    type: "string",
    default: "",
    help: "directory for the JSON log file (<program>.log); stdout when empty",
  },
  "log-level": {
    type: "string",
    default: "info",
    help: "minimum log level: trace, debug, info, warn, error",
  },
  "pid-file": { type: "string", default: "", help: "write the process id here; removed on clean exit" },
});
