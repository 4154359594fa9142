import { CreateShardResponse, Shard as VtctldShard } from "../../../libs/proto/vtctldata.js";
import { marshalProtoJson } from "../../../libs/proto-json/index.js";
import { keyspaceShardArg } from "../args.js";
import { defineCommand, rewrapError } from "../framework.js";
import { sortedReplicatingTablets, tabletAwk } from "../output.js";

export const shardCommands = [
  defineCommand({
    name: "CreateShard",
    use: "CreateShard [--force|-f] [--include-parent|-p] <keyspace/shard>",
    short: "Creates the specified shard in the topology.",
    flags: {
      force: { type: "bool", default: false, help: "Overwrite an existing shard record, if one exists." },
      "include-parent": {
        type: "bool",
        default: false,
        help: "Creates the parent keyspace record if does not already exist.",
      },
    },
    shorthands: { f: "force", p: "include-parent" },
    args: [1, 1],
    async run(io, flags, [path]) {
      const [keyspace, shardName] = keyspaceShardArg(path as string);
      const response = await (await io.client()).createShard({
        keyspace,
        shardName,
        force: flags.force,
        includeParent: flags["include-parent"],
      });
      io.print(marshalProtoJson(CreateShardResponse, response));
    },
  }),
  defineCommand({
    name: "GetShard",
    use: "GetShard <keyspace/shard>",
    short: "Returns information about a shard in the topology.",
    flags: {},
    args: [1, 1],
    async run(io, _flags, [path]) {
      const [keyspace, shardName] = keyspaceShardArg(path as string);
      const { shard } = await (await io.client()).getShard({ keyspace, shardName });
      io.print(marshalProtoJson(VtctldShard, shard ?? VtctldShard.create()));
    },
  }),
  defineCommand({
    name: "DeleteShards",
    use: "DeleteShards [--recursive|-r] [--even-if-serving] [--force|-f] <keyspace/shard> [<keyspace/shard> ...]",
    short: "Deletes the specified shards from the topology.",
    long: `Deletes the specified shards from the topology.

In recursive mode, it also deletes all tablets belonging to the shard.
Otherwise, the shard must be empty (have no tablets) or returns an error for
that shard.`,
    flags: {
      recursive: {
        type: "bool",
        default: false,
        help: "Also delete all tablets belonging to the shard. This is required to delete a non-empty shard.",
      },
      "even-if-serving": {
        type: "bool",
        default: false,
        help: "Remove the shard even if it is serving. Use with caution.",
      },
      force: {
        type: "bool",
        default: false,
        help: "Remove the shard even if it cannot be locked; this should only be used for cleanup operations.",
      },
    },
    shorthands: { r: "recursive", f: "force" },
    args: [1, Number.POSITIVE_INFINITY],
    async run(io, flags, paths) {
      const shards = paths.map((path) => {
        const [keyspace, name] = keyspaceShardArg(path);
        return VtctldShard.fromPartial({ keyspace, name });
      });
      try {
        await (await io.client()).deleteShards({
          shards,
          recursive: flags.recursive,
          evenIfServing: flags["even-if-serving"],
          force: flags.force,
        });
      } catch (err) {
        throw rewrapError(
          err,
          (m) => `${m}: while deleting ${shards.length} shards; please inspect the topo`,
        );
      }
      io.print(`Successfully deleted ${shards.length} shards`);
    },
  }),
  defineCommand({
    name: "ShardReplicationPositions",
    use: "ShardReplicationPositions <keyspace/shard>",
    short: "Shows the replication status of each tablet in the shard graph.",
    long: `Shows the replication status of each tablet in the shard graph.
Output is sorted by tablet type, then replication position.`,
    flags: {},
    args: [1, 1],
    async run(io, _flags, [path]) {
      const [keyspace, shard] = keyspaceShardArg(path as string);
      const response = await (await io.client()).shardReplicationPositions({ keyspace, shard });
      for (const { tablet, status } of sortedReplicatingTablets(
        response.tabletMap,
        response.replicationStatuses,
      )) {
        const suffix = status ? `${status.position} ${status.replicationLagSeconds}` : "<err> <err> <err>";
        io.print(`${tabletAwk(tablet)} ${suffix}`);
      }
    },
  }),
];
