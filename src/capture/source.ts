// Capture files on disk: which paths to read, and reading one file into a FrameSink.
//
// readCapture streams a file in fixed-size chunks through the right push parser, so memory does
// not grow with the file; gzip-compressed captures are decompressed as a stream. Frames are
// delivered synchronously as they are parsed; when the file turns out to be damaged, every
// frame before the damage has been delivered and then the PalisadeError is thrown.
import type { BigIntStats, Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInflateRaw, crc32 } from 'node:zlib';
import type { InflateRaw } from 'node:zlib';
import { PalisadeError } from '../core/errors.ts';
import type { FrameSink } from './frame.ts';
import type { CaptureParser } from './parser.ts';
import { PcapParser, isPcapMagic } from './pcap.ts';
import { PcapngParser } from './pcapng.ts';

export type CaptureFormat = 'pcap' | 'pcapng';
export type SniffedFormat = CaptureFormat | 'gzip';

export interface InputFile {
  path: string;
  /** Size on disk in bytes (compressed size for a .gz). */
  size: number;
}

/** What expandInputs found. */
export interface ExpandedInputs {
  /** Files to read, in the order of the arguments: a file argument as given, a directory argument as its captures sorted by path (byte order). */
  files: InputFile[];
  /** Files met while walking directories that are not captures (first bytes are no pcap, pcapng or gzip magic), and special files. */
  skipped: InputFile[];
}

export interface CaptureFileInfo {
  format: CaptureFormat;
  /** The file was gzip-compressed. */
  compressed: boolean;
  frames: number;
  /** Bytes of capture data parsed (after decompression). */
  bytes: number;
  /** Distinct link types of the file's interfaces, in the order first defined. */
  linktypes: number[];
}

export interface ReadCaptureOptions {
  /** Bytes read from disk at a time; default 4 MiB. */
  chunkSize?: number;
  /** Called after every chunk read, with the bytes read from disk so far (compressed bytes for a .gz). */
  onProgress?: (compressedBytesRead: number) => void;
}

export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

const PCAPNG_SHB = [0x0a, 0x0d, 0x0d, 0x0a];
const GZIP_MAGIC = [0x1f, 0x8b];
const PCAP_MAGICS = [
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xcd, 0x34],
  [0x34, 0xcd, 0xb2, 0xa1],
];

/**
 * The format announced by a file's first bytes: 'pcap' or 'pcapng' (4 bytes needed), 'gzip'
 * (2 bytes needed), or undefined when the bytes are none of these or too few.
 */
export function sniffFormat(head: Uint8Array): SniffedFormat | undefined {
  if (head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) return 'gzip';
  if (head.length < 4) return undefined;
  if (startsWith(head, PCAPNG_SHB)) return 'pcapng';
  if (isPcapMagic(head)) return 'pcap';
  return undefined;
}

/** True when the bytes (fewer than a whole magic) could be the start of a capture or gzip magic. */
function isMagicPrefix(head: Uint8Array, gzipAllowed: boolean): boolean {
  if (head.length === 0) return false;
  const magics = gzipAllowed ? [PCAPNG_SHB, GZIP_MAGIC, ...PCAP_MAGICS] : [PCAPNG_SHB, ...PCAP_MAGICS];
  return magics.some((m) => head.length < m.length && startsWith(head, m.slice(0, head.length)));
}

function startsWith(b: Uint8Array, magic: readonly number[]): boolean {
  if (b.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[i] !== magic[i]) return false;
  return true;
}

/**
 * Expands the command line's inputs. A path that is not a directory is kept as given (read
 * errors surface when it is read). A directory is walked recursively (following symbolic
 * links, each directory once) and only files starting with a pcap, pcapng or gzip magic are
 * kept, sorted by path in byte order; the others are returned in `skipped`.
 * Throws E_INPUT_NOT_FOUND, E_INPUT_UNREADABLE, or E_INPUT_EMPTY_DIR for a directory without captures.
 */
