/**
 * The `static` auth server: users from a JSON file (--mysql-auth-server-static-file) in Vitess's format
 *
 *   {"user": [{"Password": "pw", "UserData": "user", "Groups": ["g"], "Keyspaces": ["commerce"]}]}
 *
 * Each user has one or more entries, tried in order. An entry holds the password in clear (`Password`)
 * or as MySQL's hash (`MysqlNativePassword`: "*" + 40 hex digits, from PASSWORD()), the `UserData` vtgate
 * passes on as the caller id, `Groups`, and `SourceHost` ("localhost": only over the unix socket).
 * `Keyspaces` (our addition) limits which keyspaces the user may use; without it, all. The legacy form
 * `{"user": {"Password": ...}}` (one entry, no array) is accepted too.
 */
import { readFileSync } from "node:fs";
import { invalidArgument } from "../../vterrors/index.js";
import {
  type AuthenticatedUser,
  type AuthRequest,
  type AuthServer,
  decodeNativePasswordHex,
  nativePasswordHash,
  verifyNativePassword,
} from "./auth-server.js";

export interface StaticUserEntry {
  /** SHA1(SHA1(password)); undefined for an empty password. */
  passwordHash: Buffer | undefined;
  userData: string;
  groups: readonly string[];
  /** "localhost" restricts the entry to unix socket connections. */
  sourceHost: string;
  keyspaces: readonly string[] | undefined;
}

export type StaticUsers = ReadonlyMap<string, readonly StaticUserEntry[]>;

const ENTRY_KEYS = new Set([
  "Password",
  "MysqlNativePassword",
  "UserData",
  "SourceHost",
  "Groups",
  "Keyspaces",
]);

function stringField(entry: Record<string, unknown>, key: string, where: string): string {
  const v = entry[key];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw invalidArgument(`${where}: ${key} must be a string`);
  return v;
}

function stringList(entry: Record<string, unknown>, key: string, where: string): string[] | undefined {
  const v = entry[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw invalidArgument(`${where}: ${key} must be a list of strings`);
  }
  return v as string[];
}

function parseEntry(raw: unknown, where: string): StaticUserEntry {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw invalidArgument(`${where}: an entry must be an object`);
  }
  const entry = raw as Record<string, unknown>;
  for (const key of Object.keys(entry)) {
    if (!ENTRY_KEYS.has(key)) throw invalidArgument(`${where}: unknown field "${key}"`);
  }
  const password = stringField(entry, "Password", where);
  const hashHex = stringField(entry, "MysqlNativePassword", where);
  let passwordHash: Buffer | undefined;
  try {
    passwordHash = hashHex
      ? decodeNativePasswordHex(hashHex)
      : password
        ? nativePasswordHash(password)
        : undefined;
  } catch (err) {
    throw invalidArgument(`${where}: ${(err as Error).message}`);
  }
  const sourceHost = stringField(entry, "SourceHost", where);
  if (sourceHost !== "" && sourceHost !== "localhost") {
    throw invalidArgument(`${where}: invalid SourceHost "${sourceHost}" (only localhost is supported)`);
  }
  return {
    passwordHash,
    userData: stringField(entry, "UserData", where),
    groups: stringList(entry, "Groups", where) ?? [],
    sourceHost,
    keyspaces: stringList(entry, "Keyspaces", where),
  };
}

/** Parses and validates a static auth config; throws INVALID_ARGUMENT naming the bad user and field. */
export function parseStaticAuthConfig(json: string): StaticUsers {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw invalidArgument(`static auth config is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw invalidArgument('static auth config must be an object: {"user": [{"Password": "..."}]}');
  }
  const users = new Map<string, StaticUserEntry[]>();
  for (const [user, value] of Object.entries(doc)) {
    const list = Array.isArray(value) ? value : [value];
    users.set(
      user,
      list.map((raw, i) => parseEntry(raw, `static auth config: user "${user}" entry ${i}`)),
    );
  }
  return users;
}

export class AuthServerStatic implements AuthServer {
  readonly checksPasswords = true;
  private users: StaticUsers;

  constructor(
    users: StaticUsers,
    private readonly file?: string,
  ) {
    this.users = users;
  }

  /** Loads the users from `file`; `reload()` reads it again. */
  static fromFile(file: string): AuthServerStatic {
    return new AuthServerStatic(parseStaticAuthConfig(readFileSync(file, "utf8")), file);
  }

  static fromJson(json: string): AuthServerStatic {
    return new AuthServerStatic(parseStaticAuthConfig(json));
  }

  /** Re-reads the file (SIGHUP in Vitess); on error the previous users stay and the error is thrown. */
  reload(): void {
    if (this.file === undefined) return;
    this.users = parseStaticAuthConfig(readFileSync(this.file, "utf8"));
  }

  get userNames(): string[] {
    return [...this.users.keys()];
  }

  authenticate(request: AuthRequest): AuthenticatedUser | undefined {
    const entries = this.users.get(request.user);
    if (!entries) return undefined;
    for (const entry of entries) {
      if (entry.sourceHost === "localhost" && !request.unixSocket) continue;
      if (verifyNativePassword(request.authResponse, request.salt, entry.passwordHash)) {
        return {
          user: request.user,
          userData: entry.userData,
          groups: entry.groups,
          keyspaces: entry.keyspaces,
        };
      }
    }
    return undefined;
  }
}
