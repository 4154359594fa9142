import type { VttabletHandle } from "./vttablet.js";

/** Sum of a Prometheus counter family in a /metrics text. */
export function counterTotal(metricsText: string, name: string): number {
  let total = 0;
  for (const line of metricsText.split("\n")) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/** Statements the tablet's query service has executed so far (vttablet_queries_total). */
export async function tabletQueries(tablet: VttabletHandle): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${tablet.httpPort}/metrics`)).text();
  return counterTotal(text, "vttablet_queries_total");
}
