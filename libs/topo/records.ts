import type { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import type { TopoConn, Version, WatchEvent } from "./conn.js";
import { isTopoError, TopoError, TopoErrorCode } from "./errors.js";
import { EventQueue } from "./event-queue.js";

/** The part of a ts-proto message codec we use: values are stored as binary protobuf. */
export interface Codec<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  decode(input: BinaryReader | Uint8Array, length?: number): T;
}

export interface Versioned<T> {
  value: T;
  version: Version;
}

/**
 * A mutation for the `update...Fields` functions: change the value in place. Return false (or throw TopoError
 * NoUpdateNeeded, as Vitess code does) when nothing needs writing.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: most mutators return nothing; void lets a block body type-check.
export type Mutator<T> = (value: T) => void | boolean | Promise<void | boolean>;

/** How many times a read-mutate-write loop retries after losing a race (BadVersion) before giving up. */
const MAX_CAS_ATTEMPTS = 20;

export function encodeRecord<T>(codec: Codec<T>, value: T): Uint8Array {
  return codec.encode(value).finish();
}

/** Decodes a stored record; corrupt bytes fail with the path, so the broken record can be found. */
export function decodeRecord<T>(codec: Codec<T>, contents: Uint8Array, path: string): T {
  try {
    return codec.decode(contents);
  } catch (err) {
    throw new Error(`cannot decode the protobuf stored at ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

export async function readRecord<T>(conn: TopoConn, codec: Codec<T>, path: string): Promise<Versioned<T>> {
  const { contents, version } = await conn.get(path);
  return { value: decodeRecord(codec, contents, path), version };
}

/**
 * Read, mutate, compare-and-set; on BadVersion (someone else wrote in between) start again from a fresh read.
 * `createIfMissing` supplies the value to mutate when the file does not exist (then the write is a create).
 * Returns the stored value and version, or the unchanged read when the mutator says no update is needed.
 */
export async function mutateRecord<T>(
  conn: TopoConn,
  codec: Codec<T>,
  path: string,
  mutate: Mutator<T>,
  createIfMissing?: () => T,
): Promise<Versioned<T>> {
  for (let attempt = 1; ; attempt++) {
    let current: Versioned<T> | undefined;
    try {
      current = await readRecord(conn, codec, path);
    } catch (err) {
      if (!(createIfMissing && isTopoError(err, TopoErrorCode.NoNode))) throw err;
    }
    const value = current ? current.value : (createIfMissing as () => T)();
    // biome-ignore lint/suspicious/noConfusingVoidType: holds a Mutator's result as is.
    let changed: void | boolean;
    try {
      changed = await mutate(value);
    } catch (err) {
      if (!isTopoError(err, TopoErrorCode.NoUpdateNeeded)) throw err;
      changed = false;
    }
    if (changed === false) {
      if (current) return current;
      throw new TopoError(TopoErrorCode.NoNode, path, {
        detail: "nothing to create: the update was not needed",
      });
    }
    const contents = encodeRecord(codec, value);
    try {
      const version = current
        ? await conn.update(path, contents, current.version)
        : await conn.create(path, contents);
      return { value, version };
    } catch (err) {
      const lostRace =
        isTopoError(err, TopoErrorCode.BadVersion) || isTopoError(err, TopoErrorCode.NodeExists);
      if (!lostRace || attempt >= MAX_CAS_ATTEMPTS) throw err;
    }
  }
}

export type RecordEvent<T> =
  | { readonly kind: "changed"; readonly value: T; readonly version: Version }
  | { readonly kind: "deleted" }
  | { readonly kind: "error"; readonly error: Error };

export interface RecordWatch<T> {
  current: Versioned<T>;
  /** Decoded changes; ends after "deleted" or "error" (a record that cannot be decoded is an error). */
  changes: AsyncIterable<RecordEvent<T>>;
  cancel(): void;
}

export async function watchRecord<T>(conn: TopoConn, codec: Codec<T>, path: string): Promise<RecordWatch<T>> {
  const watch = await conn.watch(path);
  let current: Versioned<T>;
  try {
    current = { value: decodeRecord(codec, watch.current.contents, path), version: watch.current.version };
  } catch (err) {
    watch.cancel();
    throw err;
  }
  const queue = new EventQueue<RecordEvent<T>>(() => watch.cancel());
  void (async () => {
    for await (const event of watch.changes) {
      const decoded = decodeEvent(codec, event, path);
      queue.push(decoded);
      if (decoded.kind === "error") {
        watch.cancel();
        break;
      }
    }
    queue.end();
  })();
  return {
    current,
    changes: queue,
    cancel: () => {
      watch.cancel();
      queue.end();
    },
  };
}

function decodeEvent<T>(codec: Codec<T>, event: WatchEvent, path: string): RecordEvent<T> {
  if (event.kind !== "changed") return event;
  try {
    return { kind: "changed", value: decodeRecord(codec, event.contents, path), version: event.version };
  } catch (err) {
    return { kind: "error", error: err as Error };
  }
}
