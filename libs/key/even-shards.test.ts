import { describe, expect, it } from "vitest";
import { KeyError } from "./errors.js";
import { evenShards } from "./even-shards.js";
import { isFullRange, type KeyRange, keyRangeAdd, keyRangeString } from "./key-range.js";
import { parseShardName } from "./shard-name.js";

describe("evenShards", () => {
  it.each([
    [1, ["-"]],
    [2, ["-80", "80-"]],
    [3, ["-55", "55-aa", "aa-"]],
    [4, ["-40", "40-80", "80-c0", "c0-"]],
    [7, ["-24", "24-49", "49-6d", "6d-92", "92-b6", "b6-db", "db-"]],
    [8, ["-20", "20-40", "40-60", "60-80", "80-a0", "a0-c0", "c0-e0", "e0-"]],
    // The 49 and 103 shard expectations are Vitess's own (go/vt/key/key_test.go).
    [
      49,
      [
        "-05",
        "05-0a",
        "0a-0f",
        "0f-14",
        "14-1a",
        "1a-1f",
        "1f-24",
        "24-29",
        "29-2f",
        "2f-34",
        "34-39",
        "39-3e",
        "3e-43",
        "43-49",
        "49-4e",
        "4e-53",
        "53-58",
        "58-5e",
        "5e-63",
        "63-68",
        "68-6d",
        "6d-72",
        "72-78",
        "78-7d",
        "7d-82",
        "82-87",
        "87-8d",
        "8d-92",
        "92-97",
        "97-9c",
        "9c-a1",
        "a1-a7",
        "a7-ac",
        "ac-b1",
        "b1-b6",
        "b6-bc",
        "bc-c1",
        "c1-c6",
        "c6-cb",
        "cb-d0",
        "d0-d6",
        "d6-db",
        "db-e0",
        "e0-e5",
        "e5-eb",
        "eb-f0",
        "f0-f5",
        "f5-fa",
        "fa-",
      ],
    ],
    [
      103,
      [
        "-02",
        "02-04",
        "04-07",
        "07-09",
        "09-0c",
        "0c-0e",
        "0e-11",
        "11-13",
        "13-16",
        "16-18",
        "18-1b",
        "1b-1d",
        "1d-20",
        "20-22",
        "22-25",
        "25-27",
        "27-2a",
        "2a-2c",
        "2c-2f",
        "2f-31",
        "31-34",
        "34-36",
        "36-39",
        "39-3b",
        "3b-3e",
        "3e-40",
        "40-43",
        "43-45",
        "45-48",
        "48-4a",
        "4a-4d",
        "4d-4f",
        "4f-52",
        "52-54",
        "54-56",
        "56-59",
        "59-5b",
        "5b-5e",
        "5e-60",
        "60-63",
        "63-65",
        "65-68",
        "68-6a",
        "6a-6d",
        "6d-6f",
        "6f-72",
        "72-74",
        "74-77",
        "77-79",
        "79-7c",
        "7c-7e",
        "7e-81",
        "81-83",
        "83-86",
        "86-88",
        "88-8b",
        "8b-8d",
        "8d-90",
        "90-92",
        "92-95",
        "95-97",
        "97-9a",
        "9a-9c",
        "9c-9f",
        "9f-a1",
        "a1-a4",
        "a4-a6",
        "a6-a9",
        "a9-ab",
        "ab-ad",
        "ad-b0",
        "b0-b2",
        "b2-b5",
        "b5-b7",
        "b7-ba",
        "ba-bc",
        "bc-bf",
        "bf-c1",
        "c1-c4",
        "c4-c6",
        "c6-c9",
        "c9-cb",
        "cb-ce",
        "ce-d0",
        "d0-d3",
        "d3-d5",
        "d5-d8",
        "d8-da",
        "da-dd",
        "dd-df",
        "df-e2",
        "e2-e4",
        "e4-e7",
        "e7-e9",
        "e9-ec",
        "ec-ee",
        "ee-f1",
        "f1-f3",
        "f3-f6",
        "f6-f8",
        "f8-fb",
        "fb-fd",
        "fd-",
      ],
    ],
  ])("%d shards", (count, want) => {
    expect(evenShards(count)).toEqual(want);
  });

  it("uses two hex digits up to 256 shards", () => {
    const shards = evenShards(256);
    expect(shards).toHaveLength(256);
    expect(shards.slice(0, 3)).toEqual(["-01", "01-02", "02-03"]);
    expect(shards.at(-1)).toBe("ff-");
  });

  it("uses four hex digits above 256 shards", () => {
    const shards = evenShards(512);
    expect(shards).toHaveLength(512);
    expect(shards.slice(0, 2)).toEqual(["-0080", "0080-0100"]);
    expect(shards[256]).toBe("8000-8080");
    expect(shards[510]).toBe("ff00-ff80");
    expect(shards.at(-1)).toBe("ff80-");
    expect(evenShards(65536).at(-1)).toBe("ffff-");
  });

  it.each([1, 2, 3, 5, 7, 16, 49, 100, 103, 107, 255, 256, 257, 1000, 1024])(
    "%d shards are valid names that tile the keyspace in order",
    (count) => {
      const ranges = evenShards(count).map(parseShardName);
      expect(ranges).toHaveLength(count);
      let covered: KeyRange | undefined = ranges[0];
      for (const next of ranges.slice(1)) {
        covered = keyRangeAdd(covered, next);
        expect(covered).toBeDefined();
      }
      expect(isFullRange(covered)).toBe(true);
      expect(keyRangeString(covered)).toBe("-");
    },
  );

  it("every count from 1 to 1024 gives contiguous names from the minimum to the maximum", () => {
    const broken: number[] = [];
    for (let count = 1; count <= 1024; count++) {
      const names = evenShards(count);
      const contiguous = names.every(
        (name, j) => j === 0 || names[j - 1]!.split("-")[1] === name.split("-")[0],
      );
      if (
        names.length !== count ||
        !names[0]!.startsWith("-") ||
        !names.at(-1)!.endsWith("-") ||
        !contiguous
      ) {
        broken.push(count);
      }
    }
    expect(broken).toEqual([]);
  });

  it.each([0, -1, 1.5, 65537, Number.NaN])("rejects %d shards", (count) => {
    expect(() => evenShards(count)).toThrow(KeyError);
    try {
      evenShards(count);
    } catch (error) {
      expect((error as KeyError).input).toBe(String(count));
    }
  });
});
