import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { HotCounter, HotHistogram } from "./hot-metrics.js";

describe("hot metrics", () => {
  it("exports counter children in the Prometheus text format", async () => {
    const registry = new Registry();
    const counter = new HotCounter(registry, { name: "x_total", help: "xs", labelNames: ["kind"] });
    const select = counter.child({ kind: "Select" });
    select.inc();
    select.inc(2);
    counter.child({ kind: "Insert" }).inc();
    expect(counter.child({ kind: "Select" })).toBe(select);
    const text = await registry.metrics();
    expect(text).toContain("# TYPE x_total counter");
    expect(text).toContain('x_total{kind="Select"} 3');
    expect(text).toContain('x_total{kind="Insert"} 1');
  });

  it("exports cumulative histogram buckets, sum and count", async () => {
    const registry = new Registry();
    const histogram = new HotHistogram(registry, {
      name: "d_seconds",
      help: "ds",
      labelNames: ["op"],
      buckets: [0.1, 1],
    });
    const child = histogram.child({ op: "execute" });
    for (const v of [0.05, 0.1, 0.5, 2]) child.observe(v);
    const text = await registry.metrics();
    expect(text).toContain("# TYPE d_seconds histogram");
    expect(text).toContain('d_seconds_bucket{op="execute",le="0.1"} 2');
    expect(text).toContain('d_seconds_bucket{op="execute",le="1"} 3');
    expect(text).toContain('d_seconds_bucket{op="execute",le="+Inf"} 4');
    expect(text).toContain('d_seconds_sum{op="execute"} 2.65');
    expect(text).toContain('d_seconds_count{op="execute"} 4');
  });

  it("replaces a metric of the same name registered before", async () => {
    const registry = new Registry();
    new HotCounter(registry, { name: "y_total", help: "ys" }).child({}).inc(5);
    new HotCounter(registry, { name: "y_total", help: "ys" }).child({}).inc();
    expect(await registry.metrics()).toContain("y_total 1");
  });
});
