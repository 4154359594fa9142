import { PositionError, withinInput } from "./errors.js";
import { formatMariadbGtid, MARIADB_FLAVOR, type MariadbGtid, parseMariadbGtid } from "./mariadb-gtid.js";
import {
  formatMariadbGtidSet,
  type MariadbGtidSet,
  mariadbGtidSetAdd,
  mariadbGtidSetContains,
  mariadbGtidSetEqual,
  mariadbGtidSetUnion,
  parseMariadbGtidSet,
} from "./mariadb-gtid-set.js";
import { formatMysql56Gtid, MYSQL56_FLAVOR, type Mysql56Gtid, parseMysql56Gtid } from "./mysql56-gtid.js";
import {
  formatMysql56GtidSet,
  type Mysql56GtidSet,
  mysql56GtidSetAdd,
  mysql56GtidSetContains,
  mysql56GtidSetEqual,
  mysql56GtidSetUnion,
  parseMysql56GtidSet,
} from "./mysql56-gtid-set.js";

/** The GTID flavors, spelled as in Vitess's encoded positions. */
export type Flavor = typeof MARIADB_FLAVOR | typeof MYSQL56_FLAVOR;
export const FLAVORS: readonly Flavor[] = [MARIADB_FLAVOR, MYSQL56_FLAVOR];

export type Gtid = MariadbGtid | Mysql56Gtid;

export interface MariadbPosition {
  readonly flavor: typeof MARIADB_FLAVOR;
  readonly gtidSet: MariadbGtidSet;
}

export interface Mysql56Position {
  readonly flavor: typeof MYSQL56_FLAVOR;
  readonly gtidSet: Mysql56GtidSet;
}

/** The position before any transaction, of no flavor (Vitess's zero Position); it encodes to "". */
export interface ZeroPosition {
  readonly flavor: undefined;
  readonly gtidSet: undefined;
}

/** Which transactions a server has applied: what a replica needs to resume from a new source. */
export type Position = ZeroPosition | MariadbPosition | Mysql56Position;
export type FlavoredPosition = MariadbPosition | Mysql56Position;

export const ZERO_POSITION: ZeroPosition = Object.freeze({ flavor: undefined, gtidSet: undefined });

export function isFlavor(text: string): text is Flavor {
  return (FLAVORS as readonly string[]).includes(text);
}

/**
 * Parses the raw GTID text of a flavor, as `@@gtid_current_pos` (MariaDB) or
 * `@@gtid_executed` (MySQL) returns it; "" is an empty position of that flavor.
 */
export function parseFlavoredGtidSet(flavor: string, text: string): FlavoredPosition {
  switch (flavor) {
    case MARIADB_FLAVOR:
      return { flavor, gtidSet: parseMariadbGtidSet(text) };
    case MYSQL56_FLAVOR:
      return { flavor, gtidSet: parseMysql56GtidSet(text) };
    default:
      throw new PositionError(
        `unknown GTID flavor "${flavor}": expected one of ${FLAVORS.join(", ")}`,
        flavor,
      );
  }
}

/** Parses one GTID of a flavor (`0-100-3`, `uuid:5`), e.g. from a binlog event or a VStream. */
export function parseFlavoredGtid(flavor: string, text: string): Gtid {
  switch (flavor) {
    case MARIADB_FLAVOR:
      return parseMariadbGtid(text);
    case MYSQL56_FLAVOR:
      return parseMysql56Gtid(text);
    default:
      throw new PositionError(
        `unknown GTID flavor "${flavor}": expected one of ${FLAVORS.join(", ")}`,
        flavor,
      );
  }
}

export function formatGtid(gtid: Gtid): string {
  return gtid.flavor === MARIADB_FLAVOR ? formatMariadbGtid(gtid) : formatMysql56Gtid(gtid);
}

/**
 * Decodes the flavored text form of Vitess's EncodePosition: `MariaDB/0-100-3`,
 * `MySQL56/uuid:1-51`; "" is the zero position. A flavor with nothing after
 * the slash is rejected, since the empty position always encodes to "".
 */
export function parsePosition(text: string): Position {
  if (text === "") {
    return ZERO_POSITION;
  }
  const slash = text.indexOf("/");
  if (slash < 0) {
    throw new PositionError(`invalid position "${text}": missing flavor prefix such as "MariaDB/"`, text);
  }
  const flavor = text.slice(0, slash);
  const gtidText = text.slice(slash + 1);
  if (!isFlavor(flavor)) {
    throw new PositionError(
      `invalid position "${text}": unknown GTID flavor "${flavor}", expected one of ${FLAVORS.join(", ")}`,
      text,
    );
  }
  if (gtidText.trim() === "") {
    throw new PositionError(
      `invalid position "${text}": no GTIDs after "${flavor}/" (the empty position is encoded as "")`,
      text,
    );
  }
  return withinInput(text, "position", () => parseFlavoredGtidSet(flavor, gtidText));
}

