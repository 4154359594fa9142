import { describe, expect, it } from "vitest";
import { packRows } from "../../../../libs/mysql/query-result.js";
import { Field, QueryResult, Type } from "../../../../libs/proto/query.js";
import type { VDiffShowResponse } from "../../../../libs/proto/vtctldata.js";
import type { DiffReport } from "../../../../libs/vdiff/index.js";
import { buildListings, buildSummary, listingsJson, summaryJson, summaryText } from "./vdiff-summary.js";

const COLUMNS = [
  "vdiff_state",
  "last_error",
  "table_name",
  "vdiff_uuid",
  "table_state",
  "table_rows",
  "started_at",
  "rows_compared",
  "completed_at",
  "has_mismatch",
  "report",
];
const UUID = "d050262e-8c5f-11ed-ac72-920702940ee0";
const STARTED = "2023-01-04 18:44:26";

interface TableRow {
  table: string;
  state?: string;
  vdiffState?: string;
  rows?: number;
  report: Partial<DiffReport>;
  completedAt?: string | null;
  lastError?: string;
}

function result(columns: readonly string[], rows: (string | null)[][]): QueryResult {
  return QueryResult.fromPartial({
    fields: columns.map((name) => Field.fromPartial({ name, type: Type.VARBINARY })),
    rows: packRows(rows.map((row) => row.map((v) => (v === null ? null : Buffer.from(v))))),
  });
}

function shardAnswer(tables: TableRow[]) {
  const rows = tables.map((t) => {
    const report: DiffReport = {
      TableName: t.table,
      ProcessedRows: 0,
      MatchingRows: 0,
      MismatchedRows: 0,
      ExtraRowsSource: 0,
      ExtraRowsTarget: 0,
      ...t.report,
    };
    const mismatch = report.MismatchedRows + report.ExtraRowsSource + report.ExtraRowsTarget > 0;
    return [
      t.vdiffState ?? "completed",
      t.lastError ?? "",
      t.table,
      UUID,
      t.state ?? "completed",
      String(t.rows ?? 5),
      STARTED,
      String(report.ProcessedRows),
      t.completedAt === undefined ? STARTED : t.completedAt,
      mismatch ? "1" : "0",
      JSON.stringify(report),
    ];
  });
  return { id: 1, vdiffUuid: UUID, output: result(COLUMNS, rows) };
}

const MATCHING = { ProcessedRows: 5, MatchingRows: 5 };

function seed004Response(): VDiffShowResponse {
  return {
    tabletResponses: {
      "0": shardAnswer([
        { table: "customer", report: MATCHING },
        { table: "corder", report: MATCHING },
      ]),
    },
  };
}

