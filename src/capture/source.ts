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
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
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
  /** Files to read, in order: each path as given, then each directory's captures sorted by path (byte order). */
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

/** Decompressed chunks come out of zlib in pieces of this size. */
const GUNZIP_CHUNK = 256 * 1024;

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

  finish(): void {
    if (this.parser !== undefined) {
      this.parser.finish();
      return;
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
      // One buffer for the whole file: the parsers copy whatever they keep across pushes.
      const buf = new Uint8Array(chunkSize);
      for (;;) {
        const n = await readSome(fh, path, buf, 0, chunkSize);
        if (n === 0) break;
        fileRead += n;
        content.push(buf.subarray(0, n), sink);
        onProgress?.(fileRead);
      }
    } else {
      const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
      const file = fh;
      const source = async function* (): AsyncGenerator<Uint8Array> {
        yield head.slice(0, headLen);
        for (;;) {
          // A fresh buffer per chunk: zlib may still hold the previous one.
          const buf = new Uint8Array(chunkSize);
          const n = await readSome(file, path, buf, 0, chunkSize);
          if (n === 0) return;
          fileRead += n;
          onProgress?.(fileRead);
          yield buf.subarray(0, n);
        }
      };
      try {
        await pipeline(source, gunzip, async (decompressed: AsyncIterable<Uint8Array>) => {
          for await (const d of decompressed) content.push(d, sink);
        });
      } catch (e) {
        if (e instanceof PalisadeError) throw e;
        throw gzipError(path, e, gunzip.bytesWritten, content.offset, content.parser?.frames ?? 0);
      }
    }
    content.finish();
    const parser = content.parser;
    if (parser === undefined) throw new Error('unreachable: finish() throws when no parser was made');
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

async function readSome(fh: FileHandle, path: string, buf: Uint8Array, at: number, n: number): Promise<number> {
  try {
    const { bytesRead } = await fh.read(buf, at, n, null);
    return bytesRead;
  } catch (e) {
    throw inputError(path, e);
  }
}

function gzipError(path: string, e: unknown, compressedAt: number, decompressedAt: number, frames: number): PalisadeError {
  const code = errCode(e);
  if (code === undefined || !code.startsWith('Z_')) return inputError(path, e);
  const why = e instanceof Error ? e.message : String(e);
  return new PalisadeError(
    'E_GZIP',
    `${path}: gzip stream is corrupt at or before compressed byte ${compressedAt} (${why}), after ${decompressedAt} decompressed bytes; ` +
      `the ${frames} packets before it were analysed. Re-copy the file, or recover what precedes the damage with \`gzip -dc\` and read that.`,
    { file: path, offset: compressedAt, cause: e },
  );
}
