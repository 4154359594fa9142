/**
 * Authentication seam of the MySQL server (Vitess go/mysql/auth_server.go, simplified to the one method
 * we speak: mysql_native_password). The server sends a 20-byte scramble; the client proves it knows the
 * password with SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))); an AuthServer checks that proof
 * and says who the user is.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Who a connection authenticated as: what the handler uses for authorization. */
export interface AuthenticatedUser {
  /** The user name the client sent. */
  user: string;
  /** The auth server's data for the user (Vitess's UserData: the caller id vtgate passes to tablets). */
  userData: string;
  groups: readonly string[];
  /** Keyspaces the user may use; undefined means all of them. */
  keyspaces?: readonly string[];
}

export interface AuthRequest {
  user: string;
  /** The 20-byte scramble sent in the handshake (or in the auth switch request). */
  salt: Buffer;
  /** The client's mysql_native_password proof; empty when the client sent no password. */
  authResponse: Buffer;
  /** The client's address ("127.0.0.1", or "localhost" over a unix socket). */
  remoteAddress: string;
  /** True when the client connected over a unix socket. */
  unixSocket: boolean;
}

/**
 * Checks the credentials a client presents. `authenticate` returns the user, or undefined to deny
 * (the server answers ER_ACCESS_DENIED_ERROR 1045); a thrown error is also a denial, logged.
 */
export interface AuthServer {
  /**
   * False when any user is accepted without a proof (AuthServerNone): the server then skips the
   * auth-method negotiation and still calls `authenticate`.
   */
  readonly checksPasswords: boolean;
  authenticate(request: AuthRequest): AuthenticatedUser | undefined | Promise<AuthenticatedUser | undefined>;
}

/** Accepts every user and password (Vitess's `none`): for local use and tests. */
export class AuthServerNone implements AuthServer {
  readonly checksPasswords = false;

  authenticate(request: AuthRequest): AuthenticatedUser {
    return { user: request.user, userData: request.user, groups: [] };
  }
}

function sha1(...parts: Buffer[]): Buffer {
  const h = createHash("sha1");
  for (const p of parts) h.update(p);
  return h.digest();
}

/** A 20-byte scramble of 7-bit bytes without NUL or '$' (what MySQL clients expect). */
export function newSalt(): Buffer {
  const salt = randomBytes(20);
  for (let i = 0; i < salt.length; i++) {
    salt[i] &= 0x7f;
    if (salt[i] === 0 || salt[i] === 0x24) salt[i]++;
  }
  return salt;
}

/** SHA1(SHA1(password)): what MySQL stores (as '*' + hex) for mysql_native_password. */
export function nativePasswordHash(password: string): Buffer {
  return sha1(sha1(Buffer.from(password, "utf8")));
}

/** Parses '*6C8989366EAF75BB670AD8EA7A7FC1176A95CEF4' (PASSWORD() output) into the 20-byte hash. */
export function decodeNativePasswordHex(hex: string): Buffer {
  const body = hex.startsWith("*") ? hex.slice(1) : hex;
  if (!/^[0-9a-fA-F]{40}$/.test(body)) {
    throw new Error(`invalid mysql_native_password hash "${hex}": want '*' and 40 hex digits`);
  }
  return Buffer.from(body, "hex");
}

/** The proof a client computes for `password` over `salt` (what a correct client sends). */
export function scrambleNativePassword(salt: Buffer, password: string): Buffer {
  if (password === "") return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, "utf8"));
  const stage2 = sha1(stage1);
  const mask = sha1(salt, stage2);
  for (let i = 0; i < stage1.length; i++) stage1[i] ^= mask[i];
  return stage1;
}

/**
 * Whether `authResponse` proves knowledge of the password whose double SHA1 is `hash`, or, when `hash`
 * is undefined, that the password is empty (an empty proof).
 */
export function verifyNativePassword(authResponse: Buffer, salt: Buffer, hash: Buffer | undefined): boolean {
  if (hash === undefined) return authResponse.length === 0;
  if (authResponse.length !== 20) return false;
  const mask = sha1(salt, hash);
  const stage1 = Buffer.allocUnsafe(20);
  for (let i = 0; i < 20; i++) stage1[i] = authResponse[i] ^ mask[i];
  return timingSafeEqual(sha1(stage1), hash);
}
