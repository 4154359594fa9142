import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type DestinationStream, type Logger, pino } from "pino";
import pretty from "pino-pretty";

export type { Logger } from "pino";

export interface LoggerOptions {
  logDir?: string;
  /** File name (without .log) under logDir when several processes of one program share it, e.g. "vttablet-zone1-0000000100". */
  logName?: string;
  level?: string;
  /** Defaults to whether stdout is a terminal: people read pretty lines, programs read JSON. */
  pretty?: boolean;
}

const LEVELS = new Set(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);

export function createLogger(program: string, options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  if (!LEVELS.has(level))
    throw new Error(`unknown log level "${level}": use one of ${[...LEVELS].join(", ")}`);
  let destination: DestinationStream;
  if (options.logDir) {
    mkdirSync(options.logDir, { recursive: true });
    destination = pino.destination({
      dest: join(options.logDir, `${options.logName ?? program}.log`),
      sync: false,
    });
  } else if (options.pretty ?? process.stdout.isTTY) {
    destination = pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l" });
  } else {
    destination = pino.destination({ dest: 1, sync: false });
  }
  return pino({ level, base: { program, pid: process.pid } }, destination);
}
