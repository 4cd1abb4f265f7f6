// Record output: one file per record type in an output directory, as NDJSON (one JSON
// object per line, `conn.ndjson`) or as Zeek ASCII logs (`conn.log`). Files are created
// when the first record of their type arrives, so a run leaves exactly one file per record
// type it produced. Text is joined into ~256 KiB strings before each synchronous write
// (small enough that the buffers of some forty record files hold little heap): at 100k
// records/s that is some tens of writes a second, and an I/O error surfaces at the call that
// caused it, as PalisadeError E_OUTPUT naming the file.

import { closeSync, lstatSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PalisadeError } from '../core/errors.ts';
import { ZeekTsvWriter, type ZeekField, type ZeekTsvOptions } from './zeek-tsv.ts';
import { CONN_ZEEK_FIELDS } from './conn-fields.ts';

/** Bytes of lines an NdjsonWriter buffers before it writes them (and the size of the buffers it asks a tap for). */
export const FLUSH_CHARS = 1 << 18;

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function outputError(path: string, doing: string, err: unknown): PalisadeError {
  const code = errnoCode(err);
  let advice: string;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      advice = 'Free disk space or write to another directory';
      break;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      advice = 'Check that the output directory is writable, or choose another one';
      break;
    case 'ENOENT':
    case 'ENOTDIR':
      advice = 'Check that the output directory exists and is a directory';
      break;
    case 'EISDIR':
      advice = 'Remove or rename the directory in the way, or choose another output directory';
      break;
    default:
      advice = 'Check the output directory and the disk, then run again';
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new PalisadeError('E_OUTPUT', `Cannot ${doing} ${path}: ${reason}. ${advice}.`, { file: path, cause: err });
}

/** A file written with synchronous calls; opened explicitly, so creation time is chosen. */
class FileSink {
  readonly path: string;
  private fd: number;

  constructor(path: string) {
    this.path = path;
    this.fd = -1;
  }

  get isOpen(): boolean {
    return this.fd >= 0;
  }

  open(): void {
    if (this.fd >= 0) return;
    // A regular file of an earlier run is removed rather than truncated: ext4 writes the new
    // data of a file truncated to nothing out when it is closed (its auto_da_alloc), which
    // made a run into the directory of an earlier one wait for the disk at the end. Anything
    // else there (a symbolic link, a FIFO, a device) is opened as it is.
    try {
      if (lstatSync(this.path).isFile()) unlinkSync(this.path);
    } catch {
      // Nothing there, or not ours to remove: opening it says what is wrong.
    }
    try {
      this.fd = openSync(this.path, 'w');
    } catch (err) {
      throw outputError(this.path, 'create', err);
    }
  }

  /** Text is written as UTF-8; bytes (UTF-8 text encoded elsewhere, a worker's) as they are. */
  write(s: string | Uint8Array): void {
    if (s.length === 0) return;
    this.open();
    const buf = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    let off = 0;
    try {
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (err) {
      throw outputError(this.path, 'write to', err);
    }
  }

  close(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      closeSync(fd);
    } catch (err) {
      throw outputError(this.path, 'close', err);
    }
  }
}

/** Where a tapped NdjsonWriter's buffers come from and go (see RecordTap). */
export interface WriterTap {
  /** A buffer of `size` bytes whose ArrayBuffer holds nothing else. */
  buffer(size: number): Buffer;
  /** A buffer of whole lines, written: it is the tap's now. */
  lines(bytes: Uint8Array): void;
}

/**
 * Writes records as NDJSON to one file. The file is created by the first `write`;
 * lines are encoded into a ~256 KiB byte buffer as they come (one UTF-8 encoding of each
 * line, no joined string to flatten and encode again) and written when it is full.
 * Records must be JSON-serialisable (no bigint); undefined fields are left out, as unset
 * fields are in Zeek's JSON logs. With a `tap`, each buffer of lines this writer formatted
 * goes to the tap once written (and a new buffer is used): text written with writeText (a
 * worker's) does not.
 */
export class NdjsonWriter {
  readonly path: string;
  /** Records written so far. */
  records: number;
  private readonly sink: FileSink;
  private bytes: Buffer;
  private used: number;
  private closed: boolean;
  private readonly tap: WriterTap | null;

  /**
   * `tap`: given each buffer of whole lines after it was written to the file; the buffer is
   * the tap's (its ArrayBuffer holds nothing else, so it can be transferred).
   */
  constructor(path: string, opts: { flushChars?: number; tap?: WriterTap } = {}) {
    this.path = path;
    this.records = 0;
    this.sink = new FileSink(path);
    this.tap = opts.tap ?? null;
    this.bytes = this.newBuffer(Math.max(64, opts.flushChars ?? FLUSH_CHARS));
    this.used = 0;
    this.closed = false;
  }

