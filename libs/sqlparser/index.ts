export * from "./ast/index.js";
export {
  APPLY_SCHEMA_ALLOWED,
  type ApplySchemaChange,
  type ApplySchemaStatement,
  classifyForApplySchema,
  isDatabaseDDL,
  isDDL,
  isDML,
  isSelect,
  isTransactionControl,
  parseApplySchemaSql,
  statementName,
} from "./classify.js";
export { type CompareOp, compareHolds } from "./compare-op.js";
export { directiveIsSet, parseDirectives } from "./directives.js";
export { EmptyQueryError, isSqlSyntaxError, PARSE_ERRNO, PARSE_SQLSTATE, SqlSyntaxError } from "./errors.js";
export {
  format,
  formatExpr,
  formatIdent,
  formatQuery,
  formatString,
  formatTableExpr,
  formatTableName,
} from "./formatter.js";
export { impossibleQuery } from "./impossible-query.js";
export {
  canNormalize,
  literalToBindVariable,
  type NormalizeOptions,
  type NormalizeResult,
  normalize,
} from "./normalizer.js";
export { parse, parseExpression, parseStatements } from "./parser.js";
export { type MarginComments, skipQuoted, splitMarginComments, splitStatements } from "./split.js";
export { bindVarNames, tablesOf } from "./tables.js";
export { parseTarget, type Target, type TargetTabletType } from "./target.js";
export { T, type Token, type TokenType, tokenize } from "./tokenizer.js";
export { mapExprChildren, mapList, walkExpr } from "./walk.js";
export { type StatementWalkHooks, walkStatement } from "./walk-statement.js";
