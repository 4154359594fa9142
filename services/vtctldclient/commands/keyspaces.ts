import { KeyspaceType } from "../../../libs/proto/topodata.js";
import {
  FindAllShardsInKeyspaceResponse,
  SetKeyspaceDurabilityPolicyResponse,
  Keyspace as VtctldKeyspace,
} from "../../../libs/proto/vtctldata.js";
import { marshalGoJsonList, marshalProtoJson } from "../../../libs/proto-json/index.js";
import { invalidArgument } from "../../../libs/vterrors/index.js";
import { defineCommand, FlagError, rewrapError } from "../framework.js";

const durabilityHelp =
  "Type of durability to enforce for this keyspace. Default is none. Possible values include 'semi_sync' and others as dictated by registered plugins.";

function keyspaceType(text: string): KeyspaceType {
  switch (text.toUpperCase()) {
    case "NORMAL":
      return KeyspaceType.NORMAL;
    case "SNAPSHOT":
      return KeyspaceType.SNAPSHOT;
    default:
      throw new FlagError(`invalid argument "${text}" for "--type" flag: unknown keyspace type ${text}`);
  }
}

export const keyspaceCommands = [
  defineCommand({
    name: "CreateKeyspace",
    use: "CreateKeyspace <keyspace> [--force|-f] [--type KEYSPACE_TYPE] [--base-keyspace KEYSPACE --snapshot-timestamp TIME] [--durability-policy <policy_name>]",
    short: "Creates the specified keyspace in the topology.",
    long: `Creates the specified keyspace in the topology.

For a SNAPSHOT keyspace, the request must specify the name of a base keyspace,
as well as a snapshot time.`,
    flags: {
      force: {
        type: "bool",
        default: false,
        help: "Proceeds even if the keyspace already exists. Does not overwrite the existing keyspace record.",
      },
      "allow-empty-vschema": {
        type: "bool",
        default: false,
        help: "Allows a new keyspace to have no vschema.",
      },
      type: { type: "string", default: "NORMAL", help: "The type of the keyspace (NORMAL or SNAPSHOT)." },
      "base-keyspace": { type: "string", default: "", help: "The base keyspace for a snapshot keyspace." },
      "snapshot-timestamp": {
        type: "string",
        default: "",
        help: "The snapshot time for a snapshot keyspace, as a timestamp in RFC3339 format.",
      },
      "durability-policy": { type: "string", default: "none", help: durabilityHelp },
      "sidecar-db-name": {
        type: "string",
        default: "_vt",
        help: "(Experimental) Name of the Vitess sidecar database that tablets in this keyspace will use for internal metadata.",
      },
    },
    shorthands: { f: "force", e: "allow-empty-vschema" },
    args: [1, 1],
    async run(io, flags, [name]) {
      const type = keyspaceType(flags.type);
      let snapshotTime: { seconds: number; nanoseconds: number } | undefined;
      if (type === KeyspaceType.SNAPSHOT) {
        if (flags["durability-policy"] !== "none") {
          throw invalidArgument("--durability-policy cannot be specified while creating a snapshot keyspace");
        }
        if (flags["base-keyspace"] === "")
          throw invalidArgument("--base-keyspace is required for a snapshot keyspace");
        const at = Date.parse(flags["snapshot-timestamp"]);
        if (Number.isNaN(at))
          throw invalidArgument("--snapshot-timestamp is required for a snapshot keyspace, as RFC3339");
        if (at > Date.now()) throw invalidArgument("--snapshot-time cannot be in the future");
        snapshotTime = { seconds: Math.floor(at / 1000), nanoseconds: (at % 1000) * 1e6 };
      }
      const sidecar = flags["sidecar-db-name"].trim();
      if (sidecar === "") throw invalidArgument("--sidecar-db-name cannot be empty when creating a keyspace");
      const response = await (await io.client()).createKeyspace({
        name: name as string,
        force: flags.force,
        allowEmptyVSchema: flags["allow-empty-vschema"],
        type,
        baseKeyspace: flags["base-keyspace"],
        snapshotTime,
        durabilityPolicy: flags["durability-policy"],
        sidecarDbName: sidecar,
      });
      const result = marshalProtoJson(VtctldKeyspace, response.keyspace ?? VtctldKeyspace.create());
      io.print(`Successfully created keyspace ${name}. Result:\n${result}`);
    },
  }),
  defineCommand({
    name: "DeleteKeyspace",
    use: "DeleteKeyspace [--recursive|-r] [--force|-f] <keyspace>",
    short: "Deletes the specified keyspace from the topology.",
    long: `Deletes the specified keyspace from the topology.

In recursive mode, it also recursively deletes all shards in the keyspace.
Otherwise, the keyspace must be empty (have no shards), or returns an error.`,
    flags: {
      recursive: {
        type: "bool",
        default: false,
        help: "Recursively delete all shards in the keyspace, and all tablets in those shards.",
      },
      force: {
        type: "bool",
        default: false,
        help: "Delete the keyspace even if it cannot be locked; this should only be used for cleanup operations.",
      },
    },
    shorthands: { r: "recursive", f: "force" },
    args: [1, 1],
    async run(io, flags, [keyspace]) {
      try {
        await (await io.client()).deleteKeyspace({
          keyspace: keyspace as string,
          recursive: flags.recursive,
          force: flags.force,
        });
      } catch (err) {
        throw rewrapError(err, (m) => `DeleteKeyspace(${keyspace}) error: ${m}; please check the topo`);
      }
      io.print(`Successfully deleted keyspace ${keyspace}.`);
    },
  }),
  defineCommand({
    name: "FindAllShardsInKeyspace",
    aliases: ["findallshardsinkeyspace"],
    use: "FindAllShardsInKeyspace <keyspace>",
    short: "Returns a map of shard names to shard references for a given keyspace.",
    flags: {},
    args: [1, 1],
    async run(io, _flags, [keyspace]) {
      const response = await (await io.client()).findAllShardsInKeyspace({ keyspace: keyspace as string });
      io.print(marshalProtoJson(FindAllShardsInKeyspaceResponse, response));
    },
  }),
  defineCommand({
    name: "GetKeyspace",
    aliases: ["getkeyspace"],
    use: "GetKeyspace <keyspace>",
    short: "Returns information about the given keyspace from the topology.",
    flags: {},
    args: [1, 1],
    async run(io, _flags, [keyspace]) {
      const response = await (await io.client()).getKeyspace({ keyspace: keyspace as string });
      io.print(marshalProtoJson(VtctldKeyspace, response.keyspace ?? VtctldKeyspace.create()));
    },
  }),
  defineCommand({
    name: "GetKeyspaces",
    aliases: ["getkeyspaces"],
    use: "GetKeyspaces",
    short: "Returns information about every keyspace in the topology.",
    flags: {},
    args: [0, 0],
    async run(io) {
      const { keyspaces } = await (await io.client()).getKeyspaces({});
      io.print(marshalGoJsonList(VtctldKeyspace, keyspaces));
    },
  }),
  defineCommand({
    name: "SetKeyspaceDurabilityPolicy",
    use: "SetKeyspaceDurabilityPolicy [--durability-policy=policy_name] <keyspace name>",
    short: "Sets the durability-policy used by the specified keyspace.",
    flags: { "durability-policy": { type: "string", default: "none", help: durabilityHelp } },
    args: [1, 1],
    async run(io, flags, [keyspace]) {
      const response = await (await io.client()).setKeyspaceDurabilityPolicy({
        keyspace: keyspace as string,
        durabilityPolicy: flags["durability-policy"],
      });
      io.print(marshalProtoJson(SetKeyspaceDurabilityPolicyResponse, response));
    },
  }),
];
