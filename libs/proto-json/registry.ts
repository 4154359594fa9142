import {
  createFileRegistry,
  type DescEnum,
  type DescMessage,
  type FileRegistry,
  fromBinary,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import * as binlogdata from "../proto/binlogdata.js";
import { DESCRIPTOR_SET_BASE64 } from "../proto/descriptor-set.js";
import * as logutil from "../proto/logutil.js";
import * as query from "../proto/query.js";
import * as replicationdata from "../proto/replicationdata.js";
import * as tabletmanagerdata from "../proto/tabletmanagerdata.js";
import * as topodata from "../proto/topodata.js";
import * as vschema from "../proto/vschema.js";
import * as vtctldata from "../proto/vtctldata.js";
import * as vtgate from "../proto/vtgate.js";
import * as vtrpc from "../proto/vtrpc.js";
import * as vttime from "../proto/vttime.js";

/** The part of a ts-proto message codec the marshaller is keyed by. */
export interface MessageCodec<T> {
  encode(message: T): unknown;
  decode(input: Uint8Array): T;
}

/** Every generated module of libs/proto holding messages, by proto package. */
const MODULES: Record<string, Record<string, unknown>> = {
  binlogdata,
  logutil,
  query,
  replicationdata,
  tabletmanagerdata,
  topodata,
  vschema,
  vtctldata,
  vtgate,
  vtrpc,
  vttime,
};

let registry: FileRegistry | undefined;
let codecNames: Map<unknown, string> | undefined;

/** The descriptors of proto/*.proto, decoded once on first use. */
export function protoRegistry(): FileRegistry {
  registry ??= createFileRegistry(
    fromBinary(FileDescriptorSetSchema, Buffer.from(DESCRIPTOR_SET_BASE64, "base64")),
  );
  return registry;
}

function isCodec(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { encode?: unknown }).encode === "function" &&
    typeof (value as { decode?: unknown }).decode === "function"
  );
}

/**
 * Maps each ts-proto codec object to its message's full proto name: ts-proto names nested messages with "_"
 * (`Shard_TabletControl` is `topodata.Shard.TabletControl`).
 */
function codecNameMap(): Map<unknown, string> {
  if (codecNames) return codecNames;
  const names = new Map<unknown, string>();
  const reg = protoRegistry();
  for (const [pkg, module] of Object.entries(MODULES)) {
    for (const [exportName, value] of Object.entries(module)) {
      if (!isCodec(value)) continue;
      const typeName = `${pkg}.${exportName.split("_").join(".")}`;
      if (reg.getMessage(typeName)) names.set(value, typeName);
    }
  }
  codecNames = names;
  return names;
}

/** Every codec of libs/proto with its message's full proto name (for tests that check the mapping). */
export function registeredCodecs(): [MessageCodec<unknown>, string][] {
  return [...codecNameMap()].map(([codec, name]) => [codec as MessageCodec<unknown>, name]);
}

/** The descriptor of the message a ts-proto codec encodes. Throws for a codec outside libs/proto. */
export function messageDescriptor<T>(codec: MessageCodec<T>): DescMessage {
  const typeName = codecNameMap().get(codec);
  const desc = typeName === undefined ? undefined : protoRegistry().getMessage(typeName);
  if (!desc) throw new Error("proto-json: the codec is not a message of libs/proto");
  return desc;
}

/** The name protojson prints for an enum number: the first value declared with it (aliases lose). */
export function enumValueName(desc: DescEnum, value: number): string | undefined {
  return desc.values.find((v) => v.number === value)?.name;
}

/** ts-proto's property name for a proto field or oneof name (its snakeToCamel of "keys"). */
export function tsPropertyName(protoName: string): string {
  if (!protoName.includes("_")) return protoName;
  const hasLowerCase = /[a-z]/.test(protoName);
  return protoName
    .split("_")
    .map((word, i) => {
      const w = hasLowerCase ? word : word.toLowerCase();
      return i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1);
    })
    .join("");
}
