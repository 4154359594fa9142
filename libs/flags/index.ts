export { formatDuration, parseDuration } from "./duration.js";
export { FlagError, HelpRequested } from "./errors.js";
export {
  defineFlags,
  type FlagDef,
  type FlagSpec,
  type FlagType,
  type FlagValues,
  flagUsage,
  type ParsedFlags,
  type ParseOptions,
  parseFlags,
} from "./flags.js";
