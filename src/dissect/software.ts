// Software records (Zeek's software.log): a program and its version seen on a host, written
// once per host and program per run, as Zeek's software framework does. Any protocol that
// sees a version string (HTTP User-Agent and Server headers, FTP banners, SSH version
// strings, …) reports it through softwareFound(); docs/dissectors.md ("Software records")
// describes the contract.
//
// Version strings are parsed as Zeek's Software::parse does (base/frameworks/software/
// main.zeek): browsers by their User-Agent conventions, everything else by cutting at the
// first run of version characters ("Apache/2.4.41 (Ubuntu)" → Apache, 2.4.41, addl Ubuntu).
// The same input gives the same name and version fields Zeek logs, quirks included, so
// software.log rows line up with Zeek's.
//
// Deduplication: a SoftwareTracker (the protocol's ProtocolDef.shared state, one per engine)
// remembers, per host and program name, the version last written; a sighting is written when
// the program is new for the host, when its version changed, or when the entry is older than
// a day (Zeek's `tracked` table expires entries after one day). With several worker threads
// each has its own tracker, so a program may be written once per thread that saw it.
import type { ZeekField } from '../events/zeek-tsv.ts';
import { bytesText } from './text.ts';
import type { L2Context, SessionContext, SharedState } from './types.ts';

/** The record type. */
export const SOFTWARE_RECORD = 'software';

/** Zeek's software.log columns (the whole row; software records carry no connection header). */
export const SOFTWARE_FIELDS: readonly ZeekField[] = [
  { name: 'ts', type: 'time' },
  { name: 'host', type: 'addr' },
  { name: 'host_p', type: 'port' },
  { name: 'software_type', type: 'enum' },
  { name: 'name', type: 'string' },
  { name: 'version.major', type: 'count' },
  { name: 'version.minor', type: 'count' },
  { name: 'version.minor2', type: 'count' },
  { name: 'version.minor3', type: 'count' },
  { name: 'version.addl', type: 'string' },
  { name: 'unparsed_version', type: 'string' },
  { name: 'url', type: 'string' },
];

/** Zeek's Software::Version: every part optional. */
export interface SoftwareVersion {
  major?: number;
  minor?: number;
  minor2?: number;
  minor3?: number;
  addl?: string;
}

/** What a version string says: the program's name and version (Zeek's Software::Description). */
export interface SoftwareDescription {
  name: string;
  version: SoftwareVersion;
  unparsed_version: string;
}

/** One sighting, as a protocol reports it. */
export interface SoftwareInfo {
  /** The address running the software. */
  host: string;
  /** Its port, for server software; undefined for clients. */
  host_p?: number;
  /** Zeek's type names: `HTTP::BROWSER`, `HTTP::SERVER`, `HTTP::APPSERVER`, `FTP::CLIENT`, `FTP::SERVER`, `SSH::CLIENT`, `SSH::SERVER`. */
  software_type: string;
  /** The version string as seen (parsed here unless `name` and `version` are given). */
  unparsed_version: string;
  /** Name and version when the protocol parsed them itself. */
  name?: string;
  version?: SoftwareVersion;
  url?: string;
  /** Time of the sighting (default: the packet time). */
  ts?: number;
}

/** A software record as written (Zeek's columns; the version flattened as Zeek's JSON writer does). */
export interface SoftwareRecord {
  ts: number;
  host: string;
  host_p?: number;
  software_type: string;
  name: string;
  'version.major'?: number;
  'version.minor'?: number;
  'version.minor2'?: number;
  'version.minor3'?: number;
  'version.addl'?: string;
  unparsed_version: string;
  url?: string;
}

// ---- parsing (Zeek's Software::parse) -----------------------------------------------------

