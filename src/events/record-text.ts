// Records as the text of their files, formatted where they are made: a worker thread of
// `palisade analyze --workers N` formats its records into one buffer per record type (NDJSON
// lines, or Zeek log rows) and hands the buffers to the main thread, which only appends them
// to the files (RecordOutput.writeText) and writes the Zeek headers and #close lines itself.
import { zeekFieldsFor, type RecordFormat } from './ndjson.ts';
import { ZeekRowFormatter } from './zeek-tsv.ts';

/** The pending text of one record type. */
class Pending {
  readonly type: string;
  readonly zeek: ZeekRowFormatter | null;
  text = '';
  count = 0;
  constructor(type: string, zeek: ZeekRowFormatter | null) {
    this.type = type;
    this.zeek = zeek;
  }
}

/** What take() hands over: parallel lists, one entry per record type with text pending. */
export interface RecordTexts {
  types: string[];
  texts: string[];
  counts: number[];
}

/**
 * Formats records into one text buffer per record type, exactly as RecordOutput writes them
 * (`JSON.stringify(record)` and a newline; or ZeekRowFormatter's row for the type's
 * registered columns). `chars` says how much is pending; take() hands it over and starts anew.
 */
export class RecordTextBuffer {
  readonly format: RecordFormat;
  /** Characters pending over all types. */
  chars = 0;
  private readonly byType = new Map<string, Pending>();
  /** The types with text pending, in the order their first line came. */
  private pending: Pending[] = [];

  constructor(format: RecordFormat) {
    this.format = format;
  }

  /** Throws Error for a Zeek log whose type has no registered columns (as RecordOutput does). */
  write(type: string, record: object): void {
    const p = this.byType.get(type) ?? this.open(type);
    const line = p.zeek !== null ? p.zeek.row(record as Record<string, unknown>) : JSON.stringify(record) + '\n';
    if (p.count === 0) this.pending.push(p);
    p.text += line;
    p.count++;
    this.chars += line.length;
  }

  /** Appends the pending text to `out` (one entry per type) and empties the buffers. */
  take(out: RecordTexts): void {
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
