import { rowsAsStrings } from "../../../../libs/mysql/query-result.js";
import type { QueryResult } from "../../../../libs/proto/query.js";
import type { VDiffShowResponse } from "../../../../libs/proto/vtctldata.js";
import { JsonNumber, JsonObject, type JsonValue, writeJson } from "../../../../libs/proto-json/index.js";
import {
  type DiffReport,
  formatTimestamp,
  parseReport,
  type RowDiff,
  VDiffState,
} from "../../../../libs/vdiff/index.js";

/** A table across every shard (Vitess's vdiff tableSummary). */
export interface TableSummary {
  TableName: string;
  State: string;
  RowsCompared: number;
  MatchingRows: number;
  MismatchedRows: number;
  ExtraRowsSource: number;
  ExtraRowsTarget: number;
}

export interface ProgressReport {
  Percentage: number;
  ETA?: string;
}

/** The summary `VDiff show` prints (Vitess's vdiff summary), built from every target shard's answer. */
export interface VDiffSummary {
  Workflow: string;
  Keyspace: string;
  State: string;
  UUID: string;
  RowsCompared: number;
  HasMismatch: boolean;
  Shards: string;
  StartedAt: string;
  CompletedAt: string;
  /** Only when verbose or mismatched. */
  TableSummary?: Map<string, TableSummary>;
  Reports?: Map<string, Map<string, DiffReport>>;
  Errors: Map<string, string>;
  Progress?: ProgressReport;
}

/** A result's rows as objects keyed by column name. */
function namedRows(result: QueryResult | undefined): Record<string, string | null>[] {
  if (result === undefined) return [];
  const names = result.fields.map((field) => field.name);
  return rowsAsStrings(result).map((row) =>
    Object.fromEntries(names.map((name, i) => [name, row[i] ?? null])),
  );
}

