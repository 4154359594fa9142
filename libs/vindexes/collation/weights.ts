import { isUtf8 } from "node:buffer";
import { inflateRawSync } from "node:zlib";
import { invalidArgument } from "../../vterrors/index.js";
import { PRIMARY_WEIGHTS_DATA } from "./weights-data.js";

/**
 * The "loose" weight string Vitess's unicode_loose_md5 and unicode_loose_xxhash vindexes hash: the primary
 * (level 1) collation weights of golang.org/x/text/collate with language.English and collate.Loose, which
 * is the CLDR 23 root collation (UCA 6.2.0 DUCET with CLDR's changes). Level 1 ignores case, accents and
 * width: "Test", "TEST", "Tést" and "Te\u0301st" all give 18 16 16 4c 17 f3 18 16. Each weight is written as
 * two bytes, or three (first byte | 0x80) above 0x7fff, exactly as Vitess's collate.Hasher does. This is
 * NOT MySQL's utf8mb4_0900_ai_ci nor utf8_unicode_ci: it is x/text's table, generated into weights-data.ts.
 *
 * Covered exactly: every code point on its own (explicit weights, implicit weights of CJK ideographs and
 * unlisted code points, Hangul syllables through their jamo, compatibility decompositions) and contiguous
 * contractions (Cyrillic/Latin letters followed by combining marks that make a distinct letter, Thai and
 * Lao vowel reordering...). Known limits, all of them rare in real text:
 * - discontiguous contractions (a starter, an unrelated combining mark, then the mark completing the
 *   contraction: x/text skips the middle mark, this code does not);
 * - the reordering of combining marks into canonical order that x/text applies between marks of different
 *   combining classes (it only changes the result when such marks have primary weights);
 * - ideographs added after Unicode 13 are weighted with Go 1.19's unicode.Ideographic table.
 */

interface Contraction {
  readonly tail: readonly number[];
  readonly weights: readonly number[];
}

interface Tables {
  /** BMP: 0 = implicit weight, > 0 = the single weight, < 0 = -(index + 1) into `multi`. */
  readonly bmp: Int32Array;
  readonly multi: readonly (readonly number[])[];
  readonly supplementary: ReadonlyMap<number, readonly number[]>;
  /** Longest tail first. */
  readonly contractions: ReadonlyMap<number, readonly Contraction[]>;
  /** [lo, hi, stride] triples of Go's unicode.Ideographic. */
  readonly ideographic: readonly (readonly [number, number, number])[];
}

let tables: Tables | undefined;

function load(): Tables {
  const data = inflateRawSync(Buffer.from(PRIMARY_WEIGHTS_DATA, "base64"));
  let pos = 0;
  let prevWeight = 0;
  const uvarint = (): number => {
    let result = 0;
    let shift = 1;
    for (;;) {
      const byte = data[pos++]!;
      result += (byte & 0x7f) * shift;
      if (byte < 0x80) return result;
      shift *= 128;
    }
  };
  const weight = (): number => {
    const z = uvarint();
    prevWeight += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    return prevWeight;
  };

  const ideographic: [number, number, number][] = [];
  let prevHi = 0;
  for (let n = uvarint(); n > 0; n--) {
    const lo = prevHi + uvarint();
    const hi = lo + uvarint();
    ideographic.push([lo, hi, uvarint()]);
    prevHi = hi;
  }

  const bmp = new Int32Array(0x10000);
  const multi: number[][] = [];
  const supplementary = new Map<number, number[]>();
  let cp = -1;
  for (let n = uvarint(); n > 0; n--) {
    cp += uvarint() + 1;
    const ws: number[] = [];
    for (let k = uvarint(); k > 0; k--) ws.push(weight());
    if (cp >= 0x10000) supplementary.set(cp, ws);
    else if (ws.length === 1) bmp[cp] = ws[0]!;
    else {
      multi.push(ws);
      bmp[cp] = -multi.length;
    }
  }

  const contractions = new Map<number, Contraction[]>();
  for (let n = uvarint(); n > 0; n--) {
    const cps: number[] = [];
    for (let k = uvarint(); k > 0; k--) cps.push(uvarint());
    const ws: number[] = [];
    for (let k = uvarint(); k > 0; k--) ws.push(weight());
    const starter = cps[0]!;
    let list = contractions.get(starter);
    if (list === undefined) {
      list = [];
      contractions.set(starter, list);
    }
    list.push({ tail: cps.slice(1), weights: ws });
  }
  for (const list of contractions.values()) list.sort((a, b) => b.tail.length - a.tail.length);
  return { bmp, multi, supplementary, contractions, ideographic };
}