export async function expandInputs(paths: string[]): Promise<ExpandedInputs> {
  const files: InputFile[] = [];
  const skipped: InputFile[] = [];
  for (const p of paths) {
    const st = await statInput(p);
    if (!st.isDirectory()) {
      files.push({ path: p, size: st.size });
      continue;
    }
    const found: InputFile[] = [];
    const skippedBefore = skipped.length;
    await walk(p, found, skipped, new Set());
    if (found.length === 0) {
      const n = skipped.length - skippedBefore;
      throw new PalisadeError(
        'E_INPUT_EMPTY_DIR',
        `${p}: no capture files in this directory or below (pcap, pcapng or gzip, recognised by their first bytes); ` +
          `${n} other file${n === 1 ? ' was' : 's were'} skipped. Give the directory that holds the captures, or the capture files themselves.`,
        { file: p },
      );
    }
    files.push(...sortByPath(found));
  }
  return { files, skipped };
}

async function walk(dir: string, found: InputFile[], skipped: InputFile[], seen: Set<string>): Promise<void> {
  const id = await statInput(dir, true);
  const key = `${id.dev}:${id.ino}`;
  if (seen.has(key)) return; // a symbolic link back up the tree
  seen.add(key);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw inputError(dir, e);
  }
  for (const name of names) {
    const p = join(dir, name);
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      // A dangling symbolic link is not a capture; anything else is worth stopping for.
      if (errCode(e) === 'ENOENT') {
        skipped.push({ path: p, size: 0 });
        continue;
      }
      throw inputError(p, e);
    }
    if (st.isDirectory()) {
      await walk(p, found, skipped, seen);
    } else if (st.isFile() && (await looksLikeCapture(p))) {
      found.push({ path: p, size: st.size });
    } else {
      // Not a capture, or a FIFO, socket or device that reading could block on.
      skipped.push({ path: p, size: st.size });
    }
  }
}

