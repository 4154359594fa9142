import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDescriptorSet, renderDescriptorModule } from "./generate.js";

const ROOT = join(import.meta.dirname, "..", "..");
const MODULE = join(import.meta.dirname, "descriptor-set.ts");

describe("libs/proto-json/descriptor-set.ts", () => {
  it("is up to date with proto/*.proto", () => {
    const fresh = renderDescriptorModule(buildDescriptorSet(ROOT));
    if (process.env.VT_UPDATE_GOLDEN === "1") writeFileSync(MODULE, fresh);
    const current = readFileSync(MODULE, "utf8");
    expect(current === fresh, "descriptor-set.ts is stale: run VT_UPDATE_GOLDEN=1 on this test").toBe(true);
  });
});
