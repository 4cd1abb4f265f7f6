// Zeek's ASCII log format ("TSV with #headers"), written the way Zeek's Ascii writer and
// Ascii formatter write it, so zeek-cut, Zeek's own input framework and the tools that
// read Zeek logs (Malcolm, SIEM parsers, RITA) read Palisade's logs unchanged:
//
//   #separator \x09            header lines; the separator is always written escaped
//   #set_separator<TAB>,
//   #empty_field<TAB>(empty)
//   #unset_field<TAB>-
//   #path<TAB>conn
//   #open<TAB>2024-01-31-13-45-00
//   #fields<TAB>ts<TAB>uid…
//   #types<TAB>time<TAB>string…
//   rows…
//   #close<TAB>2024-01-31-13-46-10
//
// Values: unset (undefined/null) is "-"; an empty string, set or vector is "(empty)";
// time and interval have six decimals; double has up to six, trailing zeros dropped,
// ".0" kept on whole numbers; bool is T/F; port is the number alone. Strings are written
// as UTF-8; control characters, DEL, backslash and (inside sets and vectors) the set
// separator become \xNN. A string that is exactly "-" or "(empty)" gets its first
// character escaped so it cannot be read as unset/empty, and a row that would start
// with "#" starts with \x23 instead. This matches Zeek with LogAscii::enable_utf_8=T
// (the default in current Zeek releases).

export type ZeekScalarType =
  | 'time' | 'string' | 'addr' | 'port' | 'enum' | 'interval' | 'count' | 'int' | 'double' | 'bool';

export type ZeekType = ZeekScalarType | `set[${string}]` | `vector[${string}]`;

export interface ZeekField {
  /** Zeek's column name, with record nesting flattened by dots (`id.orig_h`). */
  readonly name: string;
  readonly type: ZeekType;
}

/**
 * Where the log goes: a file written synchronously, a test's collector. Text and bytes (UTF-8)
 * come in order; bytes are the writer's buffer, used again once write returns.
 */
export interface WritableLike {
  write(s: string | Uint8Array): unknown;
}

export interface ZeekTsvOptions {
  /** Clock for the #open and #close lines. Default: the wall clock, as Zeek does. */
  now?: () => Date;
  /** Write #open/#close in UTC. Default false: local time, as Zeek does. */
  utc?: boolean;
  /** Hand the rows to `out` once this many bytes are formatted. Default 256 KiB. */
  flushChars?: number;
}

export const ZEEK_SEPARATOR = '\t';
export const ZEEK_SET_SEPARATOR = ',';
export const ZEEK_EMPTY_FIELD = '(empty)';
export const ZEEK_UNSET_FIELD = '-';

const HEX = '0123456789abcdef';
// \xNN for every code unit that may need it: indices 0..0x7f.
const ESCAPED: string[] = [];
for (let c = 0; c < 0x80; c++) ESCAPED.push('\\x' + HEX[c >> 4] + HEX[c & 15]);

// Control characters (this includes the tab separator and newline), backslash and DEL;
// inside sets and vectors also the set separator.
function needsEscape(c: number, inSet: boolean): boolean {
  return c < 0x20 || c === 0x5c || c === 0x7f || (inSet && c === 0x2c);
}

/**
 * Escapes text as Zeek's log writer does: control characters, DEL and backslash as \xNN,
 * and also the set separator when `inSet`. Code points from U+0080 up are left as they
 * are (they are written as UTF-8).
 */
export function escapeZeekText(s: string, inSet = false): string {
  const n = s.length;
  let i = 0;
  while (i < n && !needsEscape(s.charCodeAt(i), inSet)) i++;
  if (i === n) return s; // the common case: nothing to escape, no copy
  let out = '';
  let run = 0; // start of the current run of characters kept as they are
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (needsEscape(c, inSet)) {
      out += s.slice(run, i) + ESCAPED[c];
      run = i + 1;
    }
  }
  return out + s.slice(run);
}

/**
 * How a string value equal to one of Zeek's reserved words is written: "(empty)" for the empty
 * string, and only the first character escaped for "-" and "(empty)"; undefined for any other.
 */
function reservedWord(s: string): string | undefined {
  if (s.length === 0) return ZEEK_EMPTY_FIELD;
  if (s === ZEEK_UNSET_FIELD) return '\\x2d';
  if (s === ZEEK_EMPTY_FIELD) return '\\x28empty)';
  return undefined;
}

/** A string or enum value: "(empty)" when empty, reserved words escaped, then escaped. */
function formatString(v: unknown, inSet: boolean): string {
  const s = typeof v === 'string' ? v : String(v);
  return reservedWord(s) ?? escapeZeekText(s, inSet);
}

function formatFixed6(v: unknown): string {
  return (typeof v === 'number' ? v : Number(v)).toFixed(6);
}

