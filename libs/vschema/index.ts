export {
  type FormatOptions,
  formatKeyspaceVSchema,
  formatMirrorRules,
  formatRoutingRules,
  formatSrvVSchema,
  keyspaceVSchemaToJson,
  parseKeyspaceVSchema,
  parseMirrorRules,
  parseRoutingRules,
  parseSrvVSchema,
} from "./json.js";
export {
  buildKeyspaceSchema,
  type ColumnVindex,
  type KeyspaceRef,
  type KeyspaceSchema,
  type TableType,
  TYPE_REFERENCE,
  TYPE_SEQUENCE,
  type VSchemaIssue,
  type VSchemaTable,
} from "./keyspace-builder.js";
export {
  parseQualifiedName,
  parseRoutingRuleSource,
  type QualifiedName,
  type RoutingRuleSource,
  TABLET_TYPE_SUFFIX,
} from "./table-name.js";
export {
  emptyKeyspaceVSchema,
  formatIssues,
  type ValidationResult,
  validateKeyspaceVSchema,
  validateMirrorRules,
  validateRoutingRules,
} from "./validate.js";
export {
  buildVSchema,
  type ResolvedMirrorRule,
  type ResolvedRoutingRule,
  resolveSequence,
  VSchema,
} from "./vschema.js";
