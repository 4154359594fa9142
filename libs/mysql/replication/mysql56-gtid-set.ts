import { PositionError, withinInput } from "./errors.js";
import { type Mysql56Gtid, parseGtidSequence, parseSid } from "./mysql56-gtid.js";
import { MAX_UINT63 } from "./unsigned.js";

/** A closed interval of GTID sequence numbers: `5` is {5, 5}, `1-51` is {1, 51}. */
export interface GtidInterval {
  readonly start: bigint;
  readonly end: bigint;
}

/** The transactions of one server: `uuid:1-51:60-70`. */
export interface Mysql56UuidSet {
  readonly sid: string;
  readonly intervals: readonly GtidInterval[];
}

/**
 * A MySQL 5.6+ GTID set `uuid:1-51,uuid2:1-9:20-30`, what `@@gtid_executed`
 * returns. Canonical form: uuids lowercase and sorted, each with at least one
 * interval, intervals sorted with overlapping and adjacent ones merged.
 * Every function here returns canonical sets and accepts any.
 */
export type Mysql56GtidSet = readonly Mysql56UuidSet[];

/** Validates and canonicalizes: lowercases uuids, joins repeated uuids, merges intervals. */
export function mysql56GtidSet(uuidSets: Iterable<Mysql56UuidSet>): Mysql56GtidSet {
  const bySid = new Map<string, GtidInterval[]>();
  for (const uuidSet of uuidSets) {
    const sid = parseSid(uuidSet.sid);
    for (const interval of uuidSet.intervals) {
      checkInterval(sid, interval);
    }
    bySid.set(sid, [...(bySid.get(sid) ?? []), ...uuidSet.intervals]);
  }
  return [...bySid.entries()]
    .filter(([, intervals]) => intervals.length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sid, intervals]) => ({ sid, intervals: mergeIntervals(intervals) }));
}

/**
 * Parses the text form. The empty string is the empty set; whitespace around
 * each uuid set is ignored, because MySQL prints a newline after each comma.
 * Stricter than Vitess, which silently drops an interval whose end is before
 * its start: here `uuid:5-3` is an error.
 */
export function parseMysql56GtidSet(text: string): Mysql56GtidSet {
  return withinInput(text, "MySQL 5.6 GTID set", () => {
    const uuidSets: Mysql56UuidSet[] = [];
    for (const part of text.split(",")) {
      const uuidSetText = part.trim();
      if (uuidSetText === "") {
        continue;
      }
      const [sidText, ...intervalTexts] = uuidSetText.split(":");
      if (intervalTexts.length === 0) {
        throw new PositionError(`"${uuidSetText}": expected uuid:interval[:interval]...`, uuidSetText);
      }
      const sid = parseSid(sidText!);
      uuidSets.push({ sid, intervals: intervalTexts.map(parseInterval) });
    }
    return mysql56GtidSet(uuidSets);
  });
}

export function formatMysql56GtidSet(set: Mysql56GtidSet): string {
  return mysql56GtidSet(set)
    .map(({ sid, intervals }) => [sid, ...intervals.map(formatInterval)].join(":"))
    .join(",");
}

export function mysql56GtidSetContainsGtid(set: Mysql56GtidSet, gtid: Mysql56Gtid): boolean {
  const sid = gtid.sid.toLowerCase();
  return set.some(
    (uuidSet) =>
      uuidSet.sid.toLowerCase() === sid &&
      uuidSet.intervals.some((interval) => interval.start <= gtid.sequence && gtid.sequence <= interval.end),
  );
}

/** Set inclusion: every transaction of `other` is in `set`. */
export function mysql56GtidSetContains(set: Mysql56GtidSet, other: Mysql56GtidSet): boolean {
  const own = new Map(mysql56GtidSet(set).map((uuidSet) => [uuidSet.sid, uuidSet.intervals]));
  return mysql56GtidSet(other).every(({ sid, intervals }) => {
    const ownIntervals = own.get(sid) ?? [];
    // Both sides are merged, so each interval of `other` must fit inside a single one of ours.
    return intervals.every((interval) =>
      ownIntervals.some((candidate) => candidate.start <= interval.start && interval.end <= candidate.end),
    );
  });
}

export function mysql56GtidSetEqual(a: Mysql56GtidSet, b: Mysql56GtidSet): boolean {
  return formatMysql56GtidSet(a) === formatMysql56GtidSet(b);
}

export function mysql56GtidSetUnion(a: Mysql56GtidSet, b: Mysql56GtidSet): Mysql56GtidSet {
  return mysql56GtidSet([...a, ...b]);
}

export function mysql56GtidSetAdd(set: Mysql56GtidSet, gtid: Mysql56Gtid): Mysql56GtidSet {
  return mysql56GtidSet([
    ...set,
    { sid: gtid.sid, intervals: [{ start: gtid.sequence, end: gtid.sequence }] },
  ]);
}

function parseInterval(text: string): GtidInterval {
  const parts = text.split("-");
  if (parts.length > 2) {
    throw new PositionError(`invalid interval "${text}": expected N or N-M`, text);
  }
  const start = withinInput(text, "interval", () => parseGtidSequence(parts[0]!));
  const end = parts.length === 2 ? withinInput(text, "interval", () => parseGtidSequence(parts[1]!)) : start;
  if (end < start) {
    throw new PositionError(`invalid interval "${text}": end ${end} is before start ${start}`, text);
  }
  return { start, end };
}

function checkInterval(sid: string, interval: GtidInterval): void {
  const { start, end } = interval;
  if (start < 1n || end > MAX_UINT63 || end < start) {
    const text = `${sid}:${formatInterval(interval)}`;
    throw new PositionError(`invalid interval in "${text}": expected 1 <= start <= end <= 2^63-1`, text);
  }
}

function formatInterval({ start, end }: GtidInterval): string {
  return start === end ? `${start}` : `${start}-${end}`;
}

function mergeIntervals(intervals: readonly GtidInterval[]): GtidInterval[] {
  const sorted = [...intervals].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: GtidInterval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && interval.start <= last.end + 1n) {
      merged[merged.length - 1] = {
        start: last.start,
        end: laterOf(interval.end, last.end),
      };
    } else {
      merged.push({ start: interval.start, end: interval.end });
    }
  }
  return merged;
}

// Math.max does not take bigints.
function laterOf(a: bigint, b: bigint): bigint {
  if (a > b) {
    return a;
  }
  return b;
}
