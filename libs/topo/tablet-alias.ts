import type { TabletAlias } from "../proto/topodata.js";

/** A tablet alias that is not `<cell>-<uid>`: names the offending text. */
export class TabletAliasError extends Error {
  override readonly name = "TabletAliasError";

  constructor(
    readonly text: string,
    why: string,
  ) {
    super(
      `invalid tablet alias ${JSON.stringify(text)}: ${why}, expecting format "<cell>-<uid>" like "zone1-100"`,
    );
  }
}

const UID_MAX = 0xffff_ffff; // uid is a uint32 (it doubles as the MySQL server_id).

/**
 * Parses "zone1-0000000100" or "zone1-100". The uid is after the last '-', so a cell name may itself contain
 * dashes ("us-east-1-100" is cell "us-east-1", uid 100).
 */
export function parseTabletAlias(text: string): TabletAlias {
  const dash = text.lastIndexOf("-");
  if (dash < 0) throw new TabletAliasError(text, "no '-' between cell and uid");
  const cell = text.slice(0, dash);
  const uidText = text.slice(dash + 1);
  if (cell === "" || cell.includes("/")) throw new TabletAliasError(text, "bad cell name");
  if (!/^[0-9]{1,10}$/.test(uidText)) throw new TabletAliasError(text, "uid is not a decimal number");
  const uid = Number(uidText);
  if (uid > UID_MAX) throw new TabletAliasError(text, "uid does not fit in 32 bits");
  return { cell, uid };
}

/** "zone1-0000000100": the uid zero-padded to 10 digits, as Vitess prints it everywhere. */
export function tabletAliasString(alias: TabletAlias): string {
  return `${alias.cell}-${String(alias.uid).padStart(10, "0")}`;
}

export function tabletAliasEqual(a: TabletAlias | undefined, b: TabletAlias | undefined): boolean {
  return a !== undefined && b !== undefined && a.cell === b.cell && a.uid === b.uid;
}
