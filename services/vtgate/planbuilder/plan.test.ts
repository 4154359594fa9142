import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "../../../libs/sqlparser/index.js";
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

const vschema = buildVSchema(
  parseSrvVSchema(JSON.parse(readFileSync(join(HERE, "testdata/vschema.json"), "utf8"))),
  createDefaultVindexRegistry(),
);

function planFor(c: Case): unknown {
  const ctx: PlanContext = { vschema, target: parseTarget(c.target ?? ""), dbName: (ks) => `vt_${ks}` };
  try {
    return describePlan(buildPlan(parse(c.query), c.query, ctx));
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

for (const file of ["unsharded_cases.json"]) {
  const path = join(HERE, "testdata", file);
  const cases = JSON.parse(readFileSync(path, "utf8")) as Case[];
  describe(`plans: ${file}`, () => {
    if (UPDATE) {
      it("updates the golden file", () => {
        const updated = cases.map((c) => ({ ...c, plan: planFor(c) }));
        writeFileSync(path, `${JSON.stringify(updated, null, 2)}\n`);
      });
      return;
    }
    for (const c of cases) {
      it(c.comment, () => {
        expect(planFor(c)).toEqual(c.plan);
      });
    }
  });
}