/** Zeek's rendering of a `double`: at most six decimals, ".0" on whole numbers. */
export function formatZeekDouble(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (!Number.isFinite(d)) return d > 0 ? 'inf' : '-inf';
  let s = d.toFixed(6);
  if (s.includes('e')) return s; // |d| >= 1e21
  let end = s.length;
  while (s.charCodeAt(end - 1) === 0x30) end--; // trailing zeros
  if (s.charCodeAt(end - 1) === 0x2e) end--; // and a bare point
  s = s.slice(0, end);
  if (Math.abs(d - Math.round(d)) < 1e-9) s += '.0';
  return s;
}

function formatInteger(v: unknown): string {
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : escapeZeekText(String(v));
}

type Formatter = (v: unknown) => string;

function scalarFormatter(type: string, inSet: boolean): Formatter {
  switch (type) {
    case 'time':
    case 'interval':
      return formatFixed6;
    case 'double':
      return (v) => formatZeekDouble(typeof v === 'number' ? v : Number(v));
    case 'count':
    case 'int':
    case 'port':
      return formatInteger;
    case 'bool':
      return (v) => (v ? 'T' : 'F');
    case 'addr':
      // Rendered addresses never hold characters that need escaping; escape anyway so a
      // bad value cannot break the row.
      return (v) => escapeZeekText(String(v), inSet);
    default: // string, enum and anything Zeek renders as text
      return (v) => formatString(v, inSet);
  }
}

function containerFormatter(elementType: string): Formatter {
  const element = scalarFormatter(elementType, true);
  return (v) => {
    let out = '';
    let n = 0;
    for (const e of v as Iterable<unknown>) {
      if (n++ > 0) out += ZEEK_SET_SEPARATOR;
      out += e === undefined || e === null ? ZEEK_UNSET_FIELD : element(e);
    }
    return n === 0 ? ZEEK_EMPTY_FIELD : out;
  };
}

function formatterFor(type: ZeekType): Formatter {
  const m = /^(set|vector)\[(.+)\]$/.exec(type);
  return m ? containerFormatter(m[2]) : scalarFormatter(type, false);
}

