// Accounts and sessions: scrypt password hashes (node:crypto), random session tokens of
// which only a SHA-256 is stored, a per-session CSRF token, and a limiter for failed logins.
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { SessionRow, Store, UserRole, UserRow } from '../store/types.ts';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 };
/** Session lifetime without activity. */
export const SESSION_SECONDS = 12 * 3600;
export const SESSION_COOKIE = 'palisade_session';
export const CSRF_HEADER = 'x-csrf-token';

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keylen, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64url');
  const want = Buffer.from(parts[5], 'base64url');
  if (!Number.isInteger(N) || !Number.isInteger(r) || !Number.isInteger(p) || want.length === 0) return false;
  const got = await scryptAsync(password, salt, want.length, { N, r, p });
  return got.length === want.length && timingSafeEqual(got, want);
}

/** A password for a generated account: 20 characters from a 56-letter alphabet without look-alikes (~116 bits). */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(40);
  let out = '';
  for (let i = 0; out.length < 20 && i < bytes.length; i++) if (bytes[i] < 224) out += alphabet[bytes[i] % 56];
  while (out.length < 20) out += alphabet[randomBytes(1)[0] % 56];
  return out;
}

export function passwordProblem(pw: string): string | null {
  if (pw.length < 10) return 'a password needs at least 10 characters';
  if (pw.length > 256) return 'a password may have at most 256 characters';
  return null;
}

const ROLE_RANK: Record<UserRole, number> = { viewer: 0, analyst: 1, admin: 2 };

export function hasRole(user: { role: UserRole }, need: UserRole): boolean {
  return ROLE_RANK[user.role] >= ROLE_RANK[need];
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NewSession {
  token: string;
  csrf: string;
  row: SessionRow;
}

export function newSession(store: Store, user: UserRow, now = Date.now() / 1000): NewSession {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const row: SessionRow = { token_hash: tokenHash(token), user_id: user.id, csrf_token: csrf, created_at: now, expires_at: now + SESSION_SECONDS };
  store.addSession(row);
  return { token, csrf, row };
}

/** Failed logins per client address and per account name; too many in the window → refused until it passes. */
export class LoginLimiter {
  private readonly fails = new Map<string, number[]>();
  readonly max: number;
  readonly windowSeconds: number;

  constructor(max = 5, windowSeconds = 900) {
    this.max = max;
    this.windowSeconds = windowSeconds;
  }

  private recent(key: string, now: number): number[] {
    const l = (this.fails.get(key) ?? []).filter((t) => t > now - this.windowSeconds);
    if (l.length === 0) this.fails.delete(key);
    else this.fails.set(key, l);
    return l;
  }

  /** Seconds until a login from this address for this name may be tried again; 0 when it may now. */
  retryAfter(ip: string, name: string, now = Date.now() / 1000): number {
    let wait = 0;
    for (const key of [`ip:${ip}`, `name:${name.toLowerCase()}`]) {
      const l = this.recent(key, now);
      if (l.length >= this.max) wait = Math.max(wait, Math.ceil(l[l.length - this.max] + this.windowSeconds - now));
    }
    return wait;
  }

  fail(ip: string, name: string, now = Date.now() / 1000): void {
    for (const key of [`ip:${ip}`, `name:${name.toLowerCase()}`]) {
      const l = this.recent(key, now);
      l.push(now);
      this.fails.set(key, l);
      if (this.fails.size > 100_000) this.fails.delete(this.fails.keys().next().value!);
    }
  }

  succeed(ip: string, name: string): void {
    this.fails.delete(`name:${name.toLowerCase()}`);
    void ip;
  }
}
