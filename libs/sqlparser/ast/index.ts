export type * from "./ddl.js";
export type * from "./dml.js";
export * from "./expr.js";
export type * from "./query.js";
export type * from "./session.js";
export * from "./statement.js";
