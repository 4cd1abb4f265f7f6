// FTP control-connection text: command lines, reply lines, the data-channel addresses of
// PORT / EPRT / PASV / EPSV (RFC 959 §4.1.2, RFC 2428), and the path handling Zeek applies
// to file names (its build_url_ftp, build_path_compressed, extract_path). Pure functions on
// the text of one line; malformed input gives null, never an exception.
import { SERVER_PRODUCTS } from './constants.ts';

/** A command line split as Zeek splits it: the first word (upper-cased), then the rest after the whitespace. */
export interface CommandLine {
  command: string;
  arg: string;
}

/** Longest command word taken as a command (RFC 959 commands are 3 or 4 letters; extensions a little longer). */
export const MAX_COMMAND = 16;

/** The command and argument of a client line; null when the first word is not a command (letters only). */
export function parseCommand(line: string): CommandLine | null {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 0x20 || line.charCodeAt(i) === 0x09)) i++;
  const s = i;
  while (i < line.length) {
    const c = line.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) break;
    i++;
  }
  if (i === s || i - s > MAX_COMMAND) return null;
  if (i < line.length && line.charCodeAt(i) !== 0x20 && line.charCodeAt(i) !== 0x09) return null;
  const command = line.slice(s, i).toUpperCase();
  while (i < line.length && (line.charCodeAt(i) === 0x20 || line.charCodeAt(i) === 0x09)) i++;
  return { command, arg: line.slice(i) };
}

/** A reply line: `ddd SP text` (a last line), `ddd-text` (the first line of several), or a continuation line (code -1). */
export interface ReplyLine {
  code: number;
  /** ' ' last line, '-' first of several; '' a line without a code. */
  sep: string;
  text: string;
}

export function parseReply(line: string): ReplyLine {
  if (line.length >= 3) {
    const a = line.charCodeAt(0) - 0x30;
    const b = line.charCodeAt(1) - 0x30;
    const c = line.charCodeAt(2) - 0x30;
    if (a >= 1 && a <= 6 && b >= 0 && b <= 9 && c >= 0 && c <= 9) {
      const code = a * 100 + b * 10 + c;
      if (line.length === 3) return { code, sep: ' ', text: '' };
      const s = line[3];
      if (s === ' ' || s === '-') return { code, sep: s, text: line.slice(4) };
    }
  }
  return { code: -1, sep: '', text: line };
}

/** Zeek's reading of a line inside a multi-line reply that carries another code: `ddd ` then 10 printable characters. */
export function looksLikeReply(line: string): boolean {
  return /^[1-9][0-9]{2} [\x20-\x7e]{10}/.test(line);
}

/** A data-channel endpoint. */
export interface Endpoint {
  /** Address as text; '' for an EPSV reply without one (the server's own address). */
  h: string;
  p: number;
}

function byte(s: string): number {
  if (!/^[0-9]{1,3}$/.test(s)) return -1;
  const n = Number(s);
  return n <= 255 ? n : -1;
}

/** `h1,h2,h3,h4,p1,p2` (PORT's argument, and the numbers of a 227 reply). */
export function parseHostPort(s: string): Endpoint | null {
  const m = /^\s*([0-9]+)\s*,\s*([0-9]+)\s*,\s*([0-9]+)\s*,\s*([0-9]+)\s*,\s*([0-9]+)\s*,\s*([0-9]+)/.exec(s);
  if (m === null) return null;
  const n = [m[1], m[2], m[3], m[4], m[5], m[6]].map(byte);
  if (n.some((x) => x < 0)) return null;
  return { h: `${n[0]}.${n[1]}.${n[2]}.${n[3]}`, p: n[4] * 256 + n[5] };
}

/** The 227 reply's address: the numbers after "(" (or, without parentheses, from the first digit). */
export function parsePasv(msg: string): Endpoint | null {
  const open = msg.indexOf('(');
  if (open >= 0) return parseHostPort(msg.slice(open + 1));
  const m = /[0-9]/.exec(msg);
  return m === null ? null : parseHostPort(msg.slice(m.index));
}

