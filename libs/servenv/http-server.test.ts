import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DaemonHttpServer, escapeHtml, htmlTable } from "./http-server.js";

describe("DaemonHttpServer", () => {
  const server = new DaemonHttpServer("vttest", pino({ level: "silent" }));
  let base = "";
  let problem: string | undefined;

  beforeAll(async () => {
    server.addStatusSection({
      title: "Tablets",
      render: () => htmlTable(["Alias"], [[escapeHtml("zone1-<100>")]]),
    });
    server.setHealthCheck(() => problem);
    server.route("/boom", () => {
      throw new Error("handler exploded");
    });
    base = `http://127.0.0.1:${await server.listen("127.0.0.1", 0)}`;
  });
  afterAll(() => server.close());

  it("serves the status page from its sections", async () => {
    const html = await (await fetch(`${base}/debug/status`)).text();
    expect(html).toContain("<h2>Tablets</h2>");
    expect(html).toContain("zone1-&#60;100&#62;");
  });

  it("answers /healthz from the health check", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    problem = "mysqld unreachable";
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("mysqld unreachable");
    problem = undefined;
  });

  it("exposes Prometheus metrics", async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('process_cpu_seconds_total{program="vttest"}');
  });

  it("answers 500 for a failing handler and 404 for unknown paths, and keeps serving", async () => {
    const failed = await fetch(`${base}/boom`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toContain("handler exploded");
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
