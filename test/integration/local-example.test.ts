import { existsSync, readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalExample } from "../harness/local-example.js";
import { isLiveProcess } from "../harness/processes.js";
import { SEED_COMMERCE_TABLES } from "../harness/seed-data.js";

let example: LocalExample;

beforeAll(async () => {
  example = await LocalExample.create("local-example", [100, 101, 102]);
});

afterAll(() => example.killLeftovers());

describe("the local example (make demo, 401_teardown.sh)", () => {
  let demoOutput = "";

  it("101 brings up the cluster and the demo prints seed 000's tables through vtgate", async () => {
    demoOutput = await example.script("demo.sh");
    expect(demoOutput).toContain(SEED_COMMERCE_TABLES);
    expect(demoOutput).toContain("Tear it down with: make down");
  });

  it("shows one serving PRIMARY, REPLICA and RDONLY in show vitess_tablets", () => {
    const rows = demoOutput.split("\n").filter((line) => line.startsWith("| zone1 | commerce"));
    expect(
      rows.map((row) =>
        row
          .split("|")
          .slice(4, 7)
          .map((cell) => cell.trim()),
      ),
    ).toEqual([
      ["PRIMARY", "SERVING", "zone1-0000000100"],
      ["REPLICA", "SERVING", "zone1-0000000101"],
      ["RDONLY", "SERVING", "zone1-0000000102"],
    ]);
  });

  it("lists the tablets with vtctldclient, rdonly for uid 102", async () => {
    const stdout = await example.vtctldclient("GetTablets", "--keyspace", "commerce");
    expect(
      stdout
        .trim()
        .split("\n")
        .map((line) => line.split(" ").slice(0, 4).join(" ")),
    ).toEqual([
      "zone1-0000000100 commerce 0 primary",
      "zone1-0000000101 commerce 0 replica",
      "zone1-0000000102 commerce 0 rdonly",
    ]);
  });

  it("401_teardown.sh stops every process by its pid file and removes the data root", async () => {
    const stdout = await example.script("401_teardown.sh");
    expect(stdout).toContain("All good! It looks like every process has shut down");
    expect(example.started.length).toBe(9);
    for (const process of example.started) {
      expect(isLiveProcess(process.pid, process.marker), `${process.name} still running`).toBe(false);
    }
    expect(existsSync(example.vtdataroot) ? readdirSync(example.vtdataroot) : []).toEqual([]);
  });
});