async function looksLikeCapture(path: string): Promise<boolean> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r');
    const head = new Uint8Array(4);
    let n = 0;
    while (n < 4) {
      const { bytesRead } = await fh.read(head, n, 4 - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return sniffFormat(head.subarray(0, n)) !== undefined;
  } catch (e) {
    throw inputError(path, e);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

function sortByPath(files: InputFile[]): InputFile[] {
  const keyed = files.map((f) => ({ f, k: Buffer.from(f.path, 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.k, b.k));
  return keyed.map((x) => x.f);
}

async function statInput(p: string, bigint?: false): Promise<Stats>;
async function statInput(p: string, bigint: true): Promise<BigIntStats>;
async function statInput(p: string, bigint = false): Promise<Stats | BigIntStats> {
  try {
    return bigint ? await stat(p, { bigint: true }) : await stat(p);
  } catch (e) {
    throw inputError(p, e);
  }
}

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/** Maps a file-system error to the PalisadeError the user can act on. */
function inputError(path: string, e: unknown): PalisadeError {
  if (e instanceof PalisadeError) return e;
  const code = errCode(e);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new PalisadeError(
      'E_INPUT_NOT_FOUND',
      `${path}: no such file or directory (relative paths start from ${process.cwd()}); check the path.`,
      { file: path, cause: e },
    );
  }
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied; check its permissions or run as a user that may read it'
      : code === 'EISDIR'
        ? 'it is a directory; give it as an input so that it is walked for captures'
        : `${code ?? (e instanceof Error ? e.message : String(e))}; check the file and the disk`;
  return new PalisadeError('E_INPUT_UNREADABLE', `${path}: cannot be read (${why}).`, { file: path, cause: e });
}

/**
 * Feeds the content of a capture (already decompressed) to the parser its first four bytes
 * call for. Synchronous, like the parsers.
 */
class SniffingParser {
  readonly #name: string;
  readonly #compressed: boolean;
  readonly #head = new Uint8Array(4);
  #headLen = 0;
  parser: CaptureParser | undefined = undefined;

  constructor(name: string, compressed: boolean) {
    this.#name = name;
    this.#compressed = compressed;
  }

  push(chunk: Uint8Array, sink: FrameSink): void {
    if (this.parser !== undefined) {
      this.parser.push(chunk, sink);
      return;
    }
    const take = Math.min(4 - this.#headLen, chunk.length);
    this.#head.set(chunk.subarray(0, take), this.#headLen);
    this.#headLen += take;
    if (this.#headLen < 4) return;
    const parser = this.#make();
    this.parser = parser;
    parser.push(this.#head, sink);
    if (take < chunk.length) parser.push(chunk.subarray(take), sink);
  }

  /** End of input; returns the parser that read the content. */
  finish(): CaptureParser {
    if (this.parser !== undefined) {
      this.parser.finish();
      return this.parser;
    }
    const head = this.#head.subarray(0, this.#headLen);
    if (isMagicPrefix(head, !this.#compressed)) {
      throw new PalisadeError(
        'E_TRUNCATED',
        `${this.#name}: truncated at byte 0 (${this.#headLen} bytes, fewer than a file header); no packets were read. ` +
          'The file was probably copied while still being written; re-copy it.',
        { file: this.#name, offset: 0 },
      );
    }
    throw this.#badMagic(head);
  }

  get offset(): number {
    return this.parser?.offset ?? this.#headLen;
  }

  #make(): CaptureParser {
    const format = sniffFormat(this.#head);
    if (format === 'pcap') return new PcapParser({ name: this.#name });
    if (format === 'pcapng') return new PcapngParser({ name: this.#name });
    throw this.#badMagic(this.#head);
  }

  #badMagic(head: Uint8Array): PalisadeError {
    const where = this.#compressed ? 'the decompressed content' : 'the file';
    let what: string;
    if (head.length === 0) what = `${where} is empty`;
    else if (this.#compressed && sniffFormat(head) === 'gzip') what = `${where} is gzip-compressed again`;
    else what = `${where} starts with 0x${Buffer.from(head).toString('hex')} at byte 0, not a pcap, pcapng or gzip magic`;
    return new PalisadeError(
      'E_BAD_MAGIC',
      `${this.#name}: not a capture file (${what}). ` +
        'Give a .pcap, .pcapng or gzip-compressed capture; convert other capture formats with `editcap -F pcapng <in> <out>`.',
      { file: this.#name, offset: 0 },
    );
  }
}

/**
 * Reads one capture file (pcap, pcapng, either gzip-compressed) into `sink`. On damage, every
 * frame before it has been delivered and a PalisadeError (E_TRUNCATED, E_CORRUPT_RECORD, E_GZIP…)
 * is thrown; on an unreadable input E_INPUT_NOT_FOUND, E_INPUT_UNREADABLE or E_BAD_MAGIC.
 * Offsets in errors are in the decompressed data, except for E_GZIP which gives the compressed offset.
 */
export async function readCapture(path: string, sink: FrameSink, opts: ReadCaptureOptions = {}): Promise<CaptureFileInfo> {
  const chunkSize =
    opts.chunkSize !== undefined && Number.isFinite(opts.chunkSize) && opts.chunkSize >= 1
      ? Math.floor(opts.chunkSize)
      : DEFAULT_CHUNK_SIZE;
  const onProgress = opts.onProgress;
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw inputError(path, e);
  }
  try {
    // Sniff with sequential reads so that a pipe given as input works too.
    const head = new Uint8Array(4);
    let headLen = 0;
    while (headLen < 4) {
      const n = await readSome(fh, path, head, headLen, 4 - headLen);
      if (n === 0) break;
      headLen += n;
    }
    let fileRead = headLen;
    onProgress?.(fileRead);
    const compressed = headLen >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
    const content = new SniffingParser(path, compressed);

    if (!compressed) {
      content.push(head.subarray(0, headLen), sink);
      // Two buffers, taking turns: the next chunk is read (on libuv's thread pool) while this
      // one is parsed, so the parser never waits for the disk or the page cache. On plant-mix
      // one buffer left the thread waiting ~0.1-0.4 s per run. The parsers copy whatever they
      // keep across pushes, so a buffer can be read into again once its push has returned.
      const bufs = [new Uint8Array(chunkSize), new Uint8Array(chunkSize)];
      let cur = 0;
      let next = readAhead(fh, path, bufs[0], chunkSize);
      for (;;) {
        const n = await next;
        if (n === 0) break;
        const buf = bufs[cur];
        cur ^= 1;
        next = readAhead(fh, path, bufs[cur], chunkSize);
        fileRead += n;
        content.push(buf.subarray(0, n), sink);
        onProgress?.(fileRead);
      }
    } else {
      const gz = new GzipReader(path, (d) => content.push(d, sink), () => content.parser?.frames ?? 0);
      await gz.write(head.subarray(0, headLen));
      // One buffer for the whole file: a write to the inflater completes before the next read.
      const buf = new Uint8Array(chunkSize);
      for (;;) {
        const n = await readSome(fh, path, buf, 0, chunkSize);
        if (n === 0) break;
        fileRead += n;
        await gz.write(buf.subarray(0, n));
        onProgress?.(fileRead);
      }
      await gz.end();
    }
    const parser = content.finish();
    return {
      format: parser.format as CaptureFormat,
      compressed,
      frames: parser.frames,
      bytes: parser.offset,
      linktypes: [...new Set(parser.linktypes)],
    };
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * A read started now and awaited later. If the caller stops first (a parser error), nothing
 * awaits it: its failure is then not reported as an unhandled rejection (the caller's error
 * is the one that counts), and closing the file waits for it to finish.
 */
function readAhead(fh: FileHandle, path: string, buf: Uint8Array, n: number): Promise<number> {
  const p = readSome(fh, path, buf, 0, n);
  p.catch(() => undefined);
  return p;
}

async function readSome(fh: FileHandle, path: string, buf: Uint8Array, at: number, n: number): Promise<number> {
  try {
    const { bytesRead } = await fh.read(buf, at, n, null);
    return bytesRead;
  } catch (e) {
    throw inputError(path, e);
  }
}

// ---- gzip ------------------------------------------------------------------------------------

/** Decompressed data comes out of zlib in pieces of this size. */
const INFLATE_CHUNK = 256 * 1024;

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const FRESERVED = 0xe0;

// Where the reader is in the gzip stream (RFC 1952).
const G_HEADER = 0; // the 10 fixed header bytes
const G_XLEN = 1; // FEXTRA length
const G_EXTRA = 2; // FEXTRA data
const G_NAME = 3; // FNAME, zero-terminated
const G_COMMENT = 4; // FCOMMENT, zero-terminated
const G_HCRC = 5; // header CRC-16
const G_BODY = 6; // deflate data, through zlib
const G_TRAILER = 7; // CRC-32 and size of the member
const G_BETWEEN = 8; // after a member: another member, or the end
const G_IGNORE = 9; // trailing bytes that are not a member: ignored, as gzip does

/**
 * Decompresses a gzip file as a stream. The gzip framing (headers, trailers, several members) is
 * done here and only the deflate data goes through zlib's raw inflater, because zlib's gunzip
 * drops the output of any write that fails: a bad CRC or trailing garbage would cost the last
 * frames, which must be delivered before the error. This also gives exact compressed offsets in
 * errors and lets trailing garbage after the last member be ignored, as `gzip -d` does.
 */
class GzipReader {
  readonly #path: string;
  readonly #onData: (d: Uint8Array) => void;
  readonly #frames: () => number;
  #state = G_HEADER;
  /** Compressed offset of the first byte of the chunk being written. */
  #base = 0;
  /** Fixed-size fields (header, XLEN, HCRC, trailer, the magic of a following member) collect here. */
  readonly #small = new Uint8Array(10);
  #smallLen = 0;
  #flags = 0;
  #skip = 0;
  #memberStart = 0;
  #inflater: InflateRaw | undefined = undefined;
  #bodyStart = 0;
  /** Bytes written to the current inflater. */
  #written = 0;
  #crc = 0;
  #size = 0;
  #ended = false;
  #onEnd: (() => void) | undefined = undefined;
  /** The promise being awaited on the inflater (a write, or its end), to reject on failure. */
  #pending: ((e: unknown) => void) | undefined = undefined;
  /** An error from zlib, or from the parser while it was fed (kept to be rethrown as is). */
  #zlibError: unknown = undefined;
  #failure: unknown = undefined;

  constructor(path: string, onData: (d: Uint8Array) => void, frames: () => number) {
    this.#path = path;
    this.#onData = onData;
    this.#frames = frames;
  }

  async write(chunk: Uint8Array): Promise<void> {
    let p = 0;
    const len = chunk.length;
    while (p < len) {
      switch (this.#state) {
        case G_HEADER: {
          p = this.#collect(chunk, p, 10);
          if (this.#smallLen < 10) break;
          const h = this.#small;
          if (h[0] !== 0x1f || h[1] !== 0x8b) throw this.#error(this.#memberStart, 'not a gzip member header');
          if (h[2] !== 8) throw this.#error(this.#memberStart + 2, `unknown compression method ${h[2]}`);
          if ((h[3] & FRESERVED) !== 0) throw this.#error(this.#memberStart + 3, `reserved header flags 0x${h[3].toString(16)} set`);
          this.#flags = h[3];
          this.#smallLen = 0;
          this.#nextHeaderField(G_HEADER);
          break;
        }
        case G_XLEN:
          p = this.#collect(chunk, p, 2);
          if (this.#smallLen < 2) break;
          this.#skip = this.#small[0] | (this.#small[1] << 8);
          this.#smallLen = 0;
          this.#state = G_EXTRA;
          break;
        case G_EXTRA:
        case G_HCRC: {
          const n = Math.min(this.#skip, len - p);
          p += n;
          this.#skip -= n;
          if (this.#skip === 0) this.#nextHeaderField(this.#state);
          break;
        }
        case G_NAME:
        case G_COMMENT: {
          const z = chunk.indexOf(0, p);
          if (z < 0) {
            p = len;
            break;
          }
          p = z + 1;
          this.#nextHeaderField(this.#state);
          break;
        }
        case G_BODY:
          p = await this.#body(chunk, p);
          break;
        case G_TRAILER: {
          p = this.#collect(chunk, p, 8);
          if (this.#smallLen < 8) break;
          const v = new DataView(this.#small.buffer);
          const crc = v.getUint32(0, true);
          const size = v.getUint32(4, true);
          const at = this.#base + p - 8;
          if (crc !== this.#crc) {
            throw this.#error(at, `CRC-32 of the data is ${hex32(this.#crc)}, the trailer says ${hex32(crc)}`);
          }
          if (size !== this.#size) throw this.#error(at + 4, `${this.#size} bytes decompressed (mod 2^32), the trailer says ${size}`);
          this.#smallLen = 0;
          this.#state = G_BETWEEN;
          break;
        }
        case G_BETWEEN:
          p = this.#collect(chunk, p, 2);
          if (this.#smallLen < 2) break;
          if (this.#small[0] === 0x1f && this.#small[1] === 0x8b) {
            // Another member (concatenated .gz files); its magic is already collected.
            this.#memberStart = this.#base + p - 2;
            this.#state = G_HEADER;
          } else {
            this.#state = G_IGNORE;
          }
          break;
        default:
          p = len;
      }
    }
    this.#base += len;
  }

  /** End of the compressed input: throws E_GZIP when it stops inside a member. */
  async end(): Promise<void> {
    const inflater = this.#inflater;
    if (this.#state === G_BODY && inflater !== undefined) {
      // Let zlib say whether the deflate data was complete; either way the trailer is missing.
      try {
        await this.#until((resolve) => {
          if (this.#ended) return resolve();
          this.#onEnd = resolve;
          inflater.end();
        });
      } catch (e) {
        if (this.#failure !== undefined) throw this.#failure;
        throw this.#error(this.#bodyStart + inflater.bytesWritten, `${zlibMessage(e)}: the file ends inside the compressed data`);
      }
    }
    if (this.#state !== G_BETWEEN && this.#state !== G_IGNORE) {
      throw this.#error(this.#base, 'the file ends inside a gzip member; it is truncated');
    }
  }

  /** Copies up to `want` bytes into #small; returns the new position. */
  #collect(chunk: Uint8Array, p: number, want: number): number {
    const n = Math.min(want - this.#smallLen, chunk.length - p);
    this.#small.set(chunk.subarray(p, p + n), this.#smallLen);
    this.#smallLen += n;
    return p + n;
  }

  /** Moves to the header field after `done`, skipping those the flags leave out. */
  #nextHeaderField(done: number): void {
    const f = this.#flags;
    if (done < G_XLEN && f & FEXTRA) this.#state = G_XLEN;
    else if (done < G_NAME && f & FNAME) this.#state = G_NAME;
    else if (done < G_COMMENT && f & FCOMMENT) this.#state = G_COMMENT;
    else if (done < G_HCRC && f & FHCRC) {
      this.#state = G_HCRC;
      this.#skip = 2;
    } else {
      this.#state = G_BODY;
    }
  }

  /** Feeds chunk[p..] to the inflater; returns where the deflate data ended, or chunk.length. */
  async #body(chunk: Uint8Array, p: number): Promise<number> {
    let inflater = this.#inflater;
    if (inflater === undefined) inflater = this.#startInflater(this.#base + p);
    const piece = chunk.subarray(p);
    this.#written += piece.length;
    try {
      await this.#until((resolve) => inflater.write(piece, (e) => (e ? this.#pending?.(e) : resolve())));
      // The raw inflater stops consuming at the end of the deflate data; wait until it has emitted all of it.
      if (inflater.bytesWritten < this.#written) {
        await this.#until((resolve) => {
          if (this.#ended) return resolve();
          this.#onEnd = resolve;
        });
      }
    } catch (e) {
      if (this.#failure !== undefined) throw this.#failure;
      throw this.#error(this.#bodyStart + inflater.bytesWritten, `${zlibMessage(e)} in the compressed data`);
    }
    if (inflater.bytesWritten === this.#written) return chunk.length;
    // Member data done: the rest of the piece starts the trailer.
    const used = piece.length - (this.#written - inflater.bytesWritten);
    inflater.destroy();
    this.#inflater = undefined;
    this.#state = G_TRAILER;
    this.#smallLen = 0;
    return p + used;
  }

  #startInflater(at: number): InflateRaw {
    const inflater = createInflateRaw({ chunkSize: INFLATE_CHUNK });
    this.#inflater = inflater;
    this.#bodyStart = at;
    this.#written = 0;
    this.#crc = 0;
    this.#size = 0;
    this.#ended = false;
    this.#onEnd = undefined;
    this.#zlibError = undefined;
    inflater.on('data', (d: Buffer) => {
      if (this.#failure !== undefined) return;
      try {
        this.#crc = crc32(d, this.#crc);
        this.#size = (this.#size + d.length) % 4294967296;
        this.#onData(d);
      } catch (e) {
        // A parser error (damaged capture) is not a zlib error: keep it as is and stop inflating.
        this.#failure = e;
        inflater.destroy();
        this.#pending?.(e);
      }
    });
    inflater.on('end', () => {
      this.#ended = true;
      this.#onEnd?.();
    });
    inflater.on('error', (e) => {
      this.#zlibError = e;
      this.#pending?.(e);
    });
    return inflater;
  }

  /** Runs `start` and waits until it resolves, or until the inflater or the parser fails. */
  #until(start: (resolve: () => void) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const failed = this.#failure ?? this.#zlibError;
      if (failed !== undefined) return reject(failed);
      this.#pending = reject;
      start(resolve);
    }).finally(() => {
      this.#pending = undefined;
      this.#onEnd = undefined;
    });
  }

  #error(at: number, what: string): PalisadeError {
    return new PalisadeError(
      'E_GZIP',
      `${this.#path}: gzip stream is corrupt at compressed byte ${at} (${what}); the ${this.#frames()} packets before it were analysed. ` +
        'Re-copy the file; `gzip -t` checks it, and `gzip -dc` recovers what precedes the damage.',
      { file: this.#path, offset: at },
    );
  }
}

function zlibMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
