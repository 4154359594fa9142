import type { KeyspaceId } from "../key/index.js";
import { invalidArgument } from "../vterrors/index.js";
import { DESTINATION_NONE, type Destination, destinationKeyspaceId } from "./destination.js";
import type { ParamReader } from "./params.js";
import { describeValue, type SqlValue } from "./values.js";
import type { Hashing, SingleColumn } from "./vindex.js";

/**
 * Base of the functional vindexes: `compute` returns the keyspace id of one value, or undefined when the
 * value does not map (NULL, or a value that does not parse for the vindex); map/verify/hash follow.
 */
export abstract class FunctionalVindex implements SingleColumn, Hashing {
  readonly needsVCursor = false as const;
  readonly isUnique: boolean = true;
  abstract readonly type: string;
  abstract readonly cost: number;
  readonly unknownParams: readonly string[];

  constructor(
    readonly name: string,
    params: ParamReader,
  ) {
    this.unknownParams = params.unknown();
  }

  protected abstract compute(value: SqlValue): KeyspaceId | undefined;

  map(values: readonly SqlValue[]): Destination[] {
    const out = new Array<Destination>(values.length);
    for (let i = 0; i < values.length; i++) {
      const id = this.compute(values[i]!);
      out[i] = id === undefined ? DESTINATION_NONE : destinationKeyspaceId(id);
    }
    return out;
  }

  verify(values: readonly SqlValue[], ksids: readonly KeyspaceId[]): boolean[] {
    if (values.length !== ksids.length) {
      throw invalidArgument(
        `${this.describe()}: length of values ${values.length} doesn't match length of keyspace ids ${ksids.length}`,
      );
    }
    const out = new Array<boolean>(values.length);
    for (let i = 0; i < values.length; i++) out[i] = Buffer.from(this.hash(values[i]!)).equals(ksids[i]!);
    return out;
  }

  hash(value: SqlValue): KeyspaceId {
    const id = this.compute(value);
    if (id === undefined) throw this.parseError(value);
    return id;
  }

  protected describe(): string {
    return `${this.type} vindex "${this.name}"`;
  }

  protected parseError(value: SqlValue): Error {
    return invalidArgument(`${this.describe()}: could not parse value: ${describeValue(value)}`);
  }
}

/** Hex of a keyspace id, for error messages. */
export function ksidHex(ksid: KeyspaceId): string {
  return Buffer.from(ksid).toString("hex");
}
