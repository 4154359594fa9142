import { rowsAsStrings } from "../../../libs/mysql/query-result.js";
import { quoteIdentifier, quoteString } from "../../../libs/mysql/sql-literal.js";
import { isVtError } from "../../../libs/vterrors/index.js";
import type { TargetDb } from "./stream-record.js";

/** MySQL's ER_DUP_KEYNAME: the key exists already (the add ran before a crash). */
const ER_DUP_KEYNAME = 1061;

interface KeyColumn {
  name: string;
  nonUnique: boolean;
  column: string;
  subPart: string | null;
  type: string;
}

/** The `ADD ... KEY` and `DROP KEY` clauses of a table's non-unique secondary keys. */
export async function deferrableKeys(
  db: TargetDb,
  table: string,
): Promise<{ add: string[]; drop: string[] }> {
  const result = await db.execute(
    "select index_name, non_unique, column_name, sub_part, index_type from information_schema.statistics " +
      `where table_schema = database() and table_name = ${quoteString(table)} and index_name != 'PRIMARY' ` +
      "order by index_name, seq_in_index",
  );
  const keys = new Map<string, KeyColumn[]>();
  for (const [name, nonUnique, column, subPart, type] of rowsAsStrings(result)) {
    const list = keys.get(name ?? "") ?? [];
    list.push({
      name: name ?? "",
      nonUnique: nonUnique === "1",
      column: column ?? "",
      subPart: subPart ?? null,
      type: type ?? "BTREE",
    });
    keys.set(name ?? "", list);
  }
  const add: string[] = [];
  const drop: string[] = [];
  for (const [name, columns] of keys) {
    // Unique keys stay: they keep rejecting what the source would reject, and may identify rows.
    if (!columns.every((c) => c.nonUnique)) continue;
    const kind =
      columns[0]?.type === "FULLTEXT"
        ? "FULLTEXT KEY"
        : columns[0]?.type === "SPATIAL"
          ? "SPATIAL KEY"
          : "KEY";
    const parts = columns.map(
      (c) => `${quoteIdentifier(c.column)}${c.subPart === null ? "" : `(${c.subPart})`}`,
    );
    add.push(`ADD ${kind} ${quoteIdentifier(name)} (${parts.join(", ")})`);
    drop.push(`DROP KEY ${quoteIdentifier(name)}`);
  }
  return { add, drop };
}

/**
 * `--defer-secondary-keys`, before a table's copy starts: records the ALTER that adds its non-unique
 * secondary keys back in `_vt.post_copy_action`, then drops them, so the copy inserts into the primary key
 * only. Recorded first: after a crash in between, the keys are still added when the copy ends.
 */
export async function deferSecondaryKeys(db: TargetDb, id: number, table: string): Promise<void> {
  const where = `vrepl_id = ${id} and table_name = ${quoteString(table)}`;
  const existing = await db.execute(`select id from _vt.post_copy_action where ${where}`);
  if (existing.rows.length > 0) return;
  const { add, drop } = await deferrableKeys(db, table);
  if (add.length === 0) return;
  const alter = `ALTER TABLE ${quoteIdentifier(table)} ${add.join(", ")}`;
  await db.execute(
    `insert into _vt.post_copy_action (vrepl_id, table_name, action) values (${id}, ${quoteString(table)}, ${quoteString(alter)})`,
  );
  await db.execute(`ALTER TABLE ${quoteIdentifier(table)} ${drop.join(", ")}`);
}

/** After a table's copy: runs its recorded post-copy ALTERs (a key already there counts as done). */
export async function runPostCopyActions(db: TargetDb, id: number, table: string): Promise<void> {
  const where = `vrepl_id = ${id} and table_name = ${quoteString(table)}`;
  const actions = rowsAsStrings(
    await db.execute(`select id, action from _vt.post_copy_action where ${where}`),
  );
  for (const [actionId, action] of actions) {
    try {
      await db.execute(action ?? "");
    } catch (err) {
      if (!(isVtError(err) && err.mysql?.errno === ER_DUP_KEYNAME)) throw err;
    }
    await db.execute(`delete from _vt.post_copy_action where id = ${actionId}`);
  }
}
