// Pure parsing of the clear-text part of SSH: the identification line (RFC 4253 §4.2), the
// SSH-2 binary packet (§6), SSH_MSG_KEXINIT (§7.1), the server host key in the key exchange
// reply, and the SSH-1 public key packet. Bytes in, values or -1/null out; no state, no throw.
import { MAX_ALGORITHMS } from './constants.ts';

export function u32(d: Uint8Array, off: number): number {
  return ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0;
}

/** Bytes as Latin-1 text (SSH identification strings and algorithm names are US-ASCII). */
export function latin1(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(d[off + i]);
  return s;
}

/** The parts of an identification line `SSH-protoversion-softwareversion SP comments`. */
export interface VersionParts {
  proto: string;
  software: string;
  comments: string | undefined;
}

/** Splits an identification line (CR LF already removed); null when it does not start with "SSH-x-". */
export function parseVersionLine(line: string): VersionParts | null {
  if (!line.startsWith('SSH-')) return null;
  const dash = line.indexOf('-', 4);
  if (dash < 0) return null;
  const proto = line.slice(4, dash);
  const rest = line.slice(dash + 1);
  const sp = rest.indexOf(' ');
  return sp < 0 ? { proto, software: rest, comments: undefined } : { proto, software: rest.slice(0, sp), comments: rest.slice(sp + 1) };
}

/** One SSH_MSG_KEXINIT's algorithm name-lists, as the wire spells them (comma-separated). */
export class Kexinit {
  kex = '';
  hostKey = '';
  encC2S = '';
  encS2C = '';
  macC2S = '';
  macS2C = '';
  compC2S = '';
  compS2C = '';
  langC2S = '';
  langS2C = '';
  firstKexFollows = false;
  /** Some name-list had more than MAX_ALGORITHMS names (the list is kept whole; names() caps it). */
  tooMany = false;
}

/**
 * Reads a KEXINIT payload (d[off] is the message number 20, `end` one past the payload).
 * Returns the lists, or null when a name-list runs past the payload.
 */
export function parseKexinit(d: Uint8Array, off: number, end: number): Kexinit | null {
  let p = off + 1 + 16; // message number, cookie
  const k = new Kexinit();
  const lists: string[] = [];
  for (let i = 0; i < 10; i++) {
    if (end - p < 4) return null;
    const n = u32(d, p);
    p += 4;
    if (n > end - p) return null;
    const s = latin1(d, p, n);
    if (countNames(s) > MAX_ALGORITHMS) k.tooMany = true;
    lists.push(s);
    p += n;
  }
  if (end - p < 1) return null;
  k.firstKexFollows = d[p] !== 0;
  [k.kex, k.hostKey, k.encC2S, k.encS2C, k.macC2S, k.macS2C, k.compC2S, k.compS2C, k.langC2S, k.langS2C] = lists;
  return k;
}

function countNames(s: string): number {
  let n = s.length > 0 ? 1 : 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 0x2c) n++;
  return n;
}

/**
 * A name-list as Zeek's name_list_to_vector reads it: split at commas, empty names dropped,
 * at most MAX_ALGORITHMS names.
 */
export function names(list: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= list.length && out.length < MAX_ALGORITHMS; i++) {
    if (i === list.length || list.charCodeAt(i) === 0x2c) {
      if (i > start) out.push(list.slice(start, i));
      start = i + 1;
    }
  }
  return out;
}

/** RFC 4253 §7.1 / Zeek find_alg: the first client algorithm the server also lists; null when none. */
export function negotiate(client: string, server: string): string | null {
  const s = names(server);
  for (const c of names(client)) if (s.includes(c)) return c;
  return null;
}

/**
 * The first `string` of a message payload (d[off] is the message number): the server host key
 * K_S of KEXDH_REPLY, KEX_ECDH_REPLY and KEX_DH_GEX_REPLY. [offset, length] of its bytes, or
 * null when it runs past `end`.
 */
export function firstString(d: Uint8Array, off: number, end: number): [number, number] | null {
  const p = off + 1;
  if (end - p < 4) return null;
  const n = u32(d, p);
  if (n > end - p - 4) return null;
  return [p + 4, n];
}

/** The key type at the start of a host key blob ("ssh-rsa", "ecdsa-sha2-nistp256"); '' when malformed. */
export function hostKeyType(d: Uint8Array, off: number, len: number): string {
  if (len < 4) return '';
  const n = u32(d, off);
  if (n === 0 || n > 64 || n > len - 4) return '';
  for (let i = 0; i < n; i++) {
    const c = d[off + 4 + i];
    if (c < 0x21 || c > 0x7e) return '';
  }
  return latin1(d, off + 4, n);
}

/** SSH-1 multiple-precision integer: uint16 bit count, then the bytes. [offset, length] and next offset. */
function ssh1MpInt(d: Uint8Array, p: number, end: number): [number, number] | null {
  if (end - p < 2) return null;
  const bits = (d[p] << 8) | d[p + 1];
  const n = (bits + 7) >> 3;
  if (n > end - p - 2) return null;
  return [p + 2, n];
}

/**
 * SSH-1 SMSG_PUBLIC_KEY (d[off] is the packet type): the host key's exponent and modulus.
 * [expOff, expLen, modOff, modLen], or null when the packet is cut short.
 */
export function parseSsh1PublicKey(d: Uint8Array, off: number, end: number): [number, number, number, number] | null {
  let p = off + 1 + 8 + 4; // type, anti-spoofing cookie, server key bits
  const se = ssh1MpInt(d, p, end);
  if (se === null) return null;
  p = se[0] + se[1];
  const sm = ssh1MpInt(d, p, end);
  if (sm === null) return null;
  p = sm[0] + sm[1] + 4; // host key bits
  if (p > end) return null;
  const he = ssh1MpInt(d, p, end);
  if (he === null) return null;
  p = he[0] + he[1];
  const hm = ssh1MpInt(d, p, end);
  if (hm === null) return null;
  return [he[0], he[1], hm[0], hm[1]];
}