describe("VDiff show: the summary built from the target shards' answers", () => {
  it("prints seed 004's JSON report with --verbose", () => {
    const summary = buildSummary("customer", "commerce2customer", UUID, seed004Response(), true);
    expect(summaryJson(summary)).toBe(`{
	"Workflow": "commerce2customer",
	"Keyspace": "customer",
	"State": "completed",
	"UUID": "d050262e-8c5f-11ed-ac72-920702940ee0",
	"RowsCompared": 10,
	"HasMismatch": false,
	"Shards": "0",
	"StartedAt": "2023-01-04 18:44:26",
	"CompletedAt": "2023-01-04 18:44:26",
	"TableSummary": {
		"corder": {
			"TableName": "corder",
			"State": "completed",
			"RowsCompared": 5,
			"MatchingRows": 5,
			"MismatchedRows": 0,
			"ExtraRowsSource": 0,
			"ExtraRowsTarget": 0
		},
		"customer": {
			"TableName": "customer",
			"State": "completed",
			"RowsCompared": 5,
			"MatchingRows": 5,
			"MismatchedRows": 0,
			"ExtraRowsSource": 0,
			"ExtraRowsTarget": 0
		}
	},
	"Reports": {
		"corder": {
			"0": {
				"TableName": "corder",
				"ProcessedRows": 5,
				"MatchingRows": 5,
				"MismatchedRows": 0,
				"ExtraRowsSource": 0,
				"ExtraRowsTarget": 0
			}
		},
		"customer": {
			"0": {
				"TableName": "customer",
				"ProcessedRows": 5,
				"MatchingRows": 5,
				"MismatchedRows": 0,
				"ExtraRowsSource": 0,
				"ExtraRowsTarget": 0
			}
		}
	}
}`);
  });

  it("leaves out the tables and reports without --verbose when nothing differs; text as Vitess's template", () => {
    const summary = buildSummary("customer", "commerce2customer", UUID, seed004Response(), false);
    expect(summary.TableSummary).toBeUndefined();
    expect(summaryJson(summary)).not.toContain("Reports");
    expect(summaryText(summary)).toBe(
      `\nVDiff Summary for customer.commerce2customer (${UUID})\nState:        completed\nRowsCompared: 10\n` +
        `HasMismatch:  false\nStartedAt:    ${STARTED}\nCompletedAt:  ${STARTED}\n \n` +
        'Use "--format=json" for more detailed output.\n',
    );
  });

  it("shows mismatches with their sample rows, across shards, even without --verbose", () => {
    const sample = {
      Source: { Row: { customer_id: "3", email: "a" } },
      Target: { Row: { customer_id: "3", email: "b" } },
    };
    const response: VDiffShowResponse = {
      tabletResponses: {
        "80-": shardAnswer([{ table: "customer", report: MATCHING }]),
        "-80": shardAnswer([
          {
            table: "customer",
            report: { ProcessedRows: 3, MatchingRows: 2, MismatchedRows: 1, MismatchedRowsSample: [sample] },
          },
        ]),
      },
    };
    const summary = buildSummary("customer", "commerce2customer", UUID, response, false);
    expect(summary).toMatchObject({ RowsCompared: 8, HasMismatch: true, Shards: "-80,80-" });
    expect(summary.TableSummary?.get("customer")).toMatchObject({
      RowsCompared: 8,
      MatchingRows: 7,
      MismatchedRows: 1,
    });
    const json = JSON.parse(summaryJson(summary));
    expect(Object.keys(json.Reports.customer)).toEqual(["-80", "80-"]);
    expect(json.Reports.customer["-80"].MismatchedRowsSample).toEqual([sample]);
    expect(summaryText(summary)).toContain(
      "Table customer:\n\tState:            completed\n\tProcessedRows:    8\n\tMatchingRows:     7\n\tMismatchedRows:   1\n",
    );
  });

  it("is started while a table is, with progress and an ETA, and no CompletedAt", () => {
    const response: VDiffShowResponse = {
      tabletResponses: {
        "0": shardAnswer([
          { table: "corder", report: MATCHING, rows: 5 },
          {
            table: "customer",
            vdiffState: "started",
            state: "started",
            rows: 15,
            report: { ProcessedRows: 5, MatchingRows: 5 },
            completedAt: null,
          },
        ]),
      },
    };
    const now = new Date("2023-01-04T18:44:36Z");
    const summary = buildSummary("customer", "commerce2customer", UUID, response, false, now);
    expect(summary.State).toBe("started");
    expect(summary.CompletedAt).toBe("");
    expect(summary.Progress).toEqual({ Percentage: 50, ETA: "2023-01-04 18:44:46" });
    expect(summaryText(summary)).toContain("Progress:     50.00%, ETA: 2023-01-04 18:44:46\n");
  });

  it("is error when a shard is, with the shard's error", () => {
    const response: VDiffShowResponse = {
      tabletResponses: {
        "0": shardAnswer([
          {
            table: "customer",
            vdiffState: "error",
            state: "error",
            report: {},
            lastError: "boom",
            completedAt: null,
          },
        ]),
      },
    };
    const summary = buildSummary("customer", "commerce2customer", UUID, response, false);
    expect(summary.State).toBe("error");
    expect(JSON.parse(summaryJson(summary)).Errors).toEqual({ "0": "boom" });
    expect(summaryText(summary)).toContain("State:        error\n              Error: (shard 0) boom\n");
  });

  it("lists every VDiff of the workflow for show all", () => {
    const columns = ["vdiff_uuid", "workflow", "keyspace", "shard", "state"];
    const response: VDiffShowResponse = {
      tabletResponses: {
        "0": {
          id: 0,
          vdiffUuid: "",
          output: result(columns, [[UUID, "commerce2customer", "customer", "0", "completed"]]),
        },
      },
    };
    expect(listingsJson(buildListings(response))).toBe(
      `[\n\t{\n\t\t"UUID": "${UUID}",\n\t\t"Workflow": "commerce2customer",\n\t\t"Keyspace": "customer",\n\t\t"Shard": "0",\n\t\t"State": "completed"\n\t}\n]`,
    );
  });
});
