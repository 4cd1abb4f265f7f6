// A re-implementation of how zeek-cut (zeek/zeek-aux, zeek-cut/zeek-cut.c) reads an ASCII
// Zeek log, for tests: zeek-cut has no Debian package, and tests need to read Palisade's
// logs the way the tool analysts use would.
//
// What zeek-cut does, and this reader does the same:
// - Reads the text line by line, splitting on "\n" only; every line is expected to end
//   with "\n" (zeek-cut drops the last character of each line unconditionally).
// - A line starting with "#" is a header line; any other line is a row.
// - "#separator " (with a space) followed by the separator, either one character or
//   "\x" and hex digits, sets the field separator for all following lines. Default: tab.
// - "#unset_field" followed by the separator and the marker sets the unset marker (zeek-cut
//   uses it only when converting times); a line without a value is an error.
// - "#fields" followed by the separator lists the column names; the next line must be a
//   "#types" line, and a "#types" line must follow a "#fields" line.
// - Other header lines (#set_separator, #path, #open, #close, …) are skipped.
// - A new header block (e.g. concatenated logs) replaces the column layout.
// - Rows are split on the separator; fields come out as written, still escaped.
// - Columns are looked up by exact name; with no columns, all are output in order.
//
// Where zeek-cut is lenient this reader throws, so a malformed log fails the test:
// a row with a different number of fields than #fields (zeek-cut skips rows with too few
// and ignores extra fields), a row before any #fields line, a #types line with a different
// number of entries, a text not ending in "\n", and (unless `missing: 'empty'`) a requested
// column that #fields does not have (zeek-cut outputs an empty field).

export interface ZeekCutOptions {
  /** A requested column that the log lacks: 'throw' (default) or an empty field as zeek-cut. */
  missing?: 'throw' | 'empty';
}

class ZeekCutError extends Error {
  constructor(lineNo: number, message: string) {
    super(`zeek-cut: line ${lineNo}: ${message}`);
    this.name = 'ZeekCutError';
  }
}

/** Parses the value of a "#separator " line the way zeek-cut's parsesep() does. */
function parseSeparator(spec: string): string {
  if (spec.startsWith('\\x')) {
    // strtol(…, 16): leading hex digits; the char keeps the low 8 bits.
    const m = /^[0-9a-fA-F]*/.exec(spec.slice(2));
    const v = m && m[0].length > 0 ? parseInt(m[0], 16) & 0xff : 0;
    return String.fromCharCode(v);
  }
  return spec.length > 0 ? spec[0] : '\0';
}

/**
 * Returns the selected columns of every row of a Zeek ASCII log, as zeek-cut would print
 * them (raw, still escaped; see {@link unescapeZeek}). With no columns, all of them.
 */
export function zeekCut(text: string, columns: readonly string[], opts: ZeekCutOptions = {}): string[][] {
  const missing = opts.missing ?? 'throw';
  if (text.length > 0 && !text.endsWith('\n')) {
    throw new ZeekCutError(text.split('\n').length, 'last line does not end with a newline');
  }
  const lines = text.split('\n');
  lines.pop(); // the empty string after the final newline

  let sep = '\t';
  let fields: string[] | null = null;
  let indexes: number[] = [];
  let prevFieldsLine = false;
  const rows: string[][] = [];

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineNo = i + 1;
    if (prevFieldsLine && !line.startsWith('#types')) {
      throw new ZeekCutError(lineNo, 'bad log header (missing #types line)');
    }
    if (!line.startsWith('#')) {
      if (fields === null) throw new ZeekCutError(lineNo, 'row before any #fields header');
      const parts = line.split(sep);
      if (parts.length !== fields.length) {
        throw new ZeekCutError(lineNo, `row has ${parts.length} fields, #fields has ${fields.length}`);
      }
      rows.push(indexes.map((ix) => (ix < 0 ? '' : parts[ix])));
      continue;
    }
    if (line.startsWith('#separator ')) {
      const s = parseSeparator(line.slice(11));
      if (s === '\0') throw new ZeekCutError(lineNo, 'bad log header (invalid #separator line)');
      sep = s;
    } else if (line.startsWith('#unset_field')) {
      if (line.length < 14) throw new ZeekCutError(lineNo, 'bad log header (invalid #unset_field line)');
    } else if (line.startsWith('#fields')) {
      prevFieldsLine = true;
      fields = line.slice(8).split(sep);
      const names = fields;
      indexes = columns.length === 0
        ? names.map((_, ix) => ix)
        : columns.map((c) => {
          const ix = names.indexOf(c);
          if (ix < 0 && missing === 'throw') throw new ZeekCutError(lineNo, `no column "${c}" in #fields`);
          return ix;
        });
    } else if (line.startsWith('#types')) {
      if (!prevFieldsLine) throw new ZeekCutError(lineNo, 'bad log header (missing #fields line)');
      prevFieldsLine = false;
      const types = line.slice(7).split(sep);
      if (fields !== null && types.length !== fields.length) {
        throw new ZeekCutError(lineNo, `#types has ${types.length} entries, #fields has ${fields.length}`);
      }
    }
  }
  if (prevFieldsLine) throw new ZeekCutError(lines.length, 'bad log header (missing #types line)');
  return rows;
}

/**
 * Undoes the writer's escaping of one value (Zeek's get_unescaped_string): each \xNN
 * becomes the byte NN, and the bytes are read as UTF-8. It does not interpret "-",
 * "(empty)" or set separators; callers decide that from the column's type.
 */
export function unescapeZeek(field: string): string {
  if (!field.includes('\\x')) return field;
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < field.length; i++) {
    if (field[i] === '\\' && field[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(field.slice(i + 2, i + 4))) {
      bytes.push(parseInt(field.slice(i + 2, i + 4), 16));
      i += 3;
      continue;
    }
    const cp = field.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    for (const b of enc.encode(ch)) bytes.push(b);
    i += ch.length - 1;
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

/**
 * Reads one field: "-" is unset (undefined), "(empty)" an empty string (or an empty list
 * for containers), containers split on "," and every value unescaped. Inside a container
 * an element "(empty)" is read as an empty string: the writer, like Zeek, writes an empty
 * element that way (Zeek's own reader keeps it as the text "(empty)"). As in Zeek, a
 * container holding just one empty string is written exactly like an empty container.
 */
export function readZeekField(raw: string, container = false): string | string[] | undefined {
  if (raw === '-') return undefined;
  if (container) {
    return raw === '(empty)' ? [] : raw.split(',').map((e) => (e === '(empty)' ? '' : unescapeZeek(e)));
  }
  if (raw === '(empty)') return '';
  return unescapeZeek(raw);
}
