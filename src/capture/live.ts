// Live capture: tcpdump is the packet source. Palisade opens no interface itself (no native
// addon): it runs tcpdump with `-w -` and reads the pcap byte stream from its stdout.
//
// This module holds what does not depend on who consumes the frames:
// - findTcpdump / tcpdumpArgs: which binary, which arguments;
// - TcpdumpStderr: reads tcpdump's stderr: the "listening on" line and the drop counts;
// - PcapRotator: writes the raw stream into rotating pcap files, keeping the newest K;
// - PcapStream: stream bytes → PcapParser → frames, and complete records → PcapRotator;
// - LiveCapture: runs tcpdump, tells the user why it could not start, stops it cleanly.
//
// It imports only core/ and capture/: the pipeline is handed in as a FrameSink.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants as fsConstants, mkdirSync, openSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PalisadeError, isPalisadeError } from '../core/errors.ts';
import type { FrameSink, RawFrame } from './frame.ts';
import { PcapParser } from './pcap.ts';

/** tcpdump's default and largest snap length (MAXIMUM_SNAPLEN in tcpdump and libpcap). */
export const TCPDUMP_MAX_SNAPLEN = 262144;
/** A classic pcap file starts with a 24-byte header; tcpdump -w writes exactly one. */
export const PCAP_FILE_HEADER_LEN = 24;
const EMPTY = new Uint8Array(0);

// ---- tcpdump's stderr ------------------------------------------------------------------

/**
 * Packet counts tcpdump prints (libpcap's pcap_stats). On Linux they count from the start of
 * the capture; "received by filter" includes packets still queued in the kernel buffer.
 */
export interface TcpdumpStats {
  /** Packets tcpdump handed to its output ("packets captured"); null if the line was missing. */
  captured: number | null;
  /** Packets that matched the filter (ps_recv). */
  receivedByFilter: number;
  /** Packets the kernel dropped because the capture buffer was full (ps_drop). */
  droppedByKernel: number;
  /** Packets the interface or driver dropped (ps_ifdrop); tcpdump prints it only when non-zero, null otherwise. */
  droppedByInterface: number | null;
}

const STAT_ITEM = /^(\d+) packets? (captured|received by filter|dropped by kernel|dropped by interface)$/;
/** tcpdump prefixes its messages with its program name (basename of argv[0]). */
const PROGRAM_PREFIX = /^[^\s:]+: /;
const RECENT_LINES = 40;

interface PartialStats {
  captured: number | null;
  receivedByFilter: number | null;
  droppedByKernel: number | null;
  droppedByInterface: number | null;
}

/**
 * Reads tcpdump's stderr as it arrives. The drop counts come in two forms (tcpdump.c, info()):
 *
 * - at exit, one item per line:
 *     `12 packets captured` / `24 packets received by filter` / `0 packets dropped by kernel`
 *     [/ `3 packets dropped by interface`]
 * - on SIGUSR1 (Linux; SIGINFO on BSD), one line, prefixed with the program name:
 *     `tcpdump: 12 packets captured, 24 packets received by filter, 0 packets dropped by kernel[, 3 packets dropped by interface]`
 *
 * "packet" is singular for 1. The "dropped by interface" item is printed only when non-zero.
 * A report is complete once "received by filter" and "dropped by kernel" are known; in the
 * multi-line form it is published when the next line (or the end) shows no interface item follows.
 * Every other line is kept (the last 40) for error messages.
 */
export class TcpdumpStderr {
  /** The newest complete report, or null before tcpdump printed one. */
  stats: TcpdumpStats | null = null;
  /** Reports seen so far. */
  reports = 0;
  /** tcpdump printed "listening on …": the interface is open and the filter set. */
  listening = false;
  /** That line, without the program name. */
  listeningLine = '';
  /** Called with each complete report. */
  onReport: ((s: TcpdumpStats) => void) | null = null;
  /** Called once, when the "listening on" line arrives. */
  onListening: (() => void) | null = null;
  private readonly recent: string[] = [];
  private partial = '';
  private cur: PartialStats | null = null;

