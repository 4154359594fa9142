import type { TabletAlias } from "../../../libs/proto/topodata.js";
import { aliasArg, durationProto, keyspaceShardArg } from "../args.js";
import { defineCommand } from "../framework.js";
import { eventString } from "../output.js";

const optionalAlias = (text: string): TabletAlias | undefined => (text === "" ? undefined : aliasArg(text));

export const reparentCommands = [
  defineCommand({
    name: "EmergencyReparentShard",
    use: "EmergencyReparentShard <keyspace/shard>",
    short: "Reparents the shard to the new primary. Assumes the old primary is dead and not responding.",
    flags: {
      "wait-replicas-timeout": {
        type: "duration",
        default: 15_000,
        help: "Time to wait for replicas to catch up in reparenting.",
      },
      "new-primary": {
        type: "string",
        default: "",
        help: "Alias of a tablet that should be the new primary. If not specified, the vtctld will select the best candidate to promote.",
      },
      "prevent-cross-cell-promotion": {
        type: "bool",
        default: false,
        help: "Only promotes a new primary from the same cell as the previous primary.",
      },
      "ignore-replicas": {
        type: "strings",
        default: [],
        help: "Comma-separated, repeated list of replica tablet aliases to ignore during the emergency reparent.",
      },
    },
    shorthands: { i: "ignore-replicas" },
    args: [1, 1],
    async run(io, flags, [path]) {
      const [keyspace, shard] = keyspaceShardArg(path as string);
      const response = await (await io.client()).emergencyReparentShard({
        keyspace,
        shard,
        newPrimary: optionalAlias(flags["new-primary"]),
        ignoreReplicas: flags["ignore-replicas"].map(aliasArg),
        waitReplicasTimeout: durationProto(flags["wait-replicas-timeout"]),
        preventCrossCellPromotion: flags["prevent-cross-cell-promotion"],
        waitForAllTablets: false,
        expectedPrimary: undefined,
      });
      for (const event of response.events) io.print(eventString(event));
    },
  }),
  defineCommand({
    name: "InitShardPrimary",
    use: "InitShardPrimary <keyspace/shard> <primary alias>",
    short: "Sets the initial primary for the shard.",
    long: `Sets the initial primary for the shard.

This will make all other tablets in the shard become replicas of the promoted tablet.
WARNING: this can cause data loss on an already-replicating shard. PlannedReparentShard or
EmergencyReparentShard should be used instead.`,
    flags: {
      "wait-replicas-timeout": {
        type: "duration",
        default: 30_000,
        help: "Time to wait for replicas to catch up in reparenting.",
      },
      force: {
        type: "bool",
        default: false,
        help: "Force the reparent even if the provided tablet is not writable or the shard primary.",
      },
    },
    args: [2, 2],
    async run(io, flags, [path, alias]) {
      const [keyspace, shard] = keyspaceShardArg(path as string);
      const response = await (await io.client()).initShardPrimary({
        keyspace,
        shard,
        primaryElectTabletAlias: aliasArg(alias as string),
        force: flags.force,
        waitReplicasTimeout: durationProto(flags["wait-replicas-timeout"]),
      });
      // Vitess logs these events instead of printing them.
      for (const event of response.events) io.printErr(eventString(event));
    },
  }),
  defineCommand({
    name: "PlannedReparentShard",
    use: "PlannedReparentShard <keyspace/shard>",
    short:
      "Reparents the shard to a new primary, or away from an old primary. Both the old and new primaries must be up and running.",
    flags: {
      "wait-replicas-timeout": {
        type: "duration",
        default: 15_000,
        help: "Time to wait for replicas to catch up on replication both before and after reparenting.",
      },
      "new-primary": {
        type: "string",
        default: "",
        help: "Alias of a tablet that should be the new primary.",
      },
      "avoid-primary": {
        type: "string",
        default: "",
        help: 'Alias of a tablet that should not be the primary; i.e. "reparent to any other tablet if this one is the primary".',
      },
    },
    args: [1, 1],
    async run(io, flags, [path]) {
      const [keyspace, shard] = keyspaceShardArg(path as string);
      const response = await (await io.client()).plannedReparentShard({
        keyspace,
        shard,
        newPrimary: optionalAlias(flags["new-primary"]),
        avoidPrimary: optionalAlias(flags["avoid-primary"]),
        waitReplicasTimeout: durationProto(flags["wait-replicas-timeout"]),
        tolerableReplicationLag: undefined,
        allowCrossCellPromotion: false,
        expectedPrimary: undefined,
      });
      for (const event of response.events) io.print(eventString(event));
    },
  }),
];
