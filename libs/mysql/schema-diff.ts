import type { SchemaDefinition, TableDefinition } from "../proto/tabletmanagerdata.js";
import { TABLE_VIEW } from "./schema.js";

/**
 * What differs between two schemas, one sentence per difference, as Vitess's tmutils.DiffSchema words them
 * (`zone1-0000000101 has an extra table named t`, `A and B disagree on schema for table t:\n...`). Both sides
 * are named (`leftName`, `rightName`: tablet aliases, or "source"/"dest"); tables are compared by name, then
 * CREATE statement and type. A table that only the left side has also says which side lacks it. An empty
 * list means the schemas agree.
 */
export function diffSchema(
  leftName: string,
  left: SchemaDefinition,
  rightName: string,
  right: SchemaDefinition,
): string[] {
  const diffs: string[] = [];
  if (left.databaseSchema !== right.databaseSchema) {
    diffs.push(
      `${leftName} and ${rightName} don't agree on database creation command:\n${left.databaseSchema}\n differs from:\n${right.databaseSchema}`,
    );
  }
  const lefts = sortedByName(left.tableDefinitions);
  const rights = sortedByName(right.tableDefinitions);
  const extra = (owner: string, other: string, table: TableDefinition, missingOnOther: boolean) =>
    `${owner} has an extra ${table.type === TABLE_VIEW ? "view" : "table"} named ${table.name}${
      missingOnOther ? ` (missing on ${other})` : ""
    }`;
  let l = 0;
  let r = 0;
  while (l < lefts.length || r < rights.length) {
    const a = lefts[l];
    const b = rights[r];
    if (b === undefined || (a !== undefined && a.name < b.name)) {
      diffs.push(extra(leftName, rightName, a as TableDefinition, true));
      l++;
      continue;
    }
    if (a === undefined || a.name > b.name) {
      diffs.push(extra(rightName, leftName, b, false));
      r++;
      continue;
    }
    if (a.schema !== b.schema) {
      diffs.push(
        `${leftName} and ${rightName} disagree on schema for table ${a.name}:\n${a.schema}\n differs from:\n${b.schema}`,
      );
    }
    if (a.type !== b.type) {
      diffs.push(
        `${leftName} and ${rightName} disagree on table type for table ${a.name}:\n${a.type}\n differs from:\n${b.type}`,
      );
    }
    l++;
    r++;
  }
  return diffs;
}

/** The tables whose definition (CREATE statement or type) differs, or that only one side has. */
export function changedTables(before: SchemaDefinition, after: SchemaDefinition): string[] {
  const old = new Map(before.tableDefinitions.map((t) => [t.name, t]));
  const changed = new Set<string>();
  for (const table of after.tableDefinitions) {
    const previous = old.get(table.name);
    if (!previous || previous.schema !== table.schema || previous.type !== table.type)
      changed.add(table.name);
    old.delete(table.name);
  }
  for (const name of old.keys()) changed.add(name);
  return [...changed].sort();
}

function sortedByName(tables: readonly TableDefinition[]): TableDefinition[] {
  return [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