/** EPRT's argument `<d>proto<d>addr<d>port<d>` (RFC 2428 §2), any delimiter in 33..126. */
export function parseEprt(arg: string): Endpoint | null {
  const s = arg.trim();
  if (s.length < 5) return null;
  const d = s[0];
  if (d.charCodeAt(0) < 33 || d.charCodeAt(0) > 126) return null;
  const parts = s.split(d);
  // "", proto, addr, port, ""
  if (parts.length !== 5 || parts[0] !== '' || parts[4] !== '') return null;
  const port = /^[0-9]{1,5}$/.test(parts[3]) ? Number(parts[3]) : -1;
  if (port < 0 || port > 65535) return null;
  const addr = parts[2];
  if (parts[1] === '1') {
    const q = addr.split('.');
    if (q.length !== 4 || q.some((x) => byte(x) < 0)) return null;
    return { h: q.map((x) => String(Number(x))).join('.'), p: port };
  }
  if (parts[1] === '2') {
    if (!/^[0-9a-fA-F:.]+$/.test(addr) || !addr.includes(':')) return null;
    return { h: addr.toLowerCase(), p: port };
  }
  return null;
}

/** The 229 reply's port (`(|||port|)`, RFC 2428 §3); the address, when present, is used too. */
export function parseEpsv(msg: string): Endpoint | null {
  const open = msg.indexOf('(');
  const close = msg.indexOf(')', open + 1);
  if (open < 0 || close < 0) return null;
  const inner = msg.slice(open + 1, close);
  if (inner.length < 5) return null;
  const d = inner[0];
  const parts = inner.split(d);
  if (parts.length !== 5 || parts[0] !== '' || parts[4] !== '') return null;
  const port = /^[0-9]{1,5}$/.test(parts[3]) ? Number(parts[3]) : -1;
  if (port < 0 || port > 65535) return null;
  if (parts[2] === '') return { h: '', p: port };
  const e = parseEprt(`${d}${parts[1]}${d}${parts[2]}${d}${parts[3]}${d}`);
  return e;
}

/** Zeek's extract_count(s, F): the last number in the text (a file size in "… (39424 bytes)."); -1 when none. */
export function lastNumber(s: string): number {
  const all = s.match(/[0-9]+/g);
  if (all === null) return -1;
  const n = Number(all[all.length - 1]);
  return Number.isSafeInteger(n) ? n : -1;
}

const ABSOLUTE = /^(\/|[A-Za-z]:[\\/])/;

/** Zeek's normalize_path (its compress_path): duplicate slashes and "." parts dropped, "x/.." folded. */
export function normalizePath(path: string): string {
  if (!path.includes('/.') && !path.includes('//')) return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const out: string[] = [];
  const comps = path.split('/');
  for (let i = 0; i < comps.length; i++) {
    const c = comps[i];
    if (c === '') continue;
    if (c === '.' && i !== 0) continue;
    out.push(c);
    if (c === '..') {
      const cur = out.length - 1;
      if (cur === 0) continue;
      const last = out[cur - 1];
      if (last === '/' || last === '~' || last === '..') continue;
      if (last === '.') {
        out[cur - 1] = '..';
        out.pop();
      } else {
        out.pop();
        out.pop();
      }
    }
  }
  let s = path.startsWith('/') ? '/' : '';
  for (const c of out) s += c + '/';
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

/** Zeek's build_path_compressed(dir, name): the name alone when it is absolute, else dir/name, normalised. */
export function buildPath(dir: string, name: string): string {
  const sep = dir.endsWith('/') ? '' : '/';
  return normalizePath(ABSOLUTE.test(name) || dir === '' ? name : `${dir}${sep}${name}`);
}

/** Zeek's build_url_ftp: `ftp://<server>/<path>` (an IPv6 server in brackets). */
export function buildUrl(server: string, cwd: string, arg: string): string {
  let p = buildPath(cwd, arg);
  if (!p.startsWith('/')) p = '/' + p;
  return `ftp://${server.includes(':') ? `[${server}]` : server}${p}`;
}

/** Zeek's extract_path: the first absolute path in a reply (`"/pub" is the current directory` → /pub); '' when none. */
export function extractPath(msg: string): string {
  const m = /(\/|[A-Za-z]:[\\/])([^" ]|(\\ ))*/.exec(msg);
  return m === null ? '' : m[0];
}

/** The server product a 220 greeting names, as a version string for the software parser (`vsFTPd 3.0.3`); null when it names none. */
export function bannerProduct(text: string): string | null {
  for (const re of SERVER_PRODUCTS) {
    const m = re.exec(text);
    if (m === null) continue;
    const version = m[2] !== undefined ? m[2].replace(/[.]+$/, '') : '';
    return version === '' ? m[1] : `${m[1]} ${version}`;
  }
  return null;
}
