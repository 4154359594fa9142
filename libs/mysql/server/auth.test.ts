import { describe, expect, it } from "vitest";
import {
  AuthServerNone,
  decodeNativePasswordHex,
  nativePasswordHash,
  newSalt,
  scrambleNativePassword,
  verifyNativePassword,
} from "./auth-server.js";
import { AuthServerStatic, parseStaticAuthConfig } from "./auth-server-static.js";

function request(user: string, password: string, unixSocket = false) {
  const salt = newSalt();
  return {
    user,
    salt,
    authResponse: scrambleNativePassword(salt, password),
    remoteAddress: "127.0.0.1",
    unixSocket,
  };
}

describe("mysql_native_password", () => {
  it("makes 20-byte salts without NUL or '$'", () => {
    for (let i = 0; i < 50; i++) {
      const salt = newSalt();
      expect(salt).toHaveLength(20);
      for (const b of salt) {
        expect(b).toBeGreaterThan(0);
        expect(b).toBeLessThan(0x80);
        expect(b).not.toBe(0x24);
      }
    }
  });

  it("hashes like MySQL's PASSWORD() and verifies a client's scramble", () => {
    expect(`*${nativePasswordHash("mypass").toString("hex").toUpperCase()}`).toBe(
      "*6C8989366EAF75BB670AD8EA7A7FC1176A95CEF4",
    );
    const salt = newSalt();
    const hash = nativePasswordHash("pw");
    expect(verifyNativePassword(scrambleNativePassword(salt, "pw"), salt, hash)).toBe(true);
    expect(verifyNativePassword(scrambleNativePassword(salt, "pW"), salt, hash)).toBe(false);
    expect(verifyNativePassword(scrambleNativePassword(newSalt(), "pw"), salt, hash)).toBe(false);
    expect(verifyNativePassword(Buffer.alloc(0), salt, hash)).toBe(false);
    expect(verifyNativePassword(Buffer.alloc(0), salt, undefined)).toBe(true);
    expect(verifyNativePassword(Buffer.alloc(20), salt, undefined)).toBe(false);
    expect(() => decodeNativePasswordHex("*XYZ")).toThrow(/invalid/);
  });
});

describe("AuthServerStatic", () => {
  const config = JSON.stringify({
    app: [
      { Password: "first", UserData: "app1", Groups: ["g1"], Keyspaces: ["commerce"] },
      { MysqlNativePassword: "*6C8989366EAF75BB670AD8EA7A7FC1176A95CEF4", UserData: "app2" },
    ],
    local: [{ Password: "pw", UserData: "local", SourceHost: "localhost" }],
  });
  const auth = AuthServerStatic.fromJson(config);

  it("accepts any entry's password and returns that entry's data", () => {
    expect(auth.authenticate(request("app", "first"))).toEqual({
      user: "app",
      userData: "app1",
      groups: ["g1"],
      keyspaces: ["commerce"],
    });
    expect(auth.authenticate(request("app", "mypass"))).toEqual({
      user: "app",
      userData: "app2",
      groups: [],
      keyspaces: undefined,
    });
    expect(auth.authenticate(request("app", "other"))).toBeUndefined();
    expect(auth.authenticate(request("nobody", "first"))).toBeUndefined();
  });

  it("limits SourceHost localhost entries to unix socket clients", () => {
    expect(auth.authenticate(request("local", "pw"))).toBeUndefined();
    expect(auth.authenticate(request("local", "pw", true))?.userData).toBe("local");
  });

  it("reads the legacy format and rejects bad configs with the user and field named", () => {
    expect(parseStaticAuthConfig('{"old": {"Password": "x", "UserData": "o"}}').get("old")).toHaveLength(1);
    expect(() => parseStaticAuthConfig('{"u": [{"Pasword": "x"}]}')).toThrow(
      /user "u" entry 0: unknown field "Pasword"/,
    );
    expect(() => parseStaticAuthConfig('{"u": [{"SourceHost": "10.0.0.1"}]}')).toThrow(/only localhost/);
    expect(() => parseStaticAuthConfig('{"u": [{"Groups": "g"}]}')).toThrow(/Groups must be a list/);
    expect(() => parseStaticAuthConfig("[]")).toThrow(/must be an object/);
    expect(() => parseStaticAuthConfig("{")).toThrow(/not valid JSON/);
  });

  it("lets none accept anyone", () => {
    expect(new AuthServerNone().authenticate(request("x", "y")).user).toBe("x");
  });
});