  /** Feeds the next piece of stderr text (any split). */
  push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const l of parts) this.line(l.endsWith('\r') ? l.slice(0, -1) : l);
  }

  /** End of stderr: handles a last line without newline and publishes a pending report. */
  end(): void {
    if (this.partial.length > 0) {
      const l = this.partial;
      this.partial = '';
      this.line(l);
    }
    this.publishIfComplete();
  }

  /** The last lines that were not drop counts (warnings, errors), oldest first. */
  messages(): string[] {
    return [...this.recent];
  }

  private line(line: string): void {
    const items = parseStatItems(line);
    if (items === null) {
      this.publishIfComplete();
      const body = line.replace(PROGRAM_PREFIX, '');
      if (!this.listening && body.startsWith('listening on ')) {
        this.listening = true;
        this.listeningLine = body;
        this.onListening?.();
      }
      if (line.trim().length > 0) {
        this.recent.push(line);
        if (this.recent.length > RECENT_LINES) this.recent.shift();
      }
      return;
    }
    for (const [n, kind] of items) {
      if (kind === 'captured' || this.cur === null) {
        this.publishIfComplete();
        this.cur = { captured: null, receivedByFilter: null, droppedByKernel: null, droppedByInterface: null };
      }
      const c = this.cur;
      if (kind === 'captured') c.captured = n;
      else if (kind === 'received by filter') c.receivedByFilter = n;
      else if (kind === 'dropped by kernel') c.droppedByKernel = n;
      else c.droppedByInterface = n;
    }
    // The one-line form is whole; the multi-line form is whole once its optional last item came.
    if (items.length > 1 || items[items.length - 1][1] === 'dropped by interface') this.publishIfComplete();
  }

  private publishIfComplete(): void {
    const c = this.cur;
    if (c === null || c.receivedByFilter === null || c.droppedByKernel === null) return;
    this.cur = null;
    const s: TcpdumpStats = { captured: c.captured, receivedByFilter: c.receivedByFilter, droppedByKernel: c.droppedByKernel, droppedByInterface: c.droppedByInterface };
    this.stats = s;
    this.reports++;
    this.onReport?.(s);
  }
}

/** The `N packets …` items of one stderr line, or null when the line is something else. */
function parseStatItems(line: string): [number, string][] | null {
  const body = line.replace(PROGRAM_PREFIX, '').trim();
  if (body.length === 0) return null;
  const out: [number, string][] = [];
  for (const part of body.split(', ')) {
    const m = STAT_ITEM.exec(part);
    if (m === null) return null;
    out.push([Number(m[1]), m[2]]);
  }
  return out;
}

/** The newest complete drop report in a whole stderr text, or null. */
export function parseTcpdumpStats(text: string): TcpdumpStats | null {
  const r = new TcpdumpStderr();
  r.push(text);
  r.end();
  return r.stats;
}

// ---- the tcpdump binary and its arguments ----------------------------------------------

/** Where tcpdump lives when it is not on PATH (Debian puts it in /usr/bin, others in /usr/sbin, which a user's PATH often lacks). */
const SBIN_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin', '/usr/bin', '/bin', '/usr/local/bin'];

/**
 * The tcpdump to run: `explicit` as given (checked when it is started), else the first
 * executable `tcpdump` on PATH or in the sbin directories. Throws E_CAPTURE_START when there is none.
 */
