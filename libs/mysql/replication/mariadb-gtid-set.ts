import { PositionError, withinInput } from "./errors.js";
import { formatMariadbGtid, type MariadbGtid, parseMariadbGtid } from "./mariadb-gtid.js";

/**
 * A MariaDB GTID position: the last GTID of each replication domain, at most
 * one per domain, sorted by domain (`0-100-3,1-101-7`). What
 * `@@gtid_current_pos` returns. Build it with parseMariadbGtidSet or
 * mariadbGtidSet so the invariants hold.
 */
export type MariadbGtidSet = readonly MariadbGtid[];

/** Sorts by domain; a second GTID for the same domain is an error, as MariaDB's own parser says. */
export function mariadbGtidSet(gtids: Iterable<MariadbGtid>): MariadbGtidSet {
  const sorted = [...gtids].sort((a, b) => a.domain - b.domain);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.domain === sorted[i - 1]!.domain) {
      const text = sorted.map(formatMariadbGtid).join(",");
      throw new PositionError(
        `invalid MariaDB GTID set "${text}": GTIDs ${formatMariadbGtid(sorted[i - 1]!)} and ` +
          `${formatMariadbGtid(sorted[i]!)} have the same domain ${sorted[i]!.domain}`,
        text,
      );
    }
  }
  return sorted;
}

/**
 * Parses a comma-separated list of GTIDs; the empty string (a server with no
 * transactions yet) is the empty set. Unlike Vitess, which keeps the last GTID
 * of a repeated domain, a repeated domain is rejected: the text is ambiguous.
 */
export function parseMariadbGtidSet(text: string): MariadbGtidSet {
  if (text.trim() === "") {
    return [];
  }
  return withinInput(text, "MariaDB GTID set", () =>
    mariadbGtidSet(text.split(",").map((part) => parseMariadbGtid(part.trim()))),
  );
}

export function formatMariadbGtidSet(set: MariadbGtidSet): string {
  return [...set]
    .sort((a, b) => a.domain - b.domain)
    .map(formatMariadbGtid)
    .join(",");
}

/** True when the set has the GTID's domain at the same or a later sequence; the server id is ignored. */
export function mariadbGtidSetContainsGtid(set: MariadbGtidSet, gtid: MariadbGtid): boolean {
  const own = set.find((candidate) => candidate.domain === gtid.domain);
  return own !== undefined && own.sequence >= gtid.sequence;
}

/** True when every domain of `other` is in `set` at the same or a later sequence (server ids ignored). */
export function mariadbGtidSetContains(set: MariadbGtidSet, other: MariadbGtidSet): boolean {
  return other.every((gtid) => mariadbGtidSetContainsGtid(set, gtid));
}

/** Same domains with the same GTIDs, server id included, as Vitess's MariadbGTIDSet.Equal. */
export function mariadbGtidSetEqual(a: MariadbGtidSet, b: MariadbGtidSet): boolean {
  if (a.length !== b.length) {
    return false;
  }
  return a.every((gtid) => {
    const other = b.find((candidate) => candidate.domain === gtid.domain);
    return other !== undefined && other.server === gtid.server && other.sequence === gtid.sequence;
  });
}

/** The GTID added: it replaces its domain's GTID only when its sequence is higher. */
export function mariadbGtidSetAdd(set: MariadbGtidSet, gtid: MariadbGtid): MariadbGtidSet {
  const own = set.find((candidate) => candidate.domain === gtid.domain);
  if (own !== undefined && own.sequence >= gtid.sequence) {
    return set;
  }
  return mariadbGtidSet([...set.filter((candidate) => candidate.domain !== gtid.domain), gtid]);
}

/** Per domain, the GTID with the higher sequence (the first set's on a tie). */
export function mariadbGtidSetUnion(a: MariadbGtidSet, b: MariadbGtidSet): MariadbGtidSet {
  return b.reduce(mariadbGtidSetAdd, a);
}
