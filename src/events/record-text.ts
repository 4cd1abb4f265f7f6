// Records as the text of their files, formatted where they are made: a worker thread of
// `palisade analyze --workers N` formats its records into one buffer per record type (NDJSON
// lines, or Zeek log rows) and hands the buffers to the main thread, which only appends them
// to the files (RecordOutput.writeText) and writes the Zeek headers and #close lines itself.
import { zeekFieldsFor, type RecordFormat } from './ndjson.ts';
import { ZeekRowFormatter } from './zeek-tsv.ts';

/** The pending text of one record type: a string, or UTF-8 bytes (byte mode). */
class Pending {
  readonly type: string;
  readonly zeek: ZeekRowFormatter | null;
  text = '';
  bytes: Buffer | null = null;
  used = 0;
  count = 0;
  constructor(type: string, zeek: ZeekRowFormatter | null) {
    this.type = type;
    this.zeek = zeek;
  }
}

/** First buffer of a record type in byte mode; it doubles as needed. */
const FIRST_BYTES = 1 << 14;

/** What take() hands over: parallel lists, one entry per record type with text pending. */
export interface RecordTexts {
  types: string[];
  texts: string[];
  counts: number[];
}

/** What takeBytes() hands over: the same, with each text as UTF-8 in an ArrayBuffer of its own (to transfer). */
export interface RecordBytes {
  types: string[];
  texts: Uint8Array[];
  counts: number[];
}

/**
 * Formats records into one text buffer per record type, exactly as RecordOutput writes them
 * (`JSON.stringify(record)` and a newline; or ZeekRowFormatter's row for the type's
 * registered columns). `chars` says how much is pending; take() hands it over and starts anew.
 */
export class RecordTextBuffer {
  readonly format: RecordFormat;
  /** Text pending over all types: characters, or bytes in byte mode. */
  chars = 0;
  private readonly byType = new Map<string, Pending>();
  /** The types with text pending, in the order their first line came. */
  private pending: Pending[] = [];
  private readonly byteMode: boolean;

  /**
   * With `bytes`, each line is encoded as UTF-8 as it is written (once, into a buffer per
   * type) and takeBytes() hands the buffers over; otherwise take() hands over strings.
   */
  constructor(format: RecordFormat, opts: { bytes?: boolean } = {}) {
    this.format = format;
    this.byteMode = opts.bytes === true;
  }

  /** Throws Error for a Zeek log whose type has no registered columns (as RecordOutput does). */
  write(type: string, record: object): void {
    const p = this.byType.get(type) ?? this.open(type);
    if (p.count === 0) this.pending.push(p);
    p.count++;
    if (this.byteMode) {
      if (p.zeek !== null) this.append(p, p.zeek.row(record as Record<string, unknown>), false);
      else this.append(p, JSON.stringify(record), true);
      return;
    }
    const line = p.zeek !== null ? p.zeek.row(record as Record<string, unknown>) : JSON.stringify(record) + '\n';
    p.text += line;
    this.chars += line.length;
  }

  private append(p: Pending, s: string, newline: boolean): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    const need = p.used + s.length * 3 + 1;
    let b = p.bytes;
    if (b === null || need > b.length) {
      let size = b === null ? FIRST_BYTES : b.length * 2;
      while (size < need) size *= 2;
      // A buffer of its own (not from the pool): its ArrayBuffer is transferred whole.
      const nb = Buffer.allocUnsafeSlow(size);
      if (b !== null) b.copy(nb, 0, 0, p.used);
      p.bytes = b = nb;
    }
    const before = p.used;
    p.used += b.write(s, p.used);
    if (newline) b[p.used++] = 0x0a;
    this.chars += p.used - before;
  }

  /** Appends the pending text to `out` (one entry per type) and empties the buffers. Not in byte mode. */
  take(out: RecordTexts): void {
    if (this.byteMode) throw new Error('RecordTextBuffer: take() in byte mode (use takeBytes)');
    for (const p of this.pending) {
      out.types.push(p.type);
      out.texts.push(p.text);
      out.counts.push(p.count);
      p.text = '';
      p.count = 0;
    }
    this.pending = [];
    this.chars = 0;
  }

  /**
   * Byte mode: appends each type's pending UTF-8 to `out` and `transfer` (its ArrayBuffer,
   * which then belongs to the receiver) and starts new buffers of the same size.
   */
  takeBytes(out: RecordBytes, transfer: ArrayBuffer[]): void {
    if (!this.byteMode) throw new Error('RecordTextBuffer: takeBytes() needs byte mode');
    for (const p of this.pending) {
      const b = p.bytes!;
      out.types.push(p.type);
      out.texts.push(new Uint8Array(b.buffer, b.byteOffset, p.used));
      out.counts.push(p.count);
      transfer.push(b.buffer as ArrayBuffer);
      p.bytes = Buffer.allocUnsafeSlow(b.length);
      p.used = 0;
      p.count = 0;
    }
    this.pending = [];
    this.chars = 0;
  }

  private open(type: string): Pending {
    let zeek: ZeekRowFormatter | null = null;
    if (this.format === 'zeek') {
      const fields = zeekFieldsFor(type);
      if (fields === undefined) throw new Error(`No Zeek field list registered for record type "${type}" (see registerZeekFields)`);
      zeek = new ZeekRowFormatter(fields);
    }
    const p = new Pending(type, zeek);
    this.byType.set(type, p);
    return p;
  }
}
