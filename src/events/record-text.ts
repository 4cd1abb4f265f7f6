// Records as the text of their files, formatted where they are made: a worker thread of
// `palisade analyze --workers N` formats its records into one buffer per record type (NDJSON
// lines, or Zeek log rows) and hands the buffers to the main thread, which only appends them
// to the files (RecordOutput.writeText) and writes the Zeek headers and #close lines itself.
import { zeekFieldsFor, type RecordFormat } from './ndjson.ts';
import { ZeekRowFormatter } from './zeek-tsv.ts';

/** The pending text of one record type, as UTF-8 (a Zeek log's in its formatter's buffer). */
class Pending {
  readonly type: string;
  readonly zeek: ZeekRowFormatter | null;
  bytes: Buffer | null = null;
  used = 0;
  count = 0;
  constructor(type: string, zeek: ZeekRowFormatter | null) {
    this.type = type;
    this.zeek = zeek;
  }
}

/** First buffer of a record type; it doubles as needed. */
const FIRST_BYTES = 1 << 14;

/** What take() hands over: parallel lists, one entry per record type with text pending, each text as UTF-8 in an ArrayBuffer of its own (to transfer). */
export interface RecordBytes {
  types: string[];
  texts: Uint8Array[];
  counts: number[];
}

/**
 * Formats records into one buffer per record type, exactly as RecordOutput writes them
 * (`JSON.stringify(record)` and a newline; or ZeekRowFormatter's row for the type's
 * registered columns), each line encoded as UTF-8 once, as it is written. `size` says how
 * many bytes are pending; take() hands them over and starts anew.
 */
export class RecordTextBuffer {
  readonly format: RecordFormat;
  /** Bytes pending over all types. */
  size = 0;
  private readonly byType = new Map<string, Pending>();
  /** The types with text pending, in the order their first line came. */
  private pending: Pending[] = [];

  constructor(format: RecordFormat) {
    this.format = format;
  }

  /** Throws Error for a Zeek log whose type has no registered columns (as RecordOutput does). */
  write(type: string, record: object): void {
    const p = this.byType.get(type) ?? this.open(type);
    if (p.count === 0) this.pending.push(p);
    p.count++;
    const z = p.zeek;
    if (z !== null) {
      // Rows go straight into the formatter's buffer (its own ArrayBuffer, grown as needed).
      const before = z.used;
      z.write(record as Record<string, unknown>);
      this.size += z.used - before;
    } else this.append(p, JSON.stringify(record), true);
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
    this.size += p.used - before;
  }

  /**
   * Appends each type's pending UTF-8 to `out` and its ArrayBuffer to `transfer` (it then
   * belongs to the receiver), and starts new buffers of the same size.
   */
  take(out: RecordBytes, transfer: ArrayBuffer[]): void {
    for (const p of this.pending) {
      const z = p.zeek;
      const b = z !== null ? z.bytes : p.bytes!;
      out.types.push(p.type);
      out.texts.push(new Uint8Array(b.buffer, b.byteOffset, z !== null ? z.used : p.used));
      out.counts.push(p.count);
      transfer.push(b.buffer as ArrayBuffer);
      const fresh = Buffer.allocUnsafeSlow(b.length);
      if (z !== null) z.reset(fresh);
      else {
        p.bytes = fresh;
        p.used = 0;
      }
      p.count = 0;
    }
    this.pending = [];
    this.size = 0;
  }

  private open(type: string): Pending {
    let zeek: ZeekRowFormatter | null = null;
    if (this.format === 'zeek') {
      const fields = zeekFieldsFor(type);
      if (fields === undefined) throw new Error(`No Zeek field list registered for record type "${type}" (see registerZeekFields)`);
      zeek = new ZeekRowFormatter(fields, { bytes: FIRST_BYTES });
    }
    const p = new Pending(type, zeek);
    this.byType.set(type, p);
    return p;
  }
}