/** The first run of version characters, with the separator before it (Zeek's version cut). */
const VERSION_RUN = /([/\-_]|( [(v]+))?[0-9\-._, ]{2,}/;
const SEP_AT_END = /([/\-_]|( [(v]+))$/;
const SEP_ANYWHERE = /([/\-_]|( [(v]+))/;
const VERSION_LEAD = /^[/\-._v(]/;
// Zeek's sub() tries its pattern at every offset, so a leading "^" does not anchor it there.
const VERSION_LEAD_SUB = /\(?[/\-._v(]/;
const NUMBER_SEP = /[-._,[({ ]/;
const PAREN_ADDL = /^[ \t]*\([a-zA-Z0-9\-._ \t]*\)/;
const ADDL_SEP = /[-._,;[\](){} ]/;
const DIGITS = /[0-9]+/;

/** Zeek's alternate_names: names software gives itself under several spellings. */
const ALTERNATE_NAMES: Readonly<Record<string, string>> = { 'Flash Player': 'Flash' };

/** Zeek's strip(): leading and trailing whitespace off. */
function strip(s: string): string {
  return s.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
}

/**
 * Zeek's split_string_n(s, re, incl_sep, max): at most `max` cuts at the leftmost matches
 * of `re` (which must not match the empty string); with incl_sep the separators are kept
 * as elements between the pieces.
 */
function splitN(s: string, re: RegExp, inclSep: boolean, max: number): string[] {
  const out: string[] = [];
  let rest = s;
  let cuts = 0;
  while (cuts < max) {
    const m = re.exec(rest);
    if (m === null || m[0].length === 0) break;
    out.push(rest.slice(0, m.index));
    if (inclSep) out.push(m[0]);
    rest = rest.slice(m.index + m[0].length);
    cuts++;
  }
  out.push(rest);
  return out;
}

/** Zeek's split_string_all: every cut, separators kept. */
function splitAll(s: string, re: RegExp): string[] {
  return splitN(s, re, true, Number.MAX_SAFE_INTEGER);
}

/** Zeek's sub(): the first match replaced. */
function sub(s: string, re: RegExp, by: string): string {
  const m = re.exec(s);
  return m === null ? s : s.slice(0, m.index) + by + s.slice(m.index + m[0].length);
}

/** Zeek's extract_count(s): the first number in `s`, 0 when there is none. */
function extractCount(s: string): number {
  const m = DIGITS.exec(s);
  return m === null ? 0 : Number(m[0]);
}

const UTF8 = new TextEncoder();

/**
 * Zeek's clean-up before the generic cut: "\x" turned into "%" and %-escapes decoded (Zeek's
 * unescape_URI, %uXXXX included), so "Flash%20Player" and "\xe6\xbc…" give their text.
 */
function unescape(s: string): string {
  if (!s.includes('%') && !s.includes('\\x')) return s;
  const b = UTF8.encode(s.replaceAll('\\x', '%'));
  const out = new Uint8Array(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x25 /* % */) {
      out[n++] = c;
      continue;
    }
    if (i + 1 >= b.length) {
      out[n++] = c;
      break;
    }
    if (i + 2 >= b.length) {
      out[n++] = c;
      out[n++] = b[i + 1];
      break;
    }
    if (b[i + 1] === 0x25) continue; // "%%": the first is dropped
    const h1 = hexValue(b[i + 1]);
    const h2 = hexValue(b[i + 2]);
    if (h1 >= 0 && h2 >= 0) {
      out[n++] = (h1 << 4) | h2;
      i += 2;
    } else if (b.length - (i + 1) >= 5 && b[i + 1] === 0x75 /* u */ && hexValue(b[i + 2]) >= 0 && hexValue(b[i + 3]) >= 0 && hexValue(b[i + 4]) >= 0 && hexValue(b[i + 5]) >= 0) {
      const hi = (hexValue(b[i + 2]) << 4) | hexValue(b[i + 3]);
      if (hi !== 0) out[n++] = hi;
      out[n++] = (hexValue(b[i + 4]) << 4) | hexValue(b[i + 5]);
      i += 5;
    } else {
      out[n++] = c;
      out[n++] = b[i + 1];
      i += 1;
    }
  }
  return bytesText(out, 0, n);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** The text of the first match of `re` in `s` (Zeek's `split_string_all(s, re)[1]`), or null. */
function firstMatch(s: string, re: RegExp): string | null {
  const m = re.exec(s);
  return m === null || m[0].length === 0 ? null : m[0];
}

/** The name and version a version string gives, as Zeek's Software::parse. */
export function parseSoftware(unparsed: string): SoftwareDescription {
  if (/^(Mozilla|Opera)\/[0-9]+\./.test(unparsed)) return parseBrowser(unparsed);
  let v: SoftwareVersion = {};
  if (/A\/[0-9.]*\/Google\/Pixel/.test(unparsed)) {
    const name = 'Android (Google Pixel)';
    const parts = splitAll(unparsed, /\//);
    if (parts.length > 2) {
      const vs = parts[2];
      v = vs.includes('.') ? parseSoftware(vs).version : { major: extractCount(vs) };
    }
    return { name, version: v, unparsed_version: unparsed };
  }
  const clean = unescape(unparsed);
  const parts = splitN(clean, VERSION_RUN, true, 1);
  let head = parts[0];
  if (SEP_AT_END.test(head)) head = strip(sub(head, SEP_ANYWHERE, ''));
  const name = head.startsWith('(') ? strip(sub(head, /\(/, '')) : strip(head);
  if (parts.length >= 2) {
    let sv = strip(parts[1]);
    if (VERSION_LEAD.test(sv)) sv = strip(sub(parts[1], VERSION_LEAD_SUB, ''));
    const nums = splitN(sv, NUMBER_SEP, false, 3);
    const tail = parts.length > 2 ? parts[2] : '';
    if (tail !== '' && tail !== ')') {
      if (PAREN_ADDL.test(tail)) {
        v.addl = splitN(tail, /[()]/, false, 2)[1];
      } else {
        const vp = splitN(tail, ADDL_SEP, false, 3);
        if (vp.length >= 1 && vp[0] !== '') v.addl = strip(vp[0]);
        else if (vp.length >= 2 && vp[1] !== '') v.addl = strip(vp[1]);
        else if (vp.length >= 3 && vp[2] !== '') v.addl = strip(vp[2]);
        else v.addl = strip(tail);
      }
    }
    if (nums.length > 3 && nums[3] !== '') v.minor3 = extractCount(nums[3]);
    if (nums.length > 2 && nums[2] !== '') v.minor2 = extractCount(nums[2]);
    if (nums.length > 1 && nums[1] !== '') v.minor = extractCount(nums[1]);
    if (nums[0] !== '') v.major = extractCount(nums[0]);
    v = ordered(v);
  }
  return { name: ALTERNATE_NAMES[name] ?? name, version: v, unparsed_version: unparsed };
}

/** The version with its parts in their natural order (stable object shapes in records). */
function ordered(v: SoftwareVersion): SoftwareVersion {
  const o: SoftwareVersion = {};
  if (v.major !== undefined) o.major = v.major;
  if (v.minor !== undefined) o.minor = v.minor;
  if (v.minor2 !== undefined) o.minor2 = v.minor2;
  if (v.minor3 !== undefined) o.minor3 = v.minor3;
  if (v.addl !== undefined) o.addl = v.addl;
  return o;
}

/** The version of the first match of `re` in `u`, parsed; {} when there is none. */
function versionAt(u: string, re: RegExp): SoftwareVersion {
  const m = firstMatch(u, re);
  return m === null ? {} : parseSoftware(m).version;
}

/** Browser User-Agents ("Mozilla/5.0 (…) … Chrome/10.0.648.205 Safari/534.16"), as Zeek's parse_mozilla. */
function parseBrowser(u: string): SoftwareDescription {
  let name = '<unknown browser>';
  let v: SoftwareVersion = {};
  if (/Opera [0-9.]*$/.test(u)) {
    name = 'Opera';
    v = versionAt(u, /Opera [0-9.]*$/);
  } else if (/ MSIE |Trident\//.test(u)) {
    name = 'MSIE';
    if (/Trident\/4\.0/.test(u)) v = { major: 8, minor: 0 };
    else if (/Trident\/5\.0/.test(u)) v = { major: 9, minor: 0 };
    else if (/Trident\/6\.0/.test(u)) v = { major: 10, minor: 0 };
    else if (/Trident\/7\.0/.test(u)) v = { major: 11, minor: 0 };
    else v = versionAt(u, /MSIE [0-9]{1,2}\.*[0-9]*b?[0-9]*/);
  } else if (/Edge\//.test(u)) {
    name = 'Edge';
    v = versionAt(u, /Edge\/[0-9.]*/);
  } else if (/Version\/.*Safari\//.test(u)) {
    name = 'Safari';
    const m = firstMatch(u, /Version\/[0-9.]*/);
    if (m !== null) {
      v = parseSoftware(m).version;
      if (/ Mobile\/?.* Safari/.test(u)) v = ordered({ ...v, addl: 'Mobile' });
    }
  } else if (/(Firefox|Netscape|Thunderbird)\/[0-9.]*/.test(u)) {
    const m = firstMatch(u, /(Firefox|Netscape|Thunderbird)\/[0-9.]*/);
    if (m !== null) {
      const s = parseSoftware(m);
      name = s.name;
      v = s.version;
    }
  } else if (/Chrome\/.*Safari\//.test(u)) {
    name = 'Chrome';
    v = versionAt(u, /Chrome\/[0-9.]*/);
  } else if (/^Opera\//.test(u)) {
    if (/Opera M(ini|obi)\//.test(u)) {
      const m = firstMatch(u, /Opera M(ini|obi)/);
      if (m !== null) name = m;
      if (firstMatch(u, /Version\/[0-9.]*/) !== null) v = versionAt(u, /Version\/[0-9.]*/);
      else v = versionAt(u, /Opera Mini\/[0-9.]*/);
    } else {
      name = 'Opera';
      v = versionAt(u, /Version\/[0-9.]*/);
    }
  } else if (/Flash%20Player/.test(u)) {
    name = 'Flash';
    const parts = splitAll(u, /[/ ]/);
    if (parts.length > 2) v = parseSoftware(parts[2]).version;
  } else if (/AdobeAIR\/[0-9.]*/.test(u)) {
    name = 'AdobeAIR';
    v = versionAt(u, /AdobeAIR\/[0-9.]*/);
  } else if (/AppleWebKit\/[0-9.]*/.test(u)) {
    name = 'Unspecified WebKit';
    v = versionAt(u, /AppleWebKit\/[0-9.]*/);
  } else if (/ Java\/[0-9]\./.test(u)) {
    name = 'Java';
    v = versionAt(u, /Java\/[0-9._]*/);
  }
  return { name, version: v, unparsed_version: u };
}

/** Zeek's Software::cmp_versions: -1, 0 or 1; a part present beats a part missing; addl compared as text. */
export function compareVersions(a: SoftwareVersion, b: SoftwareVersion): number {
  for (const k of ['major', 'minor', 'minor2', 'minor3'] as const) {
    const x = a[k];
    const y = b[k];
    if (x !== undefined && y !== undefined) {
      if (x < y) return -1;
      if (x > y) return 1;
    } else if (x !== undefined || y !== undefined) return x !== undefined ? 1 : -1;
  }
  if (a.addl !== undefined && b.addl !== undefined) return a.addl < b.addl ? -1 : a.addl > b.addl ? 1 : 0;
  if (a.addl === undefined && b.addl === undefined) return 0;
  return a.addl !== undefined ? 1 : -1;
}

/** Zeek's software_fmt_version: "2.4.41-Ubuntu". */
export function formatVersion(v: SoftwareVersion): string {
  return `${v.major ?? 0}${v.minor !== undefined ? `.${v.minor}` : ''}${v.minor2 !== undefined ? `.${v.minor2}` : ''}${v.minor3 !== undefined ? `.${v.minor3}` : ''}${v.addl !== undefined ? `-${v.addl}` : ''}`;
}

// ---- deduplication ----------------------------------------------------------------------

/** Seconds a (host, name) entry is remembered (Zeek's `tracked` table: &create_expire=1day). */
export const SOFTWARE_EXPIRE = 86400;
/** (host, name) entries, and parsed version strings, kept per tracker before it starts over. */
export const MAX_TRACKED_SOFTWARE = 65536;
/** Longest version string kept (a longer one is cut before parsing and recording). */
export const MAX_VERSION_STRING = 1024;

class Tracked {
  readonly version: SoftwareVersion;
  readonly ts: number;
  constructor(version: SoftwareVersion, ts: number) {
    this.version = version;
    this.ts = ts;
  }
}

/**
 * Which software a protocol already reported, per host, for one engine: make one in the
 * protocol's ProtocolDef.shared and pass it (ctx.shared) to softwareFound. When it holds
 * MAX_TRACKED_SOFTWARE entries it forgets them all (and raises `capEvent` if given, which the
 * protocol must declare): a program may then be written once more.
 */
export class SoftwareTracker implements SharedState {
  private readonly ctx: L2Context;
  private readonly capEvent: string | undefined;
  /** host \t name → the version last written and when. */
  private readonly byName = new Map<string, Tracked>();
  /** version string → what it says: a string seen again is not parsed again. */
  private readonly parsedStrings = new Map<string, SoftwareDescription>();

  constructor(ctx: L2Context, capEvent?: string) {
    this.ctx = ctx;
    this.capEvent = capEvent;
  }

  /** parseSoftware, remembered. */
  parse(unparsed: string): SoftwareDescription {
    let d = this.parsedStrings.get(unparsed);
    if (d === undefined) {
      d = parseSoftware(unparsed);
      this.room(this.parsedStrings);
      this.parsedStrings.set(unparsed, d);
    }
    return d;
  }

  /**
   * Whether a sighting of `name` at `version` on `host` is news, as Zeek's Software::register
   * decides: new for the host, a different version than the one last written, or last
   * written a day ago or more. Remembers it.
   */
  isNews(host: string, name: string, version: SoftwareVersion, ts: number): boolean {
    const k = `${host}\t${name}`;
    const old = this.byName.get(k);
    const live = old !== undefined && ts - old.ts < SOFTWARE_EXPIRE;
    if (live && compareVersions(old.version, version) === 0) return false;
    this.room(this.byName);
    // A version change keeps the entry's creation time (Zeek's table entry is updated, not made anew).
    this.byName.set(k, new Tracked(version, live ? old.ts : ts));
    return true;
  }

  private room(m: Map<string, unknown>): void {
    if (m.size < MAX_TRACKED_SOFTWARE) return;
    this.byName.clear();
    this.parsedStrings.clear();
    if (this.capEvent !== undefined) this.ctx.event(this.capEvent, `${MAX_TRACKED_SOFTWARE} software entries: starting over`);
  }

  end(): void {
    this.byName.clear();
    this.parsedStrings.clear();
  }
}

/**
 * Reports a sighting: parses the version string (unless name and version are given) and
 * writes a `software` record with ctx.rawRecord when the tracker says it is news (always,
 * when `tracker` is null). The protocol must declare SOFTWARE_RECORD with SOFTWARE_FIELDS in
 * its `records`. Returns whether a record was written. Call it once per sighting (a header,
 * a banner), not per packet.
 */
export function softwareFound(ctx: SessionContext, tracker: SoftwareTracker | null, info: SoftwareInfo): boolean {
  const ts = info.ts ?? ctx.ts;
  let unparsed = info.unparsed_version;
  if (unparsed.length > MAX_VERSION_STRING) unparsed = unparsed.slice(0, MAX_VERSION_STRING);
  let name: string;
  let v: SoftwareVersion;
  if (info.name !== undefined) {
    name = info.name;
    v = info.version ?? {};
  } else {
    if (strip(unparsed) === '') return false;
    const d = tracker !== null ? tracker.parse(unparsed) : parseSoftware(unparsed);
    name = d.name;
    v = d.version;
  }
  if (tracker !== null && !tracker.isNews(info.host, name, v, ts)) return false;
  const r: SoftwareRecord = {
    ts,
    host: info.host,
    host_p: info.host_p,
    software_type: info.software_type,
    name,
    'version.major': v.major,
    'version.minor': v.minor,
    'version.minor2': v.minor2,
    'version.minor3': v.minor3,
    'version.addl': v.addl,
    unparsed_version: unparsed,
    url: info.url,
  };
  ctx.rawRecord(SOFTWARE_RECORD, r as unknown as Record<string, unknown>);
  return true;
}