/** The raw GTID text, without flavor: what `SET GLOBAL gtid_slave_pos` or `gtid_purged` takes. */
export function positionGtidSetString(position: Position): string {
  switch (position.flavor) {
    case undefined:
      return "";
    case MARIADB_FLAVOR:
      return formatMariadbGtidSet(position.gtidSet);
    case MYSQL56_FLAVOR:
      return formatMysql56GtidSet(position.gtidSet);
  }
}

/** `Flavor/gtids`, as Vitess's EncodePosition; a position without transactions encodes to "". */
export function encodePosition(position: Position): string {
  if (isZeroPosition(position)) {
    return "";
  }
  return `${position.flavor}/${positionGtidSetString(position)}`;
}

/** True when the position holds no transaction: the zero position or an empty GTID set. */
export function isZeroPosition(position: Position): boolean {
  return position.flavor === undefined || position.gtidSet.length === 0;
}

/**
 * True when `position` includes every transaction of `other` (Vitess's
 * AtLeast). Positions of different flavors are never at least one another.
 */
export function positionAtLeast(position: Position, other: Position): boolean {
  if (isZeroPosition(other)) {
    return true;
  }
  if (position.flavor === MARIADB_FLAVOR && other.flavor === MARIADB_FLAVOR) {
    return mariadbGtidSetContains(position.gtidSet, other.gtidSet);
  }
  if (position.flavor === MYSQL56_FLAVOR && other.flavor === MYSQL56_FLAVOR) {
    return mysql56GtidSetContains(position.gtidSet, other.gtidSet);
  }
  return false;
}

/** Same transactions; any two positions without transactions are equal whatever their flavor. */
export function positionEqual(a: Position, b: Position): boolean {
  if (isZeroPosition(a) || isZeroPosition(b)) {
    return isZeroPosition(a) && isZeroPosition(b);
  }
  if (a.flavor === MARIADB_FLAVOR && b.flavor === MARIADB_FLAVOR) {
    return mariadbGtidSetEqual(a.gtidSet, b.gtidSet);
  }
  if (a.flavor === MYSQL56_FLAVOR && b.flavor === MYSQL56_FLAVOR) {
    return mysql56GtidSetEqual(a.gtidSet, b.gtidSet);
  }
  return false;
}

/** Every transaction of either position. Throws PositionError when both have transactions of different flavors. */
export function positionUnion(a: Position, b: Position): Position {
  if (isZeroPosition(b)) {
    return a;
  }
  if (isZeroPosition(a)) {
    return b;
  }
  if (a.flavor === MARIADB_FLAVOR && b.flavor === MARIADB_FLAVOR) {
    return { flavor: MARIADB_FLAVOR, gtidSet: mariadbGtidSetUnion(a.gtidSet, b.gtidSet) };
  }
  if (a.flavor === MYSQL56_FLAVOR && b.flavor === MYSQL56_FLAVOR) {
    return { flavor: MYSQL56_FLAVOR, gtidSet: mysql56GtidSetUnion(a.gtidSet, b.gtidSet) };
  }
  const encoded = encodePosition(b);
  throw new PositionError(
    `cannot union positions of different flavors: "${encodePosition(a)}" and "${encoded}"`,
    encoded,
  );
}

/** The position after `gtid` is applied. Throws PositionError when the GTID is of another flavor. */
export function appendGtid(position: Position, gtid: Gtid): FlavoredPosition {
  if (gtid.flavor === MARIADB_FLAVOR && position.flavor !== MYSQL56_FLAVOR) {
    return { flavor: MARIADB_FLAVOR, gtidSet: mariadbGtidSetAdd(position.gtidSet ?? [], gtid) };
  }
  if (gtid.flavor === MYSQL56_FLAVOR && position.flavor !== MARIADB_FLAVOR) {
    return { flavor: MYSQL56_FLAVOR, gtidSet: mysql56GtidSetAdd(position.gtidSet ?? [], gtid) };
  }
  const text = formatGtid(gtid);
  throw new PositionError(
    `cannot append ${gtid.flavor} GTID "${text}" to ${position.flavor} position "${encodePosition(position)}"`,
    text,
  );
}
