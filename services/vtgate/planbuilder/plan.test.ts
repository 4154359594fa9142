import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { canNormalize, normalize, parse } from "../../../libs/sqlparser/index.js";
import { createDefaultVindexRegistry } from "../../../libs/vindexes/index.js";
import { buildVSchema, parseSrvVSchema } from "../../../libs/vschema/index.js";
import { parseTarget } from "../session/target.js";
import { buildPlan } from "./builder.js";
import type { PlanContext } from "./context.js";
import { describePlan } from "./plan.js";

/**
 * Golden plan tests (Vitess's planbuilder testdata): each case is {comment, query, target?, plan} where
 * plan is the plan's description or {"error": message}. VTGATE_UPDATE_GOLDEN=1 rewrites the files from
 * what the planner produces now; review the diff.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const UPDATE = process.env.VTGATE_UPDATE_GOLDEN === "1";

interface Case {
  comment: string;
  query: string;
  target?: string;
  plan: unknown;
}

function loadVSchema(file: string) {
  return buildVSchema(
    parseSrvVSchema(JSON.parse(readFileSync(join(HERE, "testdata", file), "utf8"))),
    createDefaultVindexRegistry(),
  );
}

const VSCHEMAS = {
  unsharded: loadVSchema("vschema.json"),
  sharded: loadVSchema("sharded_vschema.json"),
  mirror: loadVSchema("mirror_vschema.json"),
};

/** Plans as the executor does: statements are normalized (literals -> :vtgN) for the sharded planner. */
function planFor(c: Case, which: keyof typeof VSCHEMAS): unknown {
  const stmt = parse(c.query);
  const ctx: PlanContext = {
    vschema: VSCHEMAS[which],
    target: parseTarget(c.target ?? ""),
    dbName: (ks) => `vt_${ks}`,
    ...(canNormalize(stmt) ? { normalized: normalize(stmt, { prefix: "vtg" }).statement } : {}),
  };
  try {
    return describePlan(buildPlan(stmt, c.query, ctx));
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

for (const [file, which] of [
  ["unsharded_cases.json", "unsharded"],
  ["sharded_cases.json", "sharded"],
  ["mirror_cases.json", "mirror"],
] as const) {
  const path = join(HERE, "testdata", file);
  const cases = JSON.parse(readFileSync(path, "utf8")) as Case[];
  describe(`plans: ${file}`, () => {
    if (UPDATE) {
      it("updates the golden file", () => {
        const updated = cases.map((c) => ({ ...c, plan: planFor(c, which) }));
        writeFileSync(path, `${JSON.stringify(updated, null, 2)}\n`);
      });
      return;
    }
    for (const c of cases) {
      it(c.comment, () => {
        expect(planFor(c, which)).toEqual(c.plan);
      });
    }
  });
}
