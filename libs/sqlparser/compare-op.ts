/** The comparisons vtgate's filters and the vstreamer's row filters evaluate (no `<=>`: NULL never matches). */
export type CompareOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

/** Whether `op` holds for a three-way comparison result `c` (negative, zero or positive). */
export function compareHolds(op: CompareOp, c: number): boolean {
  switch (op) {
    case "=":
      return c === 0;
    case "!=":
      return c !== 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
  }
}