  /** A tapped writer's buffers come from the tap: each is handed over whole. */
  private newBuffer(size: number): Buffer {
    return this.tap !== null ? this.tap.buffer(size) : Buffer.allocUnsafe(size);
  }

  /** Throws PalisadeError E_OUTPUT when the file cannot be created or written. */
  write(record: object): void {
    if (this.closed) throw new Error(`NDJSON output ${this.path} is closed`);
    if (!this.sink.isOpen) this.sink.open();
    this.append(JSON.stringify(record), true);
    this.records++;
  }

  /**
   * Lines formatted elsewhere (a worker thread's, see RecordTextBuffer): `text` holds
   * `records` whole lines, as a string or as UTF-8 bytes (written at once, after what is buffered).
   */
  writeText(text: string | Uint8Array, records: number): void {
    if (this.closed) throw new Error(`NDJSON output ${this.path} is closed`);
    if (!this.sink.isOpen) this.sink.open();
    this.records += records;
    if (typeof text !== 'string') {
      this.flush();
      this.sink.write(text);
      return;
    }
    if (this.tap !== null) {
      // Kept out of the tapped buffers: the tap sees this writer's own records only.
      this.flush();
      this.sink.write(text);
      return;
    }
    this.append(text, false);
  }

  /** Encodes `s` (and a newline) after the buffered bytes; writes the buffer first when `s` might not fit. */
  private append(s: string, newline: boolean): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    const most = s.length * 3 + 1;
    if (this.used + most > this.bytes.length) {
      // A tapped writer's flush hands its buffer over and takes a new one.
      this.flush();
      if (most > this.bytes.length) {
        const line = newline ? s + '\n' : s;
        if (this.tap === null) this.sink.write(line);
        else {
          const own = Buffer.allocUnsafeSlow(Buffer.byteLength(line));
          own.write(line);
          this.sink.write(own);
          this.tap.lines(own);
        }
        return;
      }
    }
    const b = this.bytes;
    this.used += b.write(s, this.used);
    if (newline) b[this.used++] = 0x0a;
  }

  /** Writes buffered lines to the file. */
  flush(): void {
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    const b = this.bytes;
    this.sink.write(b.subarray(0, n));
    if (this.tap !== null) {
      this.bytes = this.newBuffer(b.length);
      this.tap.lines(b.subarray(0, n));
    }
  }

  /** Flushes and closes the file (if one was created). Rejects with PalisadeError E_OUTPUT. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.flush();
    } finally {
      this.sink.close();
    }
  }
}

// ---- Zeek field lists per record type -------------------------------------------------

const zeekFieldRegistry = new Map<string, readonly ZeekField[]>();

function sameFields(a: readonly ZeekField[], b: readonly ZeekField[]): boolean {
  return a.length === b.length && a.every((f, i) => f.name === b[i].name && f.type === b[i].type);
}

/**
 * Declares the Zeek log columns of a record type (done once, where the record schema is
 * defined). Registering a different list for a type that already has one throws: two
 * schemas must not claim one record type.
 */
export function registerZeekFields(type: string, fields: readonly ZeekField[]): void {
  const known = zeekFieldRegistry.get(type);
  if (known !== undefined && !sameFields(known, fields)) {
    throw new Error(`Record type "${type}" already has a different Zeek field list`);
  }
  zeekFieldRegistry.set(type, fields);
}

/** The Zeek columns registered for a record type, if any. */
export function zeekFieldsFor(type: string): readonly ZeekField[] | undefined {
  return zeekFieldRegistry.get(type);
}

registerZeekFields('conn', CONN_ZEEK_FIELDS);

// ---- One output directory -------------------------------------------------------------

export type RecordFormat = 'ndjson' | 'zeek';

export interface RecordOutputOptions {
  /** 'ndjson' (default): DIR/<type>.ndjson. 'zeek': DIR/<type>.log in Zeek's ASCII format. */
  format?: RecordFormat;
  /** Options for Zeek logs (clock and time zone of #open/#close, buffer size). */
  zeek?: ZeekTsvOptions;
  /** NDJSON only: receives the lines of the record types it wants as they are written. */
  tap?: RecordTap;
}

/**
 * Receives the NDJSON lines written through `RecordOutput.write` (not writeText: a worker
 * thread's), for the record types it wants: the asset inventory's thread reads them.
 */
export interface RecordTap {
  /** Asked once per type, when its file is opened. */
  wants(type: string): boolean;
  /** Whole lines of `type`, just written to its file, as UTF-8 in an ArrayBuffer the tap may keep (transfer). */
  lines(type: string, bytes: Uint8Array): void;
  /** A buffer of `size` bytes for lines, whose ArrayBuffer holds nothing else (one the tap had, or a new one). */
  buffer(size: number): Buffer;
}