function isIdeographic(t: Tables, cp: number): boolean {
  for (const [lo, hi, stride] of t.ideographic) {
    if (cp < lo) return false;
    if (cp <= hi) return (cp - lo) % stride === 0;
  }
  return false;
}

function implicitWeight(t: Tables, cp: number): number {
  if (isIdeographic(t, cp)) {
    if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff)) return cp + 0x10000;
    return cp + 0x20000;
  }
  return cp + 0x50000;
}

class WeightWriter {
  bytes: Buffer = Buffer.allocUnsafe(64);
  length = 0;

  push(w: number): void {
    if (this.length + 3 > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(this.bytes.length * 2);
      this.bytes.copy(bigger, 0, 0, this.length);
      this.bytes = bigger;
    }
    if (w <= 0x7fff) {
      this.bytes[this.length++] = w >> 8;
      this.bytes[this.length++] = w & 0xff;
    } else {
      this.bytes[this.length++] = (w >> 16) | 0x80;
      this.bytes[this.length++] = (w >> 8) & 0xff;
      this.bytes[this.length++] = w & 0xff;
    }
  }
}

function pushCodePoint(t: Tables, out: WeightWriter, cp: number): void {
  if (cp < 0x10000) {
    if (cp >= 0xac00 && cp <= 0xd7a3) {
      const s = cp - 0xac00;
      pushCodePoint(t, out, 0x1100 + Math.floor(s / (21 * 28)));
      pushCodePoint(t, out, 0x1161 + Math.floor((s % (21 * 28)) / 28));
      if (s % 28 !== 0) pushCodePoint(t, out, 0x11a7 + (s % 28));
      return;
    }
    const entry = t.bmp[cp]!;
    if (entry > 0) out.push(entry);
    else if (entry === 0) out.push(implicitWeight(t, cp));
    else for (const w of t.multi[-entry - 1]!) out.push(w);
    return;
  }
  const ws = t.supplementary.get(cp);
  if (ws === undefined) out.push(implicitWeight(t, cp));
  else for (const w of ws) out.push(w);
}

function decodeCodePoints(bytes: Uint8Array, end: number): number[] {
  const cps: number[] = [];
  for (let i = 0; i < end; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      cps.push(b);
      i += 1;
    } else if (b < 0xe0) {
      cps.push(((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
      i += 2;
    } else if (b < 0xf0) {
      cps.push(((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
      i += 3;
    } else {
      cps.push(
        ((b & 0x07) << 18) |
          ((bytes[i + 1]! & 0x3f) << 12) |
          ((bytes[i + 2]! & 0x3f) << 6) |
          (bytes[i + 3]! & 0x3f),
      );
      i += 4;
    }
  }
  return cps;
}

/**
 * The loose weight string of UTF-8 text, trailing spaces ignored (as MySQL's PAD SPACE collations and
 * Vitess do). Throws INVALID_ARGUMENT for bytes that are not valid UTF-8, as Vitess refuses them.
 */
export function looseWeightString(text: Uint8Array): Buffer {
  if (!isUtf8(text)) {
    throw invalidArgument(
      `cannot normalize string containing invalid UTF-8: ${JSON.stringify(Buffer.from(text).toString("latin1"))}`,
    );
  }
  let end = text.length;
  while (end > 0 && text[end - 1] === 0x20) end--;
  tables ??= load();
  const t = tables;
  const out = new WeightWriter();
  // ASCII fast path: no contraction starts with an ASCII letter in the root collation.
  let ascii = true;
  for (let i = 0; i < end; i++) {
    const b = text[i]!;
    if (b >= 0x80 || t.contractions.has(b)) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    for (let i = 0; i < end; i++) pushCodePoint(t, out, text[i]!);
    return out.bytes.subarray(0, out.length);
  }
  const cps = decodeCodePoints(text, end);
  for (let i = 0; i < cps.length; ) {
    const cp = cps[i]!;
    const candidates = t.contractions.get(cp);
    let matched: Contraction | undefined;
    if (candidates !== undefined) {
      for (const candidate of candidates) {
        const tail = candidate.tail;
        if (i + tail.length >= cps.length) continue;
        let k = 0;
        while (k < tail.length && cps[i + 1 + k] === tail[k]) k++;
        if (k === tail.length) {
          matched = candidate;
          break;
        }
      }
    }
    if (matched !== undefined) {
      for (const w of matched.weights) out.push(w);
      i += 1 + matched.tail.length;
    } else {
      pushCodePoint(t, out, cp);
      i += 1;
    }
  }
  return out.bytes.subarray(0, out.length);
}
