import { FlagError } from "../../libs/flags/index.js";
import { type TabletAlias, TabletType, tabletTypeFromJSON } from "../../libs/proto/topodata.js";
import type { Duration } from "../../libs/proto/vttime.js";
import { parseTabletAlias } from "../../libs/topo/index.js";
import { errorMessage, invalidArgument } from "../../libs/vterrors/index.js";

/** "zone1-100" → alias; a malformed alias is INVALID_ARGUMENT naming it. */
export function aliasArg(text: string): TabletAlias {
  try {
    return parseTabletAlias(text);
  } catch (err) {
    throw invalidArgument((err as Error).message);
  }
}

/** Vitess's ParseKeyspaceShard: "commerce/0" → ["commerce", "0"]. */
export function keyspaceShardArg(text: string): [string, string] {
  const parts = text.split("/");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
    throw invalidArgument(
      `invalid keyspace/shard ${JSON.stringify(text)}: expecting <keyspace>/<shard> like commerce/0`,
    );
  }
  return [parts[0] as string, parts[1] as string];
}

/** Vitess's ParseTabletType: case-insensitive names, including the aliases MASTER and BATCH. */
export function parseTabletType(text: string): TabletType | undefined {
  const type = tabletTypeFromJSON(text.toUpperCase());
  return type === TabletType.UNRECOGNIZED ? undefined : type;
}

export function tabletTypeArg(text: string): TabletType {
  const type = parseTabletType(text);
  if (type === undefined) throw invalidArgument(`unknown TabletType ${text}`);
  return type;
}

/** A tablet type given as a flag value: a bad one is a usage error. */
export function tabletTypeFlag(flag: string, text: string): TabletType {
  if (text === "") return TabletType.UNKNOWN;
  const type = parseTabletType(text);
  if (type === undefined)
    throw new FlagError(`invalid argument "${text}" for "--${flag}" flag: unknown TabletType ${text}`);
  return type;
}

export function durationProto(ms: number): Duration {
  return { seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) };
}

/**
 * Parses a JSON flag value (a VSchema, routing rules) on the client, as vtctldclient does. A bad one fails
 * before anything is sent, worded as the server's refusals are: `code = InvalidArgument desc = --vschema: ...`.
 */
export function parseJsonArgument<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw invalidArgument(`code = InvalidArgument desc = ${flag}: ${errorMessage(err)}`, { cause: err });
  }
}
