import { readFileSync } from "node:fs";
import type { KeyspaceId } from "../key/index.js";
import { invalidArgument } from "../vterrors/index.js";
import { FunctionalVindex } from "./functional.js";
import { ParamReader, type VindexParams } from "./params.js";
import type { VindexFactory, VindexRegistry } from "./registry.js";
import { type SqlValue, toUint64 } from "./values.js";
import { isHashing, type Vindex } from "./vindex.js";

/**
 * `numeric_static_map`: like `numeric`, but values listed in a JSON object ({"1": 2, ...}, from the file
 * `json_path` or inline in `json`) are replaced by their mapped number first; unlisted values go through
 * the functional vindex named by `fallback_type` when there is one. Cost 1, unique.
 */
export class NumericStaticMapVindex extends FunctionalVindex {
  readonly type = "numeric_static_map";
  readonly cost = 1;

  constructor(
    name: string,
    params: ParamReader,
    private readonly table: ReadonlyMap<bigint, bigint>,
    private readonly fallback: (Vindex & { hash(value: SqlValue): KeyspaceId }) | undefined,
  ) {
    super(name, params);
  }

  protected compute(value: SqlValue): KeyspaceId | undefined {
    const num = toUint64(value);
    if (num === undefined) return undefined;
    const mapped = this.table.get(num);
    if (mapped === undefined && this.fallback !== undefined) {
      try {
        return this.fallback.hash(value);
      } catch {
        return undefined;
      }
    }
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, mapped ?? num);
    return out;
  }
}

function parseTable(text: string, source: string): Map<bigint, bigint> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalidArgument(`${source}: invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidArgument(`${source}: expected a JSON object of number to number`);
  }
  const table = new Map<bigint, bigint>();
  for (const [key, value] of Object.entries(parsed)) {
    if (!/^[0-9]+$/.test(key) || !(typeof value === "number" && Number.isSafeInteger(value) && value >= 0)) {
      throw invalidArgument(
        `${source}: entry "${key}" is not an unsigned number mapped to an unsigned number`,
      );
    }
    table.set(BigInt(key), BigInt(value));
  }
  return table;
}

/** The factory needs the registry to create its `fallback_type` vindex. */
export function numericStaticMapFactory(registry: VindexRegistry): VindexFactory {
  return (name: string, params: VindexParams) => {
    const reader = new ParamReader(name, params);
    const jsonPath = reader.optional("json_path");
    const json = reader.optional("json");
    const fallbackType = reader.optional("fallback_type");
    let table: Map<bigint, bigint>;
    if (json !== undefined && json !== "") {
      table = parseTable(json, "param 'json'");
    } else if (jsonPath !== undefined && jsonPath !== "") {
      let text: string;
      try {
        text = readFileSync(jsonPath, "utf8");
      } catch (err) {
        throw invalidArgument(
          `cannot read json_path ${jsonPath}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      table = parseTable(text, jsonPath);
    } else {
      throw invalidArgument("could not find either `json_path` or `json` params in vschema");
    }
    let fallback: (Vindex & { hash(value: SqlValue): KeyspaceId }) | undefined;
    if (fallbackType !== undefined && fallbackType !== "") {
      const vindex = registry.create(fallbackType, name, {});
      if (vindex.needsVCursor || !isHashing(vindex)) {
        throw invalidArgument(`fallback_type ${fallbackType} is not a functional vindex that hashes`);
      }
      fallback = vindex;
    }
    return new NumericStaticMapVindex(name, reader, table, fallback);
  };
}
