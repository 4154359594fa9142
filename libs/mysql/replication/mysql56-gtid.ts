import { PositionError, withinInput } from "./errors.js";
import { MAX_UINT63, parseUnsigned } from "./unsigned.js";

export const MYSQL56_FLAVOR = "MySQL56";

/** One MySQL 5.6+ GTID `uuid:sequence`: the transaction `sequence` of server `sid`. */
export interface Mysql56Gtid {
  readonly flavor: typeof MYSQL56_FLAVOR;
  /** The server UUID in canonical lowercase form. */
  readonly sid: string;
  /** 1 .. 2^63-1. */
  readonly sequence: bigint;
}

const SID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Validates a server UUID (either case) and returns its canonical lowercase form. */
export function parseSid(text: string): string {
  if (!SID_PATTERN.test(text)) {
    throw new PositionError(
      `invalid MySQL 5.6 SID "${text}": expected a UUID like 00010203-0405-0607-0809-0a0b0c0d0e0f`,
      text,
    );
  }
  return text.toLowerCase();
}

/** Parses a GTID sequence number: a decimal in 1 .. 2^63-1. */
export function parseGtidSequence(text: string): bigint {
  const sequence = parseUnsigned(text, MAX_UINT63);
  if (sequence === undefined || sequence < 1n) {
    throw new PositionError(`invalid MySQL 5.6 GTID sequence number "${text}": expected 1 to 2^63-1`, text);
  }
  return sequence;
}

export function mysql56Gtid(sid: string, sequence: bigint): Mysql56Gtid {
  const canonicalSid = parseSid(sid);
  if (sequence < 1n || sequence > MAX_UINT63) {
    const text = `${sid}:${sequence}`;
    throw new PositionError(`invalid MySQL 5.6 GTID "${text}": sequence must be 1 to 2^63-1`, text);
  }
  return { flavor: MYSQL56_FLAVOR, sid: canonicalSid, sequence };
}

export function parseMysql56Gtid(text: string): Mysql56Gtid {
  const parts = text.split(":");
  if (parts.length !== 2) {
    throw new PositionError(`invalid MySQL 5.6 GTID "${text}": expecting UUID:Sequence`, text);
  }
  const [sidText, sequenceText] = parts as [string, string];
  return withinInput(text, "MySQL 5.6 GTID", () => ({
    flavor: MYSQL56_FLAVOR,
    sid: parseSid(sidText),
    sequence: parseGtidSequence(sequenceText),
  }));
}

export function formatMysql56Gtid(gtid: Mysql56Gtid): string {
  return `${gtid.sid}:${gtid.sequence}`;
}
