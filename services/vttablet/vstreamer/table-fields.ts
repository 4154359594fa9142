import type { ColumnMeta, TableMap } from "../../../libs/mysql/binlog/index.js";
import { BINARY_COLLATION_ID, MysqlColumnType } from "../../../libs/mysql/column-type.js";
import { mysqlToType } from "../../../libs/mysql/mysql-types.js";
import { type Field, MySqlFlag, Type } from "../../../libs/proto/query.js";
import type { TableDefinition } from "../../../libs/proto/tabletmanagerdata.js";
import type { TableSchema } from "./plan-builder.js";

/** utf8mb4_general_ci: what a text column without charset metadata is taken to be. */
const DEFAULT_TEXT_COLLATION = 45;

/** The query.Type of a binlog column from what its TABLE_MAP says (type, signedness, collation). */
export function binlogColumnType(column: ColumnMeta): Type {
  let type: number = column.type;
  if (type === MysqlColumnType.BLOB_COMPRESSED) type = MysqlColumnType.BLOB;
  if (type === MysqlColumnType.VARCHAR_COMPRESSED) type = MysqlColumnType.VARCHAR;
  let flags = column.unsigned ? MySqlFlag.UNSIGNED_FLAG : 0;
  if (column.collation === BINARY_COLLATION_ID) flags |= MySqlFlag.BINARY_FLAG;
  const result = mysqlToType(type, flags, column.collation ?? 0);
  return result === Type.UNRECOGNIZED ? Type.VARBINARY : result;
}

function isTextType(type: Type): boolean {
  return (
    type === Type.VARCHAR ||
    type === Type.CHAR ||
    type === Type.TEXT ||
    type === Type.ENUM ||
    type === Type.SET
  );
}

/** Fields built from the table map alone (Vitess does this when the schema does not match the binlog). */
export function tableMapFields(table: TableMap): Field[] {
  return table.columns.map((column, i) => {
    const type = binlogColumnType(column);
    const name = column.name ?? `@${i + 1}`;
    let flags = column.nullable ? 0 : MySqlFlag.NOT_NULL_FLAG;
    if (column.unsigned) flags |= MySqlFlag.UNSIGNED_FLAG;
    if (column.collation === BINARY_COLLATION_ID) flags |= MySqlFlag.BINARY_FLAG;
    if (type === Type.ENUM) flags |= MySqlFlag.ENUM_FLAG;
    if (type === Type.SET) flags |= MySqlFlag.SET_FLAG;
    return {
      name,
      type,
      table: table.table,
      orgTable: table.table,
      database: table.database,
      orgName: name,
      columnLength: 0,
      charset: column.collation ?? (isTextType(type) ? DEFAULT_TEXT_COLLATION : BINARY_COLLATION_ID),
      decimals: 0,
      flags,
      columnType: "",
    };
  });
}

const INTEGER_BASE: ReadonlyMap<Type, Type> = new Map([
  [Type.UINT8, Type.INT8],
  [Type.UINT16, Type.INT16],
  [Type.UINT24, Type.INT24],
  [Type.UINT32, Type.INT32],
  [Type.UINT64, Type.INT64],
]);

/**
 * Whether a column the binlog calls `binlog` can be the schema's `schema`: the same type, integers of the
 * same size whatever their signedness (without SIGNEDNESS metadata), and the types the binlog cannot tell
 * apart (MariaDB's JSON is a LONGTEXT, its UUID/INET types are fixed binary strings).
 */
export function typesEquivalent(binlog: Type, schema: Type): boolean {
  if (binlog === schema) return true;
  if ((INTEGER_BASE.get(binlog) ?? binlog) === (INTEGER_BASE.get(schema) ?? schema)) return true;
  if (schema === Type.JSON) return binlog === Type.TEXT || binlog === Type.BLOB;
  if (schema === Type.CHAR) return binlog === Type.BINARY || binlog === Type.VARBINARY;
  return false;
}

/** Whether the schema's table is the table the TABLE_MAP describes: same columns, in order. */
export function schemaMatchesTableMap(table: TableMap, schema: TableSchema): boolean {
  if (schema.fields.length !== table.columns.length) return false;
  for (let i = 0; i < table.columns.length; i++) {
    const column = table.columns[i]!;
    const field = schema.fields[i]!;
    if (column.name !== undefined && column.name.toLowerCase() !== field.name.toLowerCase()) return false;
    if (!typesEquivalent(binlogColumnType(column), field.type)) return false;
  }
  return true;
}

/** The table of a TABLE_MAP from its metadata alone, primary key from the FULL metadata. */
export function tableMapSchema(table: TableMap): TableSchema {
  return {
    name: table.table,
    fields: tableMapFields(table),
    pkColumns: (table.primaryKey ?? []).map((part) => part.column),
  };
}

/** A schema cache entry (tabletmanagerdata.TableDefinition) as a TableSchema. */
export function tableSchemaOf(definition: TableDefinition): TableSchema {
  const lowered = definition.columns.map((column) => column.toLowerCase());
  const pkColumns: number[] = [];
  for (const column of definition.primaryKeyColumns) {
    const index = lowered.indexOf(column.toLowerCase());
    if (index >= 0) pkColumns.push(index);
  }
  return { name: definition.name, fields: definition.fields, pkColumns };
}
