import { describe, expect, it } from "vitest";
import { bindHosts, listenOnFirst } from "./listen.js";

describe("bindHosts", () => {
  it("tries IPv6 dual-stack then IPv4 when no address is given", () => {
    expect(bindHosts("")).toEqual({ http: ["::", "0.0.0.0"], grpc: ["[::]", "0.0.0.0"] });
  });
  it("brackets an IPv6 address for gRPC only", () => {
    expect(bindHosts("::1")).toEqual({ http: ["::1"], grpc: ["[::1]"] });
    expect(bindHosts("127.0.0.1")).toEqual({ http: ["127.0.0.1"], grpc: ["127.0.0.1"] });
  });
});

describe("listenOnFirst", () => {
  it("returns the first host that listens, and the last failure when none does", async () => {
    const listen = async (host: string) => {
      if (host === "::") throw new Error("no IPv6");
      return 4242;
    };
    expect(await listenOnFirst(["::", "0.0.0.0"], listen)).toBe(4242);
    await expect(listenOnFirst(["::"], listen)).rejects.toThrow("no IPv6");
  });
});
