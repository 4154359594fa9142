import type { Select } from "../../../../libs/sqlparser/index.js";
import { isSingleColumn, type Vindex } from "../../../../libs/vindexes/index.js";
import type { RouteValue } from "../../engine/route-values.js";
import { VINDEX_FUNC_COLUMNS, VindexFunc } from "../../engine/vindex-func.js";
import type { PlanContext } from "../context.js";
import { unsupported } from "../errors.js";
import { conjuncts, routeValueOf } from "./analysis.js";

/** The keyspace and vindex a single-table SELECT names instead of a table, if it does. */
function vindexOf(ctx: PlanContext, sel: Select): { keyspace: string; vindex: Vindex } | undefined {
  const from = sel.from[0];
  if (sel.from.length !== 1 || from?.kind !== "Table") return undefined;
  const ksName = from.name.qualifier ?? (ctx.target.keyspace === "" ? undefined : ctx.target.keyspace);
  try {
    if (ctx.vschema.findTable(ksName, from.name.name)) return undefined;
    const vindex = ctx.vschema.findVindex(ksName, from.name.name);
    if (!vindex) return undefined;
    for (const [name, ks] of ctx.vschema.keyspaces)
      if (ks.vindexes.get(vindex.name) === vindex) return { keyspace: name, vindex };
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * `select id, keyspace_id, hex_keyspace_id, range_start, range_end, shard from <vindex> where id = v` (or
 * `id in (...)`): a VindexFunc, answered at vtgate. Undefined when the statement does not name a vindex.
 */
export function planVindexFunc(ctx: PlanContext, sel: Select): VindexFunc | undefined {
  const found = vindexOf(ctx, sel);
  if (!found) return undefined;
  const { keyspace, vindex } = found;
  if (!isSingleColumn(vindex)) throw unsupported(`querying vindex ${vindex.name} (it needs lookups)`);
  const columns: number[] = [];
  const names: string[] = [];
  for (const c of sel.columns) {
    if (c.kind === "Star") {
      VINDEX_FUNC_COLUMNS.forEach((n, i) => {
        columns.push(i);
        names.push(n);
      });
      continue;
    }
    const i =
      c.kind === "Aliased" && c.expr.kind === "Column"
        ? VINDEX_FUNC_COLUMNS.indexOf(c.expr.name.toLowerCase())
        : -1;
    if (c.kind !== "Aliased" || i < 0)
      throw unsupported(`column of vindex ${vindex.name}: only ${VINDEX_FUNC_COLUMNS.join(", ")}`);
    columns.push(i);
    names.push(c.alias ?? (c.expr.kind === "Column" ? c.expr.name : ""));
  }
  const conds = conjuncts(sel.where);
  const cond = conds[0];
  if (conds.length !== 1 || !cond)
    throw unsupported(`query of vindex ${vindex.name} without exactly one condition on id`);
  const isId = (e: { kind: string; name?: string }) => e.kind === "Column" && e.name?.toLowerCase() === "id";
  if (cond.kind === "Binary" && cond.op === "=" && isId(cond.left)) {
    const v = routeValueOf(cond.right);
    if (v) return new VindexFunc(keyspace, vindex, { kind: "list", values: [v] }, columns, names);
  }
  if (cond.kind === "In" && !cond.not && isId(cond.expr)) {
    if (cond.values.kind === "BindVar" && cond.values.list) {
      return new VindexFunc(keyspace, vindex, { kind: "listBind", name: cond.values.name }, columns, names);
    }
    if (cond.values.kind === "Tuple") {
      const values = cond.values.exprs.map(routeValueOf);
      if (values.every((v): v is RouteValue => v !== undefined)) {
        return new VindexFunc(keyspace, vindex, { kind: "list", values }, columns, names);
      }
    }
  }
  throw unsupported(`condition on vindex ${vindex.name}: use id = value or id in (...)`);
}
