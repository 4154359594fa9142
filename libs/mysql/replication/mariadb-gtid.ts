import { PositionError } from "./errors.js";
import { MAX_UINT32, MAX_UINT64, parseUnsigned } from "./unsigned.js";

export const MARIADB_FLAVOR = "MariaDB";

/** A MariaDB GTID `domain-server-sequence`, e.g. `0-100-3`. */
export interface MariadbGtid {
  readonly flavor: typeof MARIADB_FLAVOR;
  /** uint32: sequence numbers are only comparable within one domain. */
  readonly domain: number;
  /** uint32: the server_id that committed the transaction. */
  readonly server: number;
  /** uint64. */
  readonly sequence: bigint;
}

export function mariadbGtid(domain: number, server: number, sequence: bigint): MariadbGtid {
  const text = `${domain}-${server}-${sequence}`;
  if (!isUint32(domain)) {
    throw new PositionError(`invalid MariaDB GTID "${text}": domain ${domain} is not a uint32`, text);
  }
  if (!isUint32(server)) {
    throw new PositionError(`invalid MariaDB GTID "${text}": server ${server} is not a uint32`, text);
  }
  if (sequence < 0n || sequence > MAX_UINT64) {
    throw new PositionError(`invalid MariaDB GTID "${text}": sequence ${sequence} is not a uint64`, text);
  }
  return { flavor: MARIADB_FLAVOR, domain, server, sequence };
}

export function parseMariadbGtid(text: string): MariadbGtid {
  const parts = text.split("-");
  if (parts.length !== 3) {
    throw new PositionError(`invalid MariaDB GTID "${text}": expecting Domain-Server-Sequence`, text);
  }
  const [domainText, serverText, sequenceText] = parts as [string, string, string];
  const domain = parseUnsigned(domainText, MAX_UINT32);
  if (domain === undefined) {
    throw new PositionError(
      `invalid MariaDB GTID "${text}": Domain ID "${domainText}" is not a uint32`,
      text,
    );
  }
  const server = parseUnsigned(serverText, MAX_UINT32);
  if (server === undefined) {
    throw new PositionError(
      `invalid MariaDB GTID "${text}": Server ID "${serverText}" is not a uint32`,
      text,
    );
  }
  const sequence = parseUnsigned(sequenceText, MAX_UINT64);
  if (sequence === undefined) {
    throw new PositionError(
      `invalid MariaDB GTID "${text}": Sequence number "${sequenceText}" is not a uint64`,
      text,
    );
  }
  return { flavor: MARIADB_FLAVOR, domain: Number(domain), server: Number(server), sequence };
}

export function formatMariadbGtid(gtid: MariadbGtid): string {
  return `${gtid.domain}-${gtid.server}-${gtid.sequence}`;
}

function isUint32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= Number(MAX_UINT32);
}
