import type { KeyspaceId } from "../../../libs/key/index.js";
import { type BindVariable, Type } from "../../../libs/proto/query.js";
import {
  type AnySingleColumn,
  describeValue,
  isNull,
  type LookupExecutor,
  mapValues,
  type SqlValue,
} from "../../../libs/vindexes/index.js";
import { Code, VtError } from "../../../libs/vterrors/index.js";
import type { RouteDestination } from "./destination.js";
import type { BindVars } from "./primitive.js";

/** A value a route is keyed on: a bind variable of the normalized query, or a constant. */
export type RouteValue =
  | { readonly kind: "bind"; readonly name: string }
  | { readonly kind: "const"; readonly value: SqlValue };

/** The values of an IN list: each one, or one list bind variable (`in ::vtg1`). */
export type RouteValues =
  | { readonly kind: "list"; readonly values: readonly RouteValue[] }
  | { readonly kind: "listBind"; readonly name: string };

function missing(name: string): VtError {
  return new VtError(Code.INVALID_ARGUMENT, `missing bind var ${name}`);
}

export function evalRouteValue(value: RouteValue, bindVars: BindVars): SqlValue {
  if (value.kind === "const") return value.value;
  const bv = bindVars[value.name];
  if (!bv) throw missing(value.name);
  if (bv.type === Type.TUPLE) throw new VtError(Code.INVALID_ARGUMENT, `bind var ${value.name} is a list`);
  return { type: bv.type, value: bv.value };
}

export function evalRouteValues(values: RouteValues, bindVars: BindVars): SqlValue[] {
  if (values.kind === "list") return values.values.map((v) => evalRouteValue(v, bindVars));
  const bv = bindVars[values.name];
  if (!bv) throw missing(values.name);
  if (bv.type !== Type.TUPLE) return [{ type: bv.type, value: bv.value }];
  return bv.values.map((v) => ({ type: v.type, value: v.value }));
}

export function describeRouteValue(value: RouteValue): string {
  return value.kind === "bind" ? `:${value.name}` : describeValue(value.value);
}

/** Where each value goes through the vindex (a NULL goes nowhere: `col = NULL` matches no row). */
export async function mapRouteValues(
  vindex: AnySingleColumn,
  executor: LookupExecutor | undefined,
  values: readonly SqlValue[],
): Promise<RouteDestination[]> {
  const nonNull = values.map((v) => (isNull(v) ? undefined : v));
  const present = nonNull.filter((v): v is SqlValue => v !== undefined);
  const mapped = present.length === 0 ? [] : await mapValues(vindex, executor, present);
  let i = 0;
  return nonNull.map((v) => (v === undefined ? { kind: "none" } : (mapped[i++] as RouteDestination)));
}

/** A tuple bind variable of `values`. */
export function tupleOf(values: readonly SqlValue[]): BindVariable {
  return {
    type: Type.TUPLE,
    value: Buffer.alloc(0),
    values: values.map((v) => ({ type: v.type, value: Buffer.from(v.value) })),
  };
}

export type { KeyspaceId };