/** A record type becomes a file name, so it must be a plain name. */
const TYPE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

interface ZeekLog {
  readonly writer: ZeekTsvWriter;
  readonly sink: FileSink;
}

/**
 * Routes records to one file per record type in `dir`: `write('conn', r)` appends to
 * `dir/conn.ndjson`, or `dir/conn.log` with format 'zeek' (which needs the type's columns,
 * see {@link registerZeekFields}). The directory and each file are created when the first
 * record arrives.
 */
export class RecordOutput {
  readonly dir: string;
  readonly format: RecordFormat;
  private readonly zeekOptions: ZeekTsvOptions;
  private readonly tap: RecordTap | null;
  private readonly ndjson: Map<string, NdjsonWriter>;
  private readonly zeek: Map<string, ZeekLog>;
  private dirReady: boolean;
  private closed: boolean;

  constructor(dir: string, opts: RecordOutputOptions = {}) {
    this.dir = dir;
    this.format = opts.format ?? 'ndjson';
    this.zeekOptions = opts.zeek ?? {};
    this.tap = opts.tap ?? null;
    if (this.tap !== null && this.format !== 'ndjson') throw new Error('RecordOutput: a tap reads NDJSON lines only');
    this.ndjson = new Map();
    this.zeek = new Map();
    this.dirReady = false;
    this.closed = false;
  }

  /** Throws PalisadeError E_OUTPUT on I/O errors; Error for an unknown or invalid type. */
  write(type: string, record: object): void {
    if (this.format === 'zeek') {
      const log = this.zeek.get(type) ?? this.openZeek(type);
      log.writer.write(record as Record<string, unknown>);
    } else {
      const w = this.ndjson.get(type) ?? this.openNdjson(type);
      w.write(record);
    }
  }

  /**
   * Appends records formatted elsewhere (a worker's RecordTextBuffer, in this output's
   * format): `text` holds `records` whole lines or rows of `type`, as a string or UTF-8 bytes.
   */
  writeText(type: string, text: string | Uint8Array, records: number): void {
    if (this.closed) throw new Error(`Record output ${this.dir} is closed`);
    if (this.format === 'zeek') {
      const log = this.zeek.get(type) ?? this.openZeek(type);
      // After the header and the rows buffered so far.
      log.writer.writeRows(text, records);
    } else {
      const w = this.ndjson.get(type) ?? this.openNdjson(type);
      w.writeText(text, records);
    }
  }

  /** Writes out everything buffered so far (live capture calls it periodically). */
  flush(): void {
    for (const w of this.ndjson.values()) w.flush();
    for (const { writer } of this.zeek.values()) writer.flush();
  }

  /** Paths of the files created so far, in creation order. */
  files(): string[] {
    const out: string[] = [];
    for (const w of this.ndjson.values()) out.push(w.path);
    for (const l of this.zeek.values()) out.push(l.sink.path);
    return out;
  }

  /** Flushes and closes every file; rejects with the first error after trying them all. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let first: unknown = undefined;
    for (const w of this.ndjson.values()) {
      try {
        await w.close();
      } catch (err) {
        first ??= err;
      }
    }
    for (const { writer, sink } of this.zeek.values()) {
      try {
        try {
          writer.close();
        } finally {
          sink.close();
        }
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  }

  private pathFor(type: string, ext: string): string {
    if (this.closed) throw new Error(`Record output ${this.dir} is closed`);
    if (!TYPE_NAME.test(type)) throw new Error(`Invalid record type name "${type}"`);
    if (!this.dirReady) {
      try {
        mkdirSync(this.dir, { recursive: true });
      } catch (err) {
        throw outputError(this.dir, 'create the output directory', err);
      }
      this.dirReady = true;
    }
    return join(this.dir, type + ext);
  }

  private openNdjson(type: string): NdjsonWriter {
    const tap = this.tap;
    const w = new NdjsonWriter(this.pathFor(type, '.ndjson'), tap !== null && tap.wants(type) ? { tap: { buffer: (n) => tap.buffer(n), lines: (b) => tap.lines(type, b) } } : {});
    this.ndjson.set(type, w);
    return w;
  }

  private openZeek(type: string): ZeekLog {
    const fields = zeekFieldRegistry.get(type);
    if (fields === undefined) {
      throw new Error(`No Zeek field list registered for record type "${type}" (see registerZeekFields)`);
    }
    const sink = new FileSink(this.pathFor(type, '.log'));
    sink.open();
    const log = { writer: new ZeekTsvWriter(sink, type, fields, this.zeekOptions), sink };
    this.zeek.set(type, log);
    return log;
  }
}
