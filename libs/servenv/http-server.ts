import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";

export type HttpHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

export interface StatusSection {
  title: string;
  /** Returns an HTML fragment; called on every request of /debug/status so it shows live state. */
  render: () => Promise<string> | string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The HTTP side every daemon has: `/debug/status` (HTML built from registered sections), `/healthz`,
 * Prometheus `/metrics` from the daemon's own registry, plus routes a daemon adds. A failing handler
 * answers 500 for that request only.
 */
export class DaemonHttpServer {
  readonly metrics = new Registry();
  private readonly routes = new Map<string, HttpHandler>();
  private readonly sections: StatusSection[] = [];
  private readonly server: Server;
  private healthy: () => Promise<string | undefined> | string | undefined = () => undefined;

  constructor(
    private readonly program: string,
    private readonly logger: Logger,
  ) {
    this.metrics.setDefaultLabels({ program });
    collectDefaultMetrics({ register: this.metrics });
    this.routes.set("/debug/status", (_req, res) => this.serveStatus(res));
    this.routes.set("/healthz", (_req, res) => this.serveHealth(res));
    this.routes.set("/metrics", async (_req, res) => {
      res.writeHead(200, { "content-type": this.metrics.contentType });
      res.end(await this.metrics.metrics());
    });
    this.routes.set("/", (_req, res) => {
      res.writeHead(302, { location: "/debug/status" });
      res.end();
    });
    this.server = createServer((req, res) => void this.dispatch(req, res));
  }

  route(path: string, handler: HttpHandler): void {
    this.routes.set(path, handler);
  }

  addStatusSection(section: StatusSection): void {
    this.sections.push(section);
  }

  /** `check` returns undefined when healthy, else the reason; /healthz answers 200 "ok" or 503 with it. */
  setHealthCheck(check: () => Promise<string | undefined> | string | undefined): void {
    this.healthy = check;
  }

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const address = this.server.address();
    return typeof address === "object" && address !== null ? address.port : port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const handler = this.routes.get(path);
    try {
      if (!handler) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end(`404 page not found: ${path}\n`);
        return;
      }
      await handler(req, res);
    } catch (err) {
      this.logger.error({ err, path }, "http handler failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }

  private async serveHealth(res: ServerResponse): Promise<void> {
    const problem = await this.healthy();
    res.writeHead(problem === undefined ? 200 : 503, { "content-type": "text/plain" });
    res.end(problem === undefined ? "ok\n" : `${problem}\n`);
  }

  private async serveStatus(res: ServerResponse): Promise<void> {
    const parts = await Promise.all(
      this.sections.map(async (s) => `<h2>${escapeHtml(s.title)}</h2>\n${await s.render()}`),
    );
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!DOCTYPE html>\n<html><head><title>${escapeHtml(this.program)} status</title></head><body>\n` +
        `<h1>${escapeHtml(this.program)}</h1>\n<p>pid ${process.pid}, up since ${startedAt}</p>\n` +
        `${parts.join("\n")}\n</body></html>\n`,
    );
  }
}

const startedAt = new Date().toISOString();

/** An HTML table from rows of already-escaped cells. */
export function htmlTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join("")}</tr>`).join("\n");
  return `<table border="1" cellpadding="4"><tr>${head}</tr>\n${body}</table>`;
}
