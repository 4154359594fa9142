import { describe, expect, it } from "vitest";
import { defineFlags, FlagError, HelpRequested } from "../../libs/flags/index.js";
import { COMMANDS, findCommand } from "./commands/index.js";
import { defineCommand } from "./framework.js";

const globals = defineFlags({ server: { type: "string", default: "", help: "server" } });

describe("vtctldclient command framework", () => {
  const seen: { flags: unknown; args: string[] }[] = [];
  const command = defineCommand({
    name: "Demo",
    use: "Demo <a>",
    short: "demo",
    flags: {
      keyspace: { type: "string", default: "", help: "k" },
      recursive: { type: "bool", default: false, help: "r" },
    },
    shorthands: { k: "keyspace", r: "recursive" },
    args: [1, 2],
    async run(_io, flags, args) {
      seen.push({ flags, args });
    },
  });
  const io = { client: async () => Promise.reject(new Error("no client")), print() {}, printErr() {} };

  it("takes flags anywhere, shorthands, and global flags after the command", async () => {
    const parsed = command.parse(["x", "-k", "commerce", "-r", "--server", "localhost:15999"], globals);
    await parsed.run(io);
    expect(seen.pop()).toEqual({
      flags: { server: "localhost:15999", keyspace: "commerce", recursive: true },
      args: ["x"],
    });
    expect(parsed.globals.values.server).toBe("localhost:15999");
    expect(parsed.globals.given.has("server")).toBe(true);
  });

  it("rejects unknown flags, wrong argument counts and asks for help", () => {
    expect(() => command.parse(["x", "--nope"], globals)).toThrow(FlagError);
    expect(() => command.parse(["x", "-z"], globals)).toThrow(FlagError);
    expect(() => command.parse([], globals)).toThrow(/accepts between 1 and 2 arg\(s\), received 0/);
    expect(() => command.parse(["x", "--help"], globals)).toThrow(HelpRequested);
    expect(command.usage("  --server string")).toContain("vtctldclient Demo <a>");
  });

  it("registers every command once, with Vitess's names and aliases", () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of [
      "AddCellInfo",
      "GetTablets",
      "PlannedReparentShard",
      "EmergencyReparentShard",
      "InitShardPrimary",
    ]) {
      expect(findCommand(name)?.name).toBe(name);
    }
    expect(findCommand("ExecuteFetchAsDba")?.name).toBe("ExecuteFetchAsDBA");
    expect(findCommand("getkeyspace")?.name).toBe("GetKeyspace");
    expect(findCommand("Nope")).toBeUndefined();
  });
});
