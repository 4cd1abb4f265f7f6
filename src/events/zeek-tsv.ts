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

/** Where the log text goes: an fs.WriteStream, a test's collector, a file-descriptor wrapper. */
export interface WritableLike {
  write(s: string): unknown;
}

export interface ZeekTsvOptions {
  /** Clock for the #open and #close lines. Default: the wall clock, as Zeek does. */
  now?: () => Date;
  /** Write #open/#close in UTC. Default false: local time, as Zeek does. */
  utc?: boolean;
  /** Hand text to `out` once this many characters are buffered. Default 256 Ki characters. */
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

/** A string or enum value: "(empty)" when empty, reserved words escaped, then escaped. */
function formatString(v: unknown, inSet: boolean): string {
  const s = typeof v === 'string' ? v : String(v);
  if (s.length === 0) return ZEEK_EMPTY_FIELD;
  // Zeek escapes only the first character of a value equal to a reserved word.
  if (s === ZEEK_UNSET_FIELD) return '\\x2d';
  if (s === ZEEK_EMPTY_FIELD) return '\\x28empty)';
  return escapeZeekText(s, inSet);
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

/**
 * Formats records as rows of one Zeek log (the columns `fields`): what ZeekTsvWriter writes
 * below its header. Worker threads format their rows with it and hand the text to the
 * thread that writes the file (and its header and #close line).
 */
export class ZeekRowFormatter {
  readonly fields: readonly ZeekField[];
  private readonly names: string[];
  private readonly formatters: Formatter[];

  constructor(fields: readonly ZeekField[]) {
    this.fields = fields;
    this.names = fields.map((f) => f.name);
    this.formatters = fields.map((f) => formatterFor(f.type));
  }

  /** One row, with its newline. Records are plain objects keyed by Zeek field name; missing keys are unset. */
  row(record: Readonly<Record<string, unknown>>): string {
    const names = this.names;
    const formatters = this.formatters;
    let line = '';
    for (let i = 0; i < names.length; i++) {
      if (i > 0) line += ZEEK_SEPARATOR;
      const v = record[names[i]];
      line += v === undefined || v === null ? ZEEK_UNSET_FIELD : formatters[i](v);
    }
    // A row must not look like a header line.
    if (line.charCodeAt(0) === 0x23) line = '\\x23' + line.slice(1);
    return line + '\n';
  }
}

/**
 * Writes one Zeek ASCII log. The header is buffered at construction; rows are buffered
 * and handed to `out` in large strings; `close()` adds the #close line and flushes.
 * Records are plain objects keyed by Zeek field name; missing keys are unset.
 */
export class ZeekTsvWriter {
  readonly path: string;
  readonly fields: readonly ZeekField[];
  private readonly out: WritableLike;
  private readonly names: string[];
  private readonly rowFormatter: ZeekRowFormatter;
  private readonly now: () => Date;
  private readonly utc: boolean;
  private readonly flushChars: number;
  private buf: string;
  private closed: boolean;
  /** Rows written so far. */
  rows: number;

  constructor(out: WritableLike, path: string, fields: readonly ZeekField[], opts: ZeekTsvOptions = {}) {
    if (fields.length === 0) throw new Error(`Zeek log "${path}" needs at least one field`);
    this.out = out;
    this.path = path;
    this.fields = fields;
    this.names = fields.map((f) => f.name);
    this.rowFormatter = new ZeekRowFormatter(fields);
    this.now = opts.now ?? (() => new Date());
    this.utc = opts.utc ?? false;
    this.flushChars = opts.flushChars ?? DEFAULT_FLUSH_CHARS;
    this.closed = false;
    this.rows = 0;
    this.buf =
      '#separator ' + escapeZeekText(ZEEK_SEPARATOR) + '\n' +
      '#set_separator' + ZEEK_SEPARATOR + ZEEK_SET_SEPARATOR + '\n' +
      '#empty_field' + ZEEK_SEPARATOR + ZEEK_EMPTY_FIELD + '\n' +
      '#unset_field' + ZEEK_SEPARATOR + ZEEK_UNSET_FIELD + '\n' +
      '#path' + ZEEK_SEPARATOR + escapeZeekText(path) + '\n' +
      '#open' + ZEEK_SEPARATOR + zeekLogTimestamp(this.now(), this.utc) + '\n' +
      '#fields' + ZEEK_SEPARATOR + this.names.join(ZEEK_SEPARATOR) + '\n' +
      '#types' + ZEEK_SEPARATOR + fields.map((f) => f.type).join(ZEEK_SEPARATOR) + '\n';
  }

  write(record: Readonly<Record<string, unknown>>): void {
    if (this.closed) throw new Error(`Zeek log "${this.path}" is closed`);
    this.buf += this.rowFormatter.row(record);
    this.rows++;
    if (this.buf.length >= this.flushChars) this.flush();
  }

  /** Rows formatted elsewhere (ZeekRowFormatter, in a worker thread): `text` holds `rows` whole rows. */
  writeRows(text: string, rows: number): void {
    if (this.closed) throw new Error(`Zeek log "${this.path}" is closed`);
    this.buf += text;
    this.rows += rows;
    if (this.buf.length >= this.flushChars) this.flush();
  }

  /** Hands buffered text to `out`. */
  flush(): void {
    if (this.buf.length === 0) return;
    const s = this.buf;
    this.buf = '';
    this.out.write(s);
  }

  /** Writes the #close line and flushes. Further writes throw. Closing twice does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buf += '#close' + ZEEK_SEPARATOR + zeekLogTimestamp(this.now(), this.utc) + '\n';
    this.flush();
  }
}