/** Formats one value of the given Zeek type as it appears in a log row. */
export function formatZeekValue(type: ZeekType, value: unknown): string {
  return value === undefined || value === null ? ZEEK_UNSET_FIELD : formatterFor(type)(value);
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** Zeek's #open/#close stamp: YYYY-MM-DD-HH-MM-SS. */
export function zeekLogTimestamp(d: Date, utc = false): string {
  return utc
    ? `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}-${pad2(d.getUTCHours())}-${pad2(d.getUTCMinutes())}-${pad2(d.getUTCSeconds())}`
    : `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}-${pad2(d.getHours())}-${pad2(d.getMinutes())}-${pad2(d.getSeconds())}`;
}

const DEFAULT_FLUSH_CHARS = 1 << 18;

// How each column's values are written (ZeekRowFormatter): the scalar types that have a
// fast path, everything else through formatZeekValue.
const K_TIME = 0;
const K_COUNT = 1;
const K_STRING = 2;
const K_ADDR = 3;
const K_BOOL = 4;
const K_DOUBLE = 5;
const K_OTHER = 6;

function kindOf(type: ZeekType): number {
  switch (type) {
    case 'time':
    case 'interval':
      return K_TIME;
    case 'count':
    case 'int':
    case 'port':
      return K_COUNT;
    case 'addr':
      return K_ADDR;
    case 'bool':
      return K_BOOL;
    case 'double':
      return K_DOUBLE;
    default:
      // string, enum and any other scalar are text; sets and vectors go through formatZeekValue.
      return type.endsWith(']') ? K_OTHER : K_STRING;
  }
}

/** What a ZeekRowFormatter does with its full buffer (see its constructor). */
export type RowSpill = (rows: Uint8Array) => void;

/**
 * Formats records as rows of one Zeek log (the columns `fields`): what ZeekTsvWriter writes
 * below its header. Worker threads format their rows with it and hand the bytes to the
 * thread that writes the file (and its header and #close line).
 *
 * Rows are written as UTF-8 straight into a byte buffer, value by value: digits and ASCII
 * text byte by byte, with no string made for a row (the rows are the same as joining
 * formatZeekValue of each column with tabs). With `spill`, a full buffer is handed to it
 * (whole rows only; it must be done with the bytes when it returns) and used again; without,
 * the buffer grows.
 */
export class ZeekRowFormatter {
  readonly fields: readonly ZeekField[];
  /** The formatted rows are bytes [0, used) of `bytes`. */
  bytes: Buffer;
  used = 0;
  private readonly names: string[];
  private readonly types: ZeekType[];
  private readonly kinds: Uint8Array;
  private spill: RowSpill | null;
  /** Where the row being written starts. */
  private rowStart = 0;

  constructor(fields: readonly ZeekField[], opts: { bytes?: number; spill?: RowSpill } = {}) {
    this.fields = fields;
    this.names = fields.map((f) => f.name);
    this.types = fields.map((f) => f.type);
    this.kinds = Uint8Array.from(fields.map((f) => kindOf(f.type)));
    this.spill = opts.spill ?? null;
    this.bytes = Buffer.allocUnsafeSlow(Math.max(64, opts.bytes ?? 1 << 14));
  }

  /** One row, with its newline, after the rows formatted so far. Records are plain objects keyed by Zeek field name; missing keys are unset. */
  write(record: Readonly<Record<string, unknown>>): void {
    const names = this.names;
    const kinds = this.kinds;
    this.rowStart = this.used;
    for (let i = 0; i < names.length; i++) {
      // A value's own room is made where it is written; this covers the tab and "-" or T/F.
      if (this.used + 2 > this.bytes.length) this.room(2);
      if (i > 0) this.bytes[this.used++] = 0x09;
      const v = record[names[i]];
      if (v === undefined || v === null) {
        this.bytes[this.used++] = 0x2d;
        continue;
      }
      switch (kinds[i]) {
        case K_TIME:
          this.text(typeof v === 'number' ? v.toFixed(6) : formatZeekValue(this.types[i], v));
          break;
        case K_COUNT:
          if (typeof v === 'number' && v >= 0 && v <= 0xffffffff && Math.floor(v) === v) this.digits(v);
          else this.text(formatZeekValue(this.types[i], v));
          break;
        case K_STRING:
          if (typeof v === 'string') this.string(v);
          else this.text(formatZeekValue(this.types[i], v));
          break;
        case K_ADDR:
          this.escaped(typeof v === 'string' ? v : String(v));
          break;
        case K_BOOL:
          this.bytes[this.used++] = v ? 0x54 : 0x46;
          break;
        case K_DOUBLE:
          this.text(typeof v === 'number' ? formatZeekDouble(v) : formatZeekValue(this.types[i], v));
          break;
        default:
          this.text(formatZeekValue(this.types[i], v));
      }
    }
    if (this.used + 1 > this.bytes.length) this.room(1);
    this.bytes[this.used++] = 0x0a;
    // A row must not look like a header line: its "#" becomes \x23.
    if (this.bytes[this.rowStart] === 0x23) {
      this.room(3);
      const b = this.bytes;
      b.copyWithin(this.rowStart + 4, this.rowStart + 1, this.used);
      b.write('\\x23', this.rowStart, 'latin1');
      this.used += 3;
    }
  }

  /** The text of one row, with its newline (the formatter's buffer is left as it was). */
  row(record: Readonly<Record<string, unknown>>): string {
    const from = this.used;
    const spill = this.spill;
    this.spill = null;
    try {
      this.write(record);
      return this.bytes.toString('utf8', from, this.used);
    } finally {
      this.used = from;
      this.spill = spill;
    }
  }

  /** Text (a header line) after the rows, as UTF-8. */
  appendText(s: string): void {
    this.rowStart = this.used;
    this.text(s);
  }

  /** Starts again with `bytes` (the formatted rows were taken elsewhere). */
  reset(bytes: Buffer = this.bytes): void {
    this.bytes = bytes;
    this.used = 0;
    this.rowStart = 0;
  }

  /**
   * Room for `n` more bytes: whole rows go to the spill (the row being written moves to the
   * front), or the buffer doubles until the row fits.
   */
  private room(n: number): void {
    if (this.used + n <= this.bytes.length) return;
    if (this.spill !== null && this.rowStart > 0) {
      this.spill(this.bytes.subarray(0, this.rowStart));
      this.bytes.copyWithin(0, this.rowStart, this.used);
      this.used -= this.rowStart;
      this.rowStart = 0;
      if (this.used + n <= this.bytes.length) return;
    }
    let size = this.bytes.length * 2;
    while (size < this.used + n) size *= 2;
    const nb = Buffer.allocUnsafeSlow(size);
    this.bytes.copy(nb, 0, 0, this.used);
    this.bytes = nb;
  }

  /** A count below 2^32, as decimal digits. */
  private digits(v: number): void {
    if (this.used + 10 > this.bytes.length) this.room(10);
    const b = this.bytes;
    if (v < 10) {
      b[this.used++] = 0x30 + v;
      return;
    }
    let n = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) n++;
    const start = this.used;
    this.used = start + n;
    // The last digit first, from the end back to the first.
    let x = v;
    for (let p = start + n - 1; p > start; p--) {
      const q = Math.floor(x / 10);
      b[p] = 0x30 + (x - q * 10);
      x = q;
    }
    b[start] = 0x30 + x;
  }

  /** Text already in its logged form (a number, a formatted value), as UTF-8. */
  private text(s: string): void {
    this.utf8(s, false);
  }

  /** A string value: "(empty)" when empty, a reserved word's first character escaped, then escaped. */
  private string(s: string): void {
    const r = reservedWord(s);
    if (r !== undefined) this.text(r);
    else this.escaped(s);
  }

  /** Text escaped as escapeZeekText does (outside sets), as UTF-8. */
  private escaped(s: string): void {
    this.utf8(s, true);
  }

  /**
   * `s` as UTF-8, escaped as escapeZeekText does when `escape`: ASCII is copied byte by byte
   * up to the first character that needs more (non-ASCII; with `escape`, also one to escape),
   * and the rest of the string goes the long way.
   */
  private utf8(s: string, escape: boolean): void {
    const n = s.length;
    // An escape takes 4 bytes for a character, UTF-8 at most 3 for a code unit.
    const most = escape ? n * 4 : n * 3;
    if (this.used + most > this.bytes.length) this.room(most);
    const b = this.bytes;
    let p = this.used;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || (escape && (c < 0x20 || c === 0x5c || c === 0x7f))) {
        const rest = i === 0 ? s : s.slice(i);
        this.used = p + b.write(escape ? escapeZeekText(rest) : rest, p);
        return;
      }
      b[p++] = c;
    }
    this.used = p;
  }
}

