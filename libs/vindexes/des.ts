/**
 * DES with the all-zero key, the cipher behind Vitess's `hash` vindex.
 *
 * Vitess encrypts the 8-byte big-endian id with 3DES-EDE under an all-zero 24-byte key. With K1 = K2 = K3,
 * 3DES-EDE is single DES, and the all-zero key is a DES weak key: every round subkey is zero, so encryption
 * and decryption are the same function (applying it twice gives the input back). That function is all this
 * module implements: no key schedule, no allocation, two 32-bit halves in and out.
 *
 * OpenSSL 3 still offers des-ede3-ecb in its default provider, but a per-value cipher object costs far more
 * than these few table lookups, and single DES (des-ecb) needs the legacy provider; the test suite checks
 * this code against OpenSSL where it is available.
 */

// FIPS 46-3 tables, bit positions 1-based from the most significant bit.
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40,
  32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5,
  63, 55, 47, 39, 31, 23, 15, 7,
];
const P = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22,
  11, 4, 25,
];
const S = [
  [
    14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3,
    8, 4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6,
    13,
  ],
  [
    15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11,
    5, 0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5,
    14, 9,
  ],
  [
    10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15,
    1, 13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2,
    12,
  ],
  [
    7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14,
    9, 10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2,
    14,
  ],
  [
    2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8,
    6, 4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4,
    5, 3,
  ],
  [
    12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3,
    8, 9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8,
    13,
  ],
  [
    4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8,
    6, 1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3,
    12,
  ],
  [
    13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9,
    2, 7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6,
    11,
  ],
];

/** SP[box * 64 + six]: the S-box output for a 6-bit input, already put through P. */
const SP = new Uint32Array(8 * 64);
/** Byte tables for a 64-bit permutation: [table][byte] → (hi, lo) contributions. */
const IP_HI = new Uint32Array(8 * 256);
const IP_LO = new Uint32Array(8 * 256);
const FP_HI = new Uint32Array(8 * 256);
const FP_LO = new Uint32Array(8 * 256);

function buildTables(): void {
  for (let box = 0; box < 8; box++) {
    for (let six = 0; six < 64; six++) {
      const row = ((six >> 4) & 2) | (six & 1);
      const col = (six >> 1) & 15;
      const nibble = S[box]![row * 16 + col]!;
      const sOut = nibble << (28 - 4 * box);
      let permuted = 0;
      for (let i = 0; i < 32; i++) {
        if ((sOut >>> (32 - P[i]!)) & 1) permuted |= 1 << (31 - i);
      }
      SP[box * 64 + six] = permuted >>> 0;
    }
  }
  // FP is the inverse of IP.
  const FP = new Array<number>(64);
  for (let i = 0; i < 64; i++) FP[IP[i]! - 1] = i + 1;
  fillPermutation(IP, IP_HI, IP_LO);
  fillPermutation(FP, FP_HI, FP_LO);
}

/** For each input byte position and value, the output bits it sets. */
function fillPermutation(table: readonly number[], hi: Uint32Array, lo: Uint32Array): void {
  for (let out = 0; out < 64; out++) {
    const source = table[out]! - 1; // input bit index, 0 = most significant
    const byte = source >> 3;
    const mask = 0x80 >> (source & 7);
    for (let value = 0; value < 256; value++) {
      if ((value & mask) === 0) continue;
      if (out < 32) hi[byte * 256 + value] = (hi[byte * 256 + value]! | (1 << (31 - out))) >>> 0;
      else lo[byte * 256 + value] = (lo[byte * 256 + value]! | (1 << (63 - out))) >>> 0;
    }
  }
}

buildTables();

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

function feistel(r: number): number {
  // E expands R to eight 6-bit groups: group i is bits 4i..4i+5 (1-based, with 0 meaning 32).
  // The round key is zero, so the groups go straight into the S-boxes.
  return (
    SP[rotl(r, 5) & 0x3f]! ^
    SP[64 + (rotl(r, 9) & 0x3f)]! ^
    SP[128 + (rotl(r, 13) & 0x3f)]! ^
    SP[192 + (rotl(r, 17) & 0x3f)]! ^
    SP[256 + (rotl(r, 21) & 0x3f)]! ^
    SP[320 + (rotl(r, 25) & 0x3f)]! ^
    SP[384 + (rotl(r, 29) & 0x3f)]! ^
    SP[448 + (rotl(r, 1) & 0x3f)]!
  );
}

/**
 * Zero-key DES of the 64-bit block (hi, lo), written big-endian into `out` at `offset`. Its own inverse.
 */
export function zeroKeyDes(hi: number, lo: number, out: Uint8Array, offset = 0): void {
  let l = 0;
  let r = 0;
  for (let i = 0; i < 4; i++) {
    const b = (hi >>> (24 - 8 * i)) & 0xff;
    l |= IP_HI[i * 256 + b]!;
    r |= IP_LO[i * 256 + b]!;
  }
  for (let i = 0; i < 4; i++) {
    const b = (lo >>> (24 - 8 * i)) & 0xff;
    l |= IP_HI[(i + 4) * 256 + b]!;
    r |= IP_LO[(i + 4) * 256 + b]!;
  }
  l >>>= 0;
  r >>>= 0;
  for (let round = 0; round < 16; round++) {
    const next = (l ^ feistel(r)) >>> 0;
    l = r;
    r = next;
  }
  // Output is FP(R16 L16).
  let outHi = 0;
  let outLo = 0;
  for (let i = 0; i < 4; i++) {
    const b = (r >>> (24 - 8 * i)) & 0xff;
    outHi |= FP_HI[i * 256 + b]!;
    outLo |= FP_LO[i * 256 + b]!;
  }
  for (let i = 0; i < 4; i++) {
    const b = (l >>> (24 - 8 * i)) & 0xff;
    outHi |= FP_HI[(i + 4) * 256 + b]!;
    outLo |= FP_LO[(i + 4) * 256 + b]!;
  }
  out[offset] = outHi >>> 24;
  out[offset + 1] = (outHi >>> 16) & 0xff;
  out[offset + 2] = (outHi >>> 8) & 0xff;
  out[offset + 3] = outHi & 0xff;
  out[offset + 4] = outLo >>> 24;
  out[offset + 5] = (outLo >>> 16) & 0xff;
  out[offset + 6] = (outLo >>> 8) & 0xff;
  out[offset + 7] = outLo & 0xff;
}
