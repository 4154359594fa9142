export * from "./ast/index.js";
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
export { parse, parseExpression, parseStatements } from "./parser.js";