function sortedMap<V>(entries: Iterable<[string, V]>): Map<string, V> {
  return new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The summary of one VDiff: counts added up over shards and tables; the overall state is stopped or error when
 * any shard is, started while any table is, pending while any is, completed only when every table of every
 * shard and every shard is (Vitess's rules); progress (%, ETA from the rate so far) while started.
 */
export function buildSummary(
  keyspace: string,
  workflow: string,
  uuid: string,
  response: VDiffShowResponse,
  verbose: boolean,
  now: Date = new Date(),
): VDiffSummary {
  const summary: VDiffSummary = {
    Workflow: workflow,
    Keyspace: keyspace,
    State: VDiffState.Unknown,
    UUID: uuid,
    RowsCompared: 0,
    HasMismatch: false,
    Shards: "",
    StartedAt: "",
    CompletedAt: "",
    Errors: new Map(),
  };
  const tables = new Map<string, TableSummary>();
  const reports = new Map<string, Map<string, DiffReport>>();
  const tableStates = new Map<string, number>();
  const shardStates = new Map<string, number>();
  const bump = (counts: Map<string, number>, state: string) =>
    counts.set(state, (counts.get(state) ?? 0) + 1);
  let rowsToCompare = 0;
  const shards: string[] = [];
  for (const [shard, answer] of Object.entries(response.tabletResponses)) {
    const rows = namedRows(answer.output);
    if (answer.output === undefined) continue;
    shards.push(shard);
    rows.forEach((row, i) => {
      if (i === 0) {
        const started = row.started_at ?? "";
        if (summary.StartedAt === "" || (started !== "" && started < summary.StartedAt))
          summary.StartedAt = started;
        const completed = row.completed_at ?? "";
        if (completed > summary.CompletedAt) summary.CompletedAt = completed;
        if (row.last_error) summary.Errors.set(shard, row.last_error);
        bump(shardStates, (row.vdiff_state ?? "").toLowerCase());
      }
      summary.RowsCompared += Number(row.rows_compared ?? 0);
      rowsToCompare += Number(row.table_rows ?? 0);
      if (row.has_mismatch === "1") summary.HasMismatch = true;
      const name = row.table_name ?? "";
      const table = tables.get(name) ?? {
        TableName: name,
        State: VDiffState.Unknown,
        RowsCompared: 0,
        MatchingRows: 0,
        MismatchedRows: 0,
        ExtraRowsSource: 0,
        ExtraRowsTarget: 0,
      };
      const state = (row.table_state ?? "").toLowerCase();
      bump(tableStates, state);
      if (state === VDiffState.Error) table.State = state;
      else if (state !== VDiffState.Completed || table.State === VDiffState.Unknown) {
        if (table.State !== VDiffState.Error) table.State = state;
      }
      const report = parseReport(name, row.report);
      table.RowsCompared += report.ProcessedRows;
      table.MatchingRows += report.MatchingRows;
      table.MismatchedRows += report.MismatchedRows;
      table.ExtraRowsSource += report.ExtraRowsSource;
      table.ExtraRowsTarget += report.ExtraRowsTarget;
      tables.set(name, table);
      const byShard = reports.get(name) ?? new Map<string, DiffReport>();
      byShard.set(shard, report);
      reports.set(name, byShard);
    });
  }
  const count = (counts: Map<string, number>, state: string) => counts.get(state) ?? 0;
  if (count(shardStates, VDiffState.Stopped) > 0) summary.State = VDiffState.Stopped;
  else if (count(shardStates, VDiffState.Error) > 0 || count(tableStates, VDiffState.Error) > 0)
    summary.State = VDiffState.Error;
  else if (count(tableStates, VDiffState.Started) > 0) summary.State = VDiffState.Started;
  else if (count(tableStates, VDiffState.Pending) > 0) summary.State = VDiffState.Pending;
  else if (tables.size > 0 && count(tableStates, VDiffState.Completed) === tables.size * shards.length)
    summary.State =
      count(shardStates, VDiffState.Completed) === shards.length ? VDiffState.Completed : VDiffState.Started;
  if (summary.State === VDiffState.Started) summary.Progress = progress(summary, rowsToCompare, now);
  summary.Shards = [...shards].sort().join(",");
  if (summary.HasMismatch || verbose) {
    summary.TableSummary = sortedMap(tables);
    summary.Reports = sortedMap([...reports].map(([table, byShard]) => [table, sortedMap(byShard)]));
  }
  if (summary.State !== VDiffState.Completed) summary.CompletedAt = "";
  return summary;
}

/** Percentage of the estimated rows compared, and when the rest will be done at the rate so far. */
function progress(summary: VDiffSummary, rowsToCompare: number, now: Date): ProgressReport {
  const report: ProgressReport = { Percentage: 0 };
  if (summary.RowsCompared >= 1 && rowsToCompare > 0) {
    report.Percentage = Math.round(Math.min((summary.RowsCompared / rowsToCompare) * 100, 100) * 100) / 100;
  }
  const started = Date.parse(`${summary.StartedAt.replace(" ", "T")}Z`);
  if (report.Percentage >= 1 && Number.isFinite(started)) {
    const elapsed = (now.getTime() - started) / 1000;
    const eta = new Date(now.getTime() + (elapsed / report.Percentage) * (100 - report.Percentage) * 1000);
    if (eta.getTime() < now.getTime() + 365 * 24 * 3600 * 1000) report.ETA = formatTimestamp(eta);
  }
  return report;
}

function num(n: number): JsonNumber {
  return new JsonNumber(String(n));
}

function rowDiffJson(diff: RowDiff): JsonObject {
  const row = new JsonObject();
  for (const [name, value] of sortedMap(Object.entries(diff.Row))) row.set(name, value);
  return new JsonObject().set("Row", row);
}

function reportJson(report: DiffReport): JsonObject {
  const out = new JsonObject()
    .set("TableName", report.TableName)
    .set("ProcessedRows", num(report.ProcessedRows))
    .set("MatchingRows", num(report.MatchingRows))
    .set("MismatchedRows", num(report.MismatchedRows))
    .set("ExtraRowsSource", num(report.ExtraRowsSource))
    .set("ExtraRowsTarget", num(report.ExtraRowsTarget));
  if (report.ExtraRowsSourceSample?.length)
    out.set("ExtraRowsSourceSample", report.ExtraRowsSourceSample.map(rowDiffJson));
  if (report.ExtraRowsTargetSample?.length)
    out.set("ExtraRowsTargetSample", report.ExtraRowsTargetSample.map(rowDiffJson));
  if (report.MismatchedRowsSample?.length) {
    out.set(
      "MismatchedRowsSample",
      report.MismatchedRowsSample.map((m) => {
        const pair = new JsonObject();
        if (m.Source) pair.set("Source", rowDiffJson(m.Source));
        if (m.Target) pair.set("Target", rowDiffJson(m.Target));
        return pair;
      }),
    );
  }
  return out;
}

/** Go's encoding/json with tab indentation, as vtctldclient prints its VDiff structs (empty fields left out). */
export function writeGoJson(value: JsonValue): string {
  return writeJson(value, { indent: "\t", htmlEscape: true });
}

export function summaryJson(summary: VDiffSummary): string {
  const out = new JsonObject()
    .set("Workflow", summary.Workflow)
    .set("Keyspace", summary.Keyspace)
    .set("State", summary.State)
    .set("UUID", summary.UUID)
    .set("RowsCompared", num(summary.RowsCompared))
    .set("HasMismatch", summary.HasMismatch)
    .set("Shards", summary.Shards);
  if (summary.StartedAt) out.set("StartedAt", summary.StartedAt);
  if (summary.CompletedAt) out.set("CompletedAt", summary.CompletedAt);
  if (summary.TableSummary?.size) {
    const tables = new JsonObject();
    for (const [name, t] of summary.TableSummary) {
      tables.set(
        name,
        new JsonObject()
          .set("TableName", t.TableName)
          .set("State", t.State)
          .set("RowsCompared", num(t.RowsCompared))
          .set("MatchingRows", num(t.MatchingRows))
          .set("MismatchedRows", num(t.MismatchedRows))
          .set("ExtraRowsSource", num(t.ExtraRowsSource))
          .set("ExtraRowsTarget", num(t.ExtraRowsTarget)),
      );
    }
    out.set("TableSummary", tables);
  }
  if (summary.Reports?.size) {
    const reports = new JsonObject();
    for (const [table, byShard] of summary.Reports) {
      const shards = new JsonObject();
      for (const [shard, report] of byShard) shards.set(shard, reportJson(report));
      reports.set(table, shards);
    }
    out.set("Reports", reports);
  }
  if (summary.Errors.size > 0) {
    const errors = new JsonObject();
    for (const [shard, message] of sortedMap(summary.Errors)) errors.set(shard, message);
    out.set("Errors", errors);
  }
  if (summary.Progress) {
    const p = new JsonObject().set("Percentage", num(summary.Progress.Percentage));
    if (summary.Progress.ETA) p.set("ETA", summary.Progress.ETA);
    out.set("Progress", p);
  }
  return writeGoJson(out);
}

/** The text summary of Vitess's template, blank lines squeezed out as vtctldclient does. */
export function summaryText(summary: VDiffSummary): string {
  let text = `\nVDiff Summary for ${summary.Keyspace}.${summary.Workflow} (${summary.UUID})\nState:        ${summary.State}\n`;
  if (summary.Errors.size > 0) {
    for (const [shard, message] of sortedMap(summary.Errors))
      text += `\n              Error: (shard ${shard}) ${message}`;
    text += "\n";
  }
  text += `\nRowsCompared: ${summary.RowsCompared}\nHasMismatch:  ${summary.HasMismatch}\nStartedAt:    ${summary.StartedAt}\n`;
  if (summary.State === VDiffState.Started && summary.Progress) {
    text += `Progress:     ${summary.Progress.Percentage.toFixed(2)}%${summary.Progress.ETA ? `, ETA: ${summary.Progress.ETA}` : ""}`;
  }
  text += "\n";
  if (summary.CompletedAt) text += `CompletedAt:  ${summary.CompletedAt}`;
  text += "\n";
  for (const table of summary.TableSummary?.values() ?? []) {
    text += ` \nTable ${table.TableName}:\n\tState:            ${table.State}\n\tProcessedRows:    ${table.RowsCompared}\n\tMatchingRows:     ${table.MatchingRows}\n`;
    if (table.MismatchedRows) text += `\tMismatchedRows:   ${table.MismatchedRows}`;
    text += "\n";
    if (table.ExtraRowsSource) text += `\tExtraRowsSource:  ${table.ExtraRowsSource}`;
    text += "\n";
    if (table.ExtraRowsTarget) text += `\tExtraRowsTarget:  ${table.ExtraRowsTarget}`;
    text += "\n";
  }
  text += '\n \nUse "--format=json" for more detailed output.\n';
  while (text.includes("\n\n")) text = text.replaceAll("\n\n", "\n");
  return text;
}

/** One VDiff of `show all`. */
export interface VDiffListing {
  UUID: string;
  Workflow: string;
  Keyspace: string;
  Shard: string;
  State: string;
}

export function buildListings(response: VDiffShowResponse): VDiffListing[] {
  const listings: VDiffListing[] = [];
  for (const shard of Object.keys(response.tabletResponses).sort()) {
    for (const row of namedRows(response.tabletResponses[shard]?.output)) {
      listings.push({
        UUID: row.vdiff_uuid ?? "",
        Workflow: row.workflow ?? "",
        Keyspace: row.keyspace ?? "",
        Shard: row.shard ?? "",
        State: row.state ?? "",
      });
    }
  }
  return listings;
}

export function listingsJson(listings: readonly VDiffListing[]): string {
  return writeGoJson(
    listings.map((l) =>
      new JsonObject()
        .set("UUID", l.UUID)
        .set("Workflow", l.Workflow)
        .set("Keyspace", l.Keyspace)
        .set("Shard", l.Shard)
        .set("State", l.State),
    ),
  );
}

/** `show all` as a grid (Vitess prints it with gotabulate's grid format). */
export function listingsText(listings: readonly VDiffListing[]): string {
  const header = ["UUID", "Workflow", "Keyspace", "Shard", "State"] as const;
  const rows = listings.map((l) => header.map((h) => l[h]));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (fill: string) => `+${widths.map((w) => fill.repeat(w + 2)).join("+")}+`;
  const cells = (values: readonly string[]) =>
    `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line("-"), cells(header), line("="), ...rows.flatMap((row) => [cells(row), line("-")])].join("\n");
}