/**
 * Writes one Zeek ASCII log. The header goes first; rows are formatted into a byte buffer
 * and handed to `out` when it is full (about `flushChars` bytes at a time); `close()` adds
 * the #close line and flushes. Records are plain objects keyed by Zeek field name; missing
 * keys are unset.
 */
export class ZeekTsvWriter {
  readonly path: string;
  readonly fields: readonly ZeekField[];
  private readonly out: WritableLike;
  private readonly names: string[];
  private readonly formatter: ZeekRowFormatter;
  private readonly now: () => Date;
  private readonly utc: boolean;
  private closed: boolean;
  /** Rows written so far. */
  rows: number;

  constructor(out: WritableLike, path: string, fields: readonly ZeekField[], opts: ZeekTsvOptions = {}) {
    if (fields.length === 0) throw new Error(`Zeek log "${path}" needs at least one field`);
    this.out = out;
    this.path = path;
    this.fields = fields;
    this.names = fields.map((f) => f.name);
    this.formatter = new ZeekRowFormatter(fields, { bytes: opts.flushChars ?? DEFAULT_FLUSH_CHARS, spill: (b) => out.write(b) });
    this.now = opts.now ?? (() => new Date());
    this.utc = opts.utc ?? false;
    this.closed = false;
    this.rows = 0;
    this.formatter.appendText(
      '#separator ' + escapeZeekText(ZEEK_SEPARATOR) + '\n' +
      '#set_separator' + ZEEK_SEPARATOR + ZEEK_SET_SEPARATOR + '\n' +
      '#empty_field' + ZEEK_SEPARATOR + ZEEK_EMPTY_FIELD + '\n' +
      '#unset_field' + ZEEK_SEPARATOR + ZEEK_UNSET_FIELD + '\n' +
      '#path' + ZEEK_SEPARATOR + escapeZeekText(path) + '\n' +
      '#open' + ZEEK_SEPARATOR + zeekLogTimestamp(this.now(), this.utc) + '\n' +
      '#fields' + ZEEK_SEPARATOR + this.names.join(ZEEK_SEPARATOR) + '\n' +
      '#types' + ZEEK_SEPARATOR + fields.map((f) => f.type).join(ZEEK_SEPARATOR) + '\n',
    );
  }

  write(record: Readonly<Record<string, unknown>>): void {
    if (this.closed) throw new Error(`Zeek log "${this.path}" is closed`);
    this.formatter.write(record);
    this.rows++;
  }

  /** Rows formatted elsewhere (ZeekRowFormatter, in a worker thread): `text` holds `rows` whole rows. */
  writeRows(text: string | Uint8Array, rows: number): void {
    if (this.closed) throw new Error(`Zeek log "${this.path}" is closed`);
    this.flush();
    if (text.length > 0) this.out.write(text);
    this.rows += rows;
  }

  /** Hands the formatted bytes to `out`. */
  flush(): void {
    const f = this.formatter;
    if (f.used === 0) return;
    const b = f.bytes.subarray(0, f.used);
    f.reset();
    this.out.write(b);
  }

  /** Writes the #close line and flushes. Further writes throw. Closing twice does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.formatter.appendText('#close' + ZEEK_SEPARATOR + zeekLogTimestamp(this.now(), this.utc) + '\n');
    this.flush();
  }
}