export function findTcpdump(explicit?: string, pathEnv: string | undefined = process.env.PATH): string {
  if (explicit !== undefined && explicit !== '') return explicit;
  const dirs = [...(pathEnv ?? '').split(delimiter).filter((d) => d !== ''), ...SBIN_DIRS];
  for (const d of dirs) {
    const p = join(d, 'tcpdump');
    try {
      accessSync(p, fsConstants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  throw new PalisadeError(
    'E_CAPTURE_START',
    `cannot start live capture: tcpdump was not found (searched PATH and ${SBIN_DIRS.join(', ')}). ` +
      'Palisade captures through tcpdump; install it: apt-get install tcpdump (Debian/Ubuntu), dnf install tcpdump (Fedora/RHEL), ' +
      'or name the binary with --tcpdump PATH.',
  );
}

export interface TcpdumpArgsOptions {
  iface: string;
  /** BPF expression (pcap-filter(7)); empty or undefined: every packet. */
  filter?: string;
  /** Bytes kept of each packet; default 262144 (all). */
  snaplen?: number;
  /** Kernel capture buffer in KiB (tcpdump -B); default libpcap's (2 MiB on Linux). */
  bufferKiB?: number;
}

/**
 * tcpdump's arguments: `-U -w -` writes pcap to stdout, flushed after every packet; `-Z root`
 * keeps tcpdump from switching to an unprivileged user (Debian's build drops to `tcpdump`
 * after opening the device); `--` ends the options so a filter cannot be taken for one.
 */
export function tcpdumpArgs(o: TcpdumpArgsOptions): string[] {
  const a = ['-U', '-w', '-', '-i', o.iface, '-s', String(o.snaplen ?? TCPDUMP_MAX_SNAPLEN), '-Z', 'root'];
  if (o.bufferKiB !== undefined) a.push('-B', String(o.bufferKiB));
  if (o.filter !== undefined && o.filter.trim() !== '') a.push('--', o.filter);
  return a;
}

/** What to tell the user, from tcpdump's own words. */
function startAdvice(text: string, iface: string, bin: string): string {
  const t = text.toLowerCase();
  if (t.includes('permission') || t.includes('operation not permitted') || t.includes('not permitted')) {
    return `run palisade as root, or give tcpdump the capture capabilities: setcap cap_net_raw,cap_net_admin=eip ${bin}`;
  }
  if (t.includes('no such device') || t.includes("doesn't exist") || t.includes('no suitable device') || t.includes('not found')) {
    return `check the interface name "${iface}": list interfaces with \`tcpdump -D\` (or \`ip link\`)`;
  }
  if (t.includes('filter') || t.includes('syntax error')) {
    return 'fix the --filter expression (BPF syntax, see `man pcap-filter`); test it with `tcpdump -d -i IFACE \'EXPR\'`';
  }
  if (t.includes('not up')) return `bring the interface up first: ip link set ${iface} up`;
  if (t.includes('snaplen')) return 'choose a --snaplen between 1 and 262144';
  return `run the same capture by hand to see more: ${bin} -i ${iface} -w /dev/null`;
}

/** tcpdump's stderr lines worth quoting (not its "listening on" line). */
function quoted(lines: string[]): string {
  const keep = lines.filter((l) => !/^[^\s:]+: listening on /.test(l));
  return keep.length === 0 ? '(tcpdump printed nothing)' : keep.map((l) => `"${l}"`).join(' ');
}

// ---- rotating pcap files -----------------------------------------------------------------

export interface PcapRotatorOptions {
  /** Directory of the files; created when the first file is opened. */
  dir: string;
  /** Start a new file once the current one is this many seconds old; 0 or undefined: never by time. */
  rotateSeconds?: number;
  /** Start a new file once the current one has reached this many bytes (checked before each packet, as tcpdump -C); 0 or undefined: never by size. */
  rotateBytes?: number;
  /** Newest files kept (this run's and earlier runs' files of the same name pattern); default 24. */
  keepFiles?: number;
  /** File name prefix; default "capture". */
  prefix?: string;
  /** Clock in ms since the epoch; default Date.now (tests inject one). */
  now?: () => number;
}

interface KeptFile {
  path: string;
  /** Sort key: time stamp then collision number. */
  key: string;
}

function outputError(path: string, doing: string, err: unknown): PalisadeError {
  const code = (err as { code?: unknown } | null)?.code;
  const advice =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'free disk space, lower --keep-files or --rotate-mb, or pass --no-pcap'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'check that the output directory is writable, or choose another one'
        : 'check the output directory and the disk, then run again';
  return new PalisadeError('E_OUTPUT', `cannot ${doing} ${path}: ${(err as Error)?.message ?? String(err)}; ${advice}`, { file: path, cause: err });
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function fileStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Writes a pcap byte stream into files `DIR/PREFIX-YYYYMMDDTHHMMSSZ.pcap` (UTC time the file
 * was opened; `-1`, `-2` … are added when that name exists). Each file starts with the
 * stream's file header, then whole records. The caller hands over the header once (`start`),
 * then only whole records (`write`), and asks `due()` before each record whether to `rotate()`.
 * A file that holds no packet yet is never rotated, so an idle capture makes no empty files.
 * After each new file, the oldest files beyond keepFiles are deleted.
 */
export class PcapRotator {
  readonly dir: string;
  readonly rotateMs: number;
  readonly rotateBytes: number;
  readonly keepFiles: number;
  readonly prefix: string;
  /** Files removed to keep keepFiles. */
  deleted = 0;
  /** Records written in all files. */
  records = 0;
  /** The clock rotation goes by (ms since the epoch). */
  readonly now: () => number;
  private readonly namePattern: RegExp;
  private header: Uint8Array | null = null;
  private fd = -1;
  private path = '';
  private fileBytes = 0;
  private fileRecords = 0;
  private openedAt = 0;
  /** Files on disk in age order: earlier runs' first (by name), then this run's in creation order. */
  private kept: KeptFile[] | null = null;
  private readonly mine = new Set<string>();

  constructor(o: PcapRotatorOptions) {
    this.dir = o.dir;
    this.rotateMs = (o.rotateSeconds ?? 0) > 0 ? (o.rotateSeconds as number) * 1000 : 0;
    this.rotateBytes = (o.rotateBytes ?? 0) > 0 ? (o.rotateBytes as number) : 0;
    this.keepFiles = Math.max(1, Math.floor(o.keepFiles ?? 24));
    this.prefix = o.prefix ?? 'capture';
    this.now = o.now ?? Date.now;
    this.namePattern = new RegExp(`^${this.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{8}T\\d{6}Z)(?:-(\\d+))?\\.pcap$`);
  }

  /** The file being written, or '' before start and after close. */
  get current(): string {
    return this.fd >= 0 ? this.path : '';
  }

  /** This run's files still on disk, oldest first. */
  get files(): string[] {
    return (this.kept ?? []).filter((k) => this.mine.has(k.path)).map((k) => k.path);
  }

  /** The stream's 24-byte file header; opens the first file. */
  start(header: Uint8Array): void {
    if (header.length !== PCAP_FILE_HEADER_LEN) throw new Error(`pcap file header must be ${PCAP_FILE_HEADER_LEN} bytes`);
    this.header = header.slice();
    this.open();
  }

  get started(): boolean {
    return this.header !== null;
  }

  /** Whether the next record, coming after `pendingBytes` not yet written bytes, should start a new file. */
  due(pendingBytes: number, nowMs: number): boolean {
    if (this.fd < 0) return false;
    const size = this.fileBytes + pendingBytes;
    if (size <= PCAP_FILE_HEADER_LEN) return false;
    if (this.rotateBytes > 0 && size >= this.rotateBytes) return true;
    return this.rotateMs > 0 && nowMs - this.openedAt >= this.rotateMs;
  }

  /** Appends bytes that are whole records (or the rest of them) to the current file. */
  write(b: Uint8Array): void {
    if (this.fd < 0 || b.length === 0) return;
    writeAll(this.fd, b, this.path);
    this.fileBytes += b.length;
  }

  /** Counts records for the stats (PcapStream calls it per frame). */
  countRecord(): void {
    this.records++;
    this.fileRecords++;
  }

  /** Closes the current file and opens the next. */
  rotate(): void {
    if (this.header === null) return;
    this.closeFile();
    this.open();
  }

  /** Time-based rotation while no packet arrives: call it now and then (every second). All written data must be whole records. */
  tick(): void {
    if (this.fd >= 0 && this.rotateMs > 0 && this.fileRecords > 0 && this.now() - this.openedAt >= this.rotateMs) this.rotate();
  }

  /** Closes the current file. */
  close(): void {
    this.closeFile();
  }

  private closeFile(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      closeSync(fd);
    } catch (e) {
      throw outputError(this.path, 'close', e);
    }
  }

  private open(): void {
    if (this.kept === null) this.kept = this.scan();
    const t = this.now();
    const stamp = fileStamp(t);
    for (let n = 0; ; n++) {
      const name = n === 0 ? `${this.prefix}-${stamp}.pcap` : `${this.prefix}-${stamp}-${n}.pcap`;
      const path = join(this.dir, name);
      try {
        this.fd = openSync(path, 'wx');
      } catch (e) {
        if ((e as { code?: string }).code === 'EEXIST' && n < 10000) continue;
        throw outputError(path, 'create', e);
      }
      this.path = path;
      this.kept.push({ path, key: sortKey(stamp, n) });
      this.mine.add(path);
      break;
    }
    this.openedAt = t;
    this.fileBytes = 0;
    this.fileRecords = 0;
    this.write(this.header as Uint8Array);
    while (this.kept.length > this.keepFiles) {
      const old = this.kept.shift() as KeptFile;
      try {
        unlinkSync(old.path);
        this.deleted++;
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT') throw outputError(old.path, 'delete the old capture file', e);
      }
    }
  }

  /** Creates the directory and lists earlier runs' files, oldest first. */
  private scan(): KeptFile[] {
    let names: string[];
    try {
      mkdirSync(this.dir, { recursive: true });
      names = readdirSync(this.dir);
    } catch (e) {
      throw outputError(this.dir, 'create the pcap directory', e);
    }
    const out: KeptFile[] = [];
    for (const name of names) {
      const m = this.namePattern.exec(name);
      if (m !== null) out.push({ path: join(this.dir, name), key: sortKey(m[1], m[2] === undefined ? 0 : Number(m[2])) });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

function sortKey(stamp: string, n: number): string {
  return `${stamp}.${String(n).padStart(6, '0')}`;
}

function writeAll(fd: number, b: Uint8Array, path: string): void {
  let off = 0;
  try {
    while (off < b.length) off += writeSync(fd, b, off, b.length - off);
  } catch (e) {
    throw outputError(path, 'write to', e);
  }
}

// ---- stream → frames (+ files) ------------------------------------------------------------

/**
 * A tcpdump output stream: parsed into frames for the sink, and, with a rotator, copied into
 * pcap files record by record. Record boundaries come from the parser: every frame's
 * fileOffset is where its record starts, and after a push the parser's offset is where the
 * first incomplete record starts. Bytes of an incomplete record are held (at most one record)
 * until it is complete, so a file only ever holds whole records and can be cut between any two.
 */
export class PcapStream implements FrameSink {
  readonly parser: PcapParser;
  /** Stream bytes received. */
  bytes = 0;
  private readonly sink: FrameSink;
  private readonly rotator: PcapRotator | null;
  /** Stream offset up to which bytes went to the rotator (or the header buffer). */
  private written = 0;
  /** Stream bytes [written, start of the current chunk), not yet written. */
  private tail: Uint8Array = EMPTY;
  private tailLen = 0;
  private chunk: Uint8Array = EMPTY;
  private chunkStart = 0;
  private readonly header = new Uint8Array(PCAP_FILE_HEADER_LEN);
  private headerLen = 0;
  private nowMs = 0;

  constructor(sink: FrameSink, rotator: PcapRotator | null = null, opts: { name?: string } = {}) {
    this.sink = sink;
    this.rotator = rotator;
    this.parser = new PcapParser({ name: opts.name ?? 'tcpdump output' });
  }

  get frames(): number {
    return this.parser.frames;
  }

  /** The next bytes of the stream. Throws the parser's PalisadeError, or E_OUTPUT from the files. */
  push(chunk: Uint8Array): void {
    this.chunk = chunk;
    this.chunkStart = this.bytes;
    this.bytes += chunk.length;
    const r = this.rotator;
    if (r === null) {
      this.parser.push(chunk, this.sink);
      return;
    }
    this.nowMs = r.now();
    this.parser.push(chunk, this);
    this.writeTo(this.parser.offset);
    this.keepRest();
  }

  /** End of the stream. Throws E_TRUNCATED when it stopped inside a record (which no file holds). */
  finish(): void {
    this.parser.finish();
  }

  frame(f: RawFrame): void {
    const r = this.rotator;
    if (r !== null) {
      // The first file opens with the first record, even if the header came in the same chunk.
      if (!r.started) this.writeTo(PCAP_FILE_HEADER_LEN);
      // Everything before this record is whole records; the batch is written after the push,
      // unless the file is cut here.
      if (r.due(f.fileOffset - this.written, this.nowMs)) {
        this.writeTo(f.fileOffset);
        r.rotate();
      }
      r.countRecord();
    }
    this.sink.frame(f);
  }

  /** Writes stream bytes [written, end) from the held tail and the current chunk. */
  private writeTo(end: number): void {
    if (end <= this.written) return;
    if (this.tailLen > 0) {
      const n = Math.min(this.tailLen, end - this.written);
      this.emit(this.tail.subarray(0, n));
      this.written += n;
      if (n < this.tailLen) {
        this.tail.copyWithin(0, n, this.tailLen);
        this.tailLen -= n;
        return;
      }
      this.tailLen = 0;
    }
    if (end > this.written) {
      this.emit(this.chunk.subarray(this.written - this.chunkStart, end - this.chunkStart));
      this.written = end;
    }
  }

  /** Keeps the bytes of the chunk that are not written yet (the start of an incomplete record). */
  private keepRest(): void {
    const from = Math.max(this.written, this.chunkStart) - this.chunkStart;
    const rest = this.chunk.length - from;
    if (rest > 0) {
      const need = this.tailLen + rest;
      if (need > this.tail.length) {
        const next = new Uint8Array(Math.max(need, this.tail.length * 2, 4096));
        next.set(this.tail.subarray(0, this.tailLen));
        this.tail = next;
      }
      this.tail.set(this.chunk.subarray(from), this.tailLen);
      this.tailLen = need;
    }
    // Do not hold on to a large buffer after one large record.
    if (this.tailLen === 0 && this.tail.length > 1 << 20) this.tail = EMPTY;
    this.chunk = EMPTY;
  }

  /** The first 24 bytes are the file header (handed to the rotator once), the rest records. */
  private emit(b: Uint8Array): void {
    const r = this.rotator as PcapRotator;
    if (this.headerLen < PCAP_FILE_HEADER_LEN) {
      const n = Math.min(PCAP_FILE_HEADER_LEN - this.headerLen, b.length);
      this.header.set(b.subarray(0, n), this.headerLen);
      this.headerLen += n;
      if (this.headerLen === PCAP_FILE_HEADER_LEN) r.start(this.header);
      b = b.subarray(n);
      if (b.length === 0) return;
    }
    r.write(b);
  }
}

// ---- the tcpdump process -------------------------------------------------------------------

export interface LiveCaptureOptions extends TcpdumpArgsOptions {
  /** Where the frames go (the pipeline). Called synchronously with a reused RawFrame. */
  sink: FrameSink;
  /** Writes the raw capture into rotating files; null: no files. */
  rotator?: PcapRotator | null;
  /** The tcpdump binary; default: found on PATH or in the sbin directories (see findTcpdump). */
  tcpdump?: string;
  /** How long tcpdump may take to open the interface; default 10 s. */
  startTimeoutMs?: number;
  /** After stop(), how long tcpdump may take to exit before it is killed; default 5 s. */
  stopTimeoutMs?: number;
}

export interface LiveCaptureEnd {
  /** Null when the capture ended because stop() was called; else why it ended (E_CAPTURE_FAILED, E_OUTPUT). */
  error: PalisadeError | null;
  /** tcpdump's exit code, or null when a signal ended it. */
  exitCode: number | null;
  signal: string | null;
  /** tcpdump's last drop report (the one it prints at exit, when it could). */
  stats: TcpdumpStats | null;
  /** The stream ended inside a record (tcpdump was killed): that record is lost. */
  truncated: boolean;
}

/**
 * One running tcpdump. `LiveCapture.start()` resolves once tcpdump listens (or rejects with
 * E_CAPTURE_START quoting tcpdump's stderr and saying what to do); from then on its output is
 * parsed as it arrives. `stop()` asks tcpdump to finish (it prints its drop counts and exits);
 * `done` resolves when its output has been read to the end.
 *
 * tcpdump runs in its own process group, so a Ctrl-C in the terminal reaches only Palisade,
 * which decides when tcpdump stops; if Palisade's process exits, tcpdump is killed.
 */
export class LiveCapture {
  readonly tcpdump: string;
  readonly args: string[];
  readonly iface: string;
  readonly filter: string;
  readonly snaplen: number;
  readonly stream: PcapStream;
  readonly stderr = new TcpdumpStderr();
  readonly done: Promise<LiveCaptureEnd>;
  /** Stdout chunks received (the CLI uses it to see whether packets are flowing). */
  chunks = 0;
  private readonly child: ChildProcess;
  private stopRequested = false;
  private exited = false;
  private failure: PalisadeError | null = null;
  private readonly stopTimeoutMs: number;
  private killTimer: ReturnType<typeof setTimeout> | null = null;
  private statsWaiters: ((s: TcpdumpStats | null) => void)[] = [];
  private readonly onProcessExit = (): void => {
    if (!this.exited) this.signal('SIGKILL');
  };

  private constructor(o: LiveCaptureOptions, bin: string, resolveStart: () => void, rejectStart: (e: PalisadeError) => void) {
    this.tcpdump = bin;
    this.args = tcpdumpArgs(o);
    this.iface = o.iface;
    this.filter = o.filter ?? '';
    this.snaplen = o.snaplen ?? TCPDUMP_MAX_SNAPLEN;
    this.stopTimeoutMs = o.stopTimeoutMs ?? 5000;
    this.stream = new PcapStream(o.sink, o.rotator ?? null, { name: `tcpdump output on ${o.iface}` });

    let started = false;
    const startTimer = setTimeout(() => {
      if (started) return;
      this.signal('SIGKILL');
      fail(`tcpdump did not start listening within ${((o.startTimeoutMs ?? 10000) / 1000).toFixed(0)} s; its output: ${quoted(this.stderr.messages())}`, 'check that the interface exists and is up (`tcpdump -D`, `ip link`)');
    }, o.startTimeoutMs ?? 10000);
    const fail = (what: string, advice: string, cause?: unknown) => {
      if (started) return;
      started = true;
      clearTimeout(startTimer);
      rejectStart(new PalisadeError('E_CAPTURE_START', `cannot start live capture on ${o.iface}: ${what}. To fix it: ${advice}.`, { cause }));
    };
    const ok = () => {
      if (started) return;
      started = true;
      clearTimeout(startTimer);
      resolveStart();
    };

    this.child = spawn(bin, this.args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    process.on('exit', this.onProcessExit);

    this.stderr.onListening = ok;
    this.stderr.onReport = (s) => {
      const w = this.statsWaiters;
      this.statsWaiters = [];
      for (const f of w) f(s);
    };
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (t: string) => this.stderr.push(t));
    this.child.stdout?.on('data', (b: Buffer) => {
      this.chunks++;
      // The file header comes once the interface is open and the filter set.
      ok();
      if (this.failure !== null) return;
      try {
        this.stream.push(b);
      } catch (e) {
        this.failure = isPalisadeError(e) && e.code === 'E_OUTPUT' ? e : new PalisadeError('E_CAPTURE_FAILED', `live capture on ${o.iface}: tcpdump's output cannot be read: ${(e as Error).message}`, { cause: e });
        this.signal('SIGTERM');
      }
    });

    this.done = new Promise<LiveCaptureEnd>((resolve) => {
      this.child.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') fail(`tcpdump was not found at ${bin}`, `install it: apt-get install tcpdump (Debian/Ubuntu), dnf install tcpdump (Fedora/RHEL); or point --tcpdump at the binary`, e);
        else if (e.code === 'EACCES') fail(`${bin} cannot be executed (${e.message})`, `check its permissions (ls -l ${bin}), or point --tcpdump at another tcpdump`, e);
        else fail(`${bin} could not be started (${e.message})`, 'check the tcpdump binary', e);
        if (!this.exited && this.child.pid === undefined) {
          this.exited = true;
          process.off('exit', this.onProcessExit);
          resolve({ error: new PalisadeError('E_CAPTURE_START', `tcpdump could not be started: ${e.message}`), exitCode: null, signal: null, stats: null, truncated: false });
        }
      });
      this.child.on('close', (code, sig) => {
        this.exited = true;
        process.off('exit', this.onProcessExit);
        if (this.killTimer !== null) clearTimeout(this.killTimer);
        this.stderr.end();
        for (const f of this.statsWaiters) f(this.stderr.stats);
        this.statsWaiters = [];
        const lines = this.stderr.messages();
        if (!started) {
          fail(`tcpdump exited (${exitText(code, sig)}) saying ${quoted(lines)}`, startAdvice(lines.join('\n'), o.iface, bin));
        }
        let truncated = false;
        if (this.failure === null) {
          try {
            this.stream.finish();
          } catch (e) {
            // Killed in the middle of writing a record (or before the header): that record is lost.
            truncated = this.stream.bytes > 0;
            if (!this.stopRequested && this.stream.bytes > 0) this.failure = new PalisadeError('E_CAPTURE_FAILED', `live capture on ${o.iface}: ${(e as Error).message}`, { cause: e });
          }
        }
        let error = this.failure;
        if (error === null && !this.stopRequested && started) {
          error = new PalisadeError(
            'E_CAPTURE_FAILED',
            `live capture on ${o.iface} failed: tcpdump stopped on its own (${exitText(code, sig)}) saying ${quoted(lines)}. ` +
              `The records up to this point were written. Check the interface (\`ip link show ${o.iface}\`) and the system log, then start the capture again.`,
          );
        }
        resolve({ error, exitCode: code, signal: sig, stats: this.stderr.stats, truncated });
      });
    });
  }

  /** Starts tcpdump; resolves once it listens. Rejects with PalisadeError E_CAPTURE_START. */
  static async start(o: LiveCaptureOptions): Promise<LiveCapture> {
    const bin = findTcpdump(o.tcpdump);
    return new Promise<LiveCapture>((resolve, reject) => {
      const cap: LiveCapture = new LiveCapture(o, bin, () => resolve(cap), reject);
    });
  }

  get running(): boolean {
    return !this.exited;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Asks tcpdump to finish (SIGINT or SIGTERM: it prints its drop counts and exits); its
   * remaining output is still read. Kills it if it has not exited after stopTimeoutMs.
   */
  stop(sig: 'SIGINT' | 'SIGTERM' = 'SIGINT'): void {
    if (this.exited) return;
    if (!this.stopRequested) {
      this.stopRequested = true;
      this.signal(sig);
      this.killTimer = setTimeout(() => this.signal('SIGKILL'), this.stopTimeoutMs);
    }
  }

  /** Kills tcpdump at once (its last packets and drop counts are lost). */
  kill(): void {
    this.stopRequested = true;
    this.signal('SIGKILL');
  }

  /**
   * Asks tcpdump for its drop counts (SIGUSR1, which Linux tcpdump answers with one stderr
   * line) and resolves with the report, or with the last known one after timeoutMs.
   */
  requestStats(timeoutMs = 1000): Promise<TcpdumpStats | null> {
    if (this.exited || this.stopRequested) return Promise.resolve(this.stderr.stats);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.statsWaiters = this.statsWaiters.filter((f) => f !== done);
        resolve(this.stderr.stats);
      }, timeoutMs);
      const done = (s: TcpdumpStats | null) => {
        clearTimeout(timer);
        resolve(s);
      };
      this.statsWaiters.push(done);
      this.signal('SIGUSR1');
    });
  }

  private signal(sig: NodeJS.Signals): void {
    if (this.exited) return;
    try {
      this.child.kill(sig);
    } catch {
      // already gone
    }
  }
}

function exitText(code: number | null, sig: string | null): string {
  return sig !== null ? `killed by ${sig}` : `exit code ${code}`;
}
