import type { RoutingRule, RoutingRules } from "../../proto/vschema.js";

/** The read tablet types whose routing a MoveTables switches separately from writes. */
export type ReadType = "replica" | "rdonly";
export const READ_TYPES: readonly ReadType[] = ["rdonly", "replica"];

/** Routing rules as an ordered map fromTable → toTables (Vitess keeps them as a map too). */
export type RuleMap = Map<string, string[]>;

export function ruleMap(rules: RoutingRules | undefined): RuleMap {
  return new Map((rules?.rules ?? []).map((rule) => [rule.fromTable, [...rule.toTables]]));
}

export function ruleList(map: RuleMap): RoutingRules {
  const rules: RoutingRule[] = [...map].map(([fromTable, toTables]) => ({ fromTable, toTables }));
  return { rules };
}

/**
 * The rules MoveTables create writes (Vitess's MoveTablesCreate): every name a query may use for `table` —
 * bare, in the target keyspace, and the source's replica/rdonly names — keeps pointing at the source: 8 per table.
 */
export function initialRules(
  tables: readonly string[],
  source: string,
  target: string,
): [string, string[]][] {
  const rules: [string, string[]][] = [];
  for (const table of tables) {
    const toSource = [`${source}.${table}`];
    for (const from of [
      table,
      `${table}@replica`,
      `${table}@rdonly`,
      `${target}.${table}`,
      `${target}.${table}@replica`,
      `${target}.${table}@rdonly`,
      `${source}.${table}@replica`,
      `${source}.${table}@rdonly`,
    ]) {
      rules.push([from, toSource]);
    }
  }
  return rules;
}

/** Reads of `types` for `tables` routed to `to` (Vitess's switchTableReads): the three names per type. */
export function switchReadRules(
  map: RuleMap,
  tables: readonly string[],
  types: readonly ReadType[],
  source: string,
  target: string,
  to: string,
): void {
  for (const table of tables) {
    for (const type of types) {
      for (const from of [`${table}@${type}`, `${target}.${table}@${type}`, `${source}.${table}@${type}`]) {
        map.set(from, [`${to}.${table}`]);
      }
    }
  }
}

/**
 * Writes for `tables` routed from keyspace `from` to keyspace `to` (Vitess's changeWriteRoute): the rule of
 * `to.table` is dropped (it names itself), the bare name and `from.table` point at `to`.
 */
export function switchWriteRules(map: RuleMap, tables: readonly string[], from: string, to: string): void {
  for (const table of tables) {
    map.delete(`${to}.${table}`);
    map.set(table, [`${to}.${table}`]);
    map.set(`${from}.${table}`, [`${to}.${table}`]);
  }
}

/** Removes every rule about `tables` in `keyspaces` (bare, qualified, any tablet type). */
export function removeTableRules(
  map: RuleMap,
  tables: readonly string[],
  keyspaces: readonly string[],
): string[] {
  const removed: string[] = [];
  for (const from of [...map.keys()]) {
    const name = from.split("@")[0] ?? from;
    const dot = name.indexOf(".");
    const keyspace = dot >= 0 ? name.slice(0, dot) : undefined;
    const table = dot >= 0 ? name.slice(dot + 1) : name;
    if (!tables.includes(table)) continue;
    if (keyspace !== undefined && !keyspaces.includes(keyspace)) continue;
    map.delete(from);
    removed.push(from);
  }
  return removed;
}

/** Where reads of `type` (or writes, for "primary") of `table` go: the keyspace of its rule, if any. */
export function routedKeyspace(map: RuleMap, table: string, type: ReadType | "primary"): string | undefined {
  const to = map.get(type === "primary" ? table : `${table}@${type}`)?.[0];
  return to?.split(".")[0];
}
