// capinfos-style facts about a capture, measured by reading the whole file.
//
// This reader is deliberately independent of src/capture: the packet count it produces is the
// reference that Palisade's own count is checked against, so it must not share Palisade's code.
// It only walks record headers (pcap) or block headers (pcapng); it decodes nothing. Reading the
// file once is also the benchmark's untimed warm-up of the page cache.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { BenchError } from './errors.ts';

export interface CaptureFacts {
  path: string;
  /** Size of the file on disk. */
  fileBytes: number;
  format: 'pcap' | 'pcapng';
  compressed: boolean;
  packets: number;
  /** Sum of the packets' original (wire) lengths: capinfos "Data size". */
  dataBytes: number;
  /** Sum of the packets' captured lengths (smaller when a snap length cut packets). */
  capturedBytes: number;
  /** Link-layer types in the order first met (pcap: one; pcapng: one per interface). */
  linktypes: number[];
  /** Seconds since the epoch of the earliest and latest packet (undefined when there are none). */
  firstTs?: number;
  lastTs?: number;
}

const PCAP_MICRO = 0xa1b2c3d4;
const PCAP_NANO = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;

/** Push parser over record/block headers; fed chunks of any size. */
export class RecordWalker {
  format: 'pcap' | 'pcapng' | undefined = undefined;
  packets = 0;
  dataBytes = 0;
  capturedBytes = 0;
  linktypes: number[] = [];
  firstTs: number | undefined = undefined;
  lastTs: number | undefined = undefined;
  private little = true;
  private nano = false;
  /** pcapng: seconds per timestamp unit of each interface in the current section. */
  private ifUnits: number[] = [];
  private pending: Buffer = Buffer.alloc(0);
  private offset = 0;

  feed(chunk: Buffer): void {
    const buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let pos = 0;
    for (;;) {
      const used = this.format === undefined ? this.header(buf, pos) : this.format === 'pcap' ? this.pcapRecord(buf, pos) : this.pcapngBlock(buf, pos);
      if (used === 0) break;
      pos += used;
      this.offset += used;
    }
    this.pending = Buffer.from(buf.subarray(pos));
  }

  end(): void {
    if (this.format === undefined) throw new BenchError('E_CAPTURE', 'not a pcap or pcapng file (or empty)');
    if (this.pending.length > 0) throw new BenchError('E_CAPTURE', `file ends inside a record at byte ${this.offset} (${this.pending.length} bytes left over); the capture is truncated`);
  }

  private u32(b: Buffer, at: number): number {
    return this.little ? b.readUInt32LE(at) : b.readUInt32BE(at);
  }

  private u16(b: Buffer, at: number): number {
    return this.little ? b.readUInt16LE(at) : b.readUInt16BE(at);
  }

  private header(b: Buffer, pos: number): number {
    if (b.length - pos < 4) return 0;
    const be = b.readUInt32BE(pos);
    const le = b.readUInt32LE(pos);
    if (be === PCAPNG_SHB) {
      this.format = 'pcapng';
      return this.pcapngBlock(b, pos);
    }
    if (b.length - pos < 24) return 0;
    if (le === PCAP_MICRO || le === PCAP_NANO) this.little = true;
    else if (be === PCAP_MICRO || be === PCAP_NANO) this.little = false;
    else throw new BenchError('E_CAPTURE', 'not a pcap or pcapng file (unknown magic number)');
    this.nano = this.u32(b, pos) === PCAP_NANO;
    this.format = 'pcap';
    this.linktypes.push(this.u32(b, pos + 20) & 0x0fffffff);
    return 24;
  }

  private pcapRecord(b: Buffer, pos: number): number {
    if (b.length - pos < 16) return 0;
    const capLen = this.u32(b, pos + 8);
    if (b.length - pos < 16 + capLen) return 0;
    this.count(this.u32(b, pos) + this.u32(b, pos + 4) / (this.nano ? 1e9 : 1e6), capLen, this.u32(b, pos + 12));
    return 16 + capLen;
  }

  private pcapngBlock(b: Buffer, pos: number): number {
    if (b.length - pos < 12) return 0;
    const type = b.readUInt32LE(pos); // the SHB type reads the same in both byte orders
    if (type === PCAPNG_SHB) {
      const bom = b.readUInt32LE(pos + 8);
      if (bom === PCAPNG_BOM) this.little = true;
      else if (b.readUInt32BE(pos + 8) === PCAPNG_BOM) this.little = false;
      else throw new BenchError('E_CAPTURE', `pcapng section header with a bad byte-order magic at byte ${this.offset}`);
      this.ifUnits = [];
    }
    const len = this.u32(b, pos + 4);
    if (len < 12 || len % 4 !== 0) throw new BenchError('E_CAPTURE', `pcapng block with an impossible length ${len} at byte ${this.offset}`);
    if (b.length - pos < len) return 0;
    const t = this.u32(b, pos);
    if (t === 1) this.interface(b, pos, len);
    else if (t === 6 && len >= 32) {
      // Enhanced Packet Block: interface, ts high, ts low, captured length, original length.
      const unit = this.ifUnits[this.u32(b, pos + 8)] ?? 1e-6;
      const ts = (this.u32(b, pos + 12) * 2 ** 32 + this.u32(b, pos + 16)) * unit;
      this.count(ts, this.u32(b, pos + 20), this.u32(b, pos + 24));
    } else if (t === 3 && len >= 16) {
      // Simple Packet Block: no timestamp; captured length is what fits in the block.
      const orig = this.u32(b, pos + 8);
      this.count(undefined, Math.min(orig, len - 16), orig);
    } else if (t === 2 && len >= 32) {
      // Obsolete Packet Block: interface(2) drops(2), ts high, ts low, captured, original.
      const unit = this.ifUnits[this.u16(b, pos + 8)] ?? 1e-6;
      const ts = (this.u32(b, pos + 12) * 2 ** 32 + this.u32(b, pos + 16)) * unit;
      this.count(ts, this.u32(b, pos + 20), this.u32(b, pos + 24));
    }
    return len;
  }

  private interface(b: Buffer, pos: number, len: number): void {
    const linktype = this.u16(b, pos + 8);
    if (!this.linktypes.includes(linktype)) this.linktypes.push(linktype);
    let unit = 1e-6;
    // Options start after linktype(2) reserved(2) snaplen(4); look for if_tsresol (code 9).
    let at = pos + 16;
    const end = pos + len - 4;
    while (at + 4 <= end) {
      const code = this.u16(b, at);
      const olen = this.u16(b, at + 2);
      if (code === 0) break;
      if (code === 9 && olen >= 1 && at + 5 <= end) {
        const r = b[at + 4];
        unit = r & 0x80 ? 2 ** -(r & 0x7f) : 10 ** -(r & 0x7f);
      }
      at += 4 + olen + ((4 - (olen % 4)) % 4);
    }
    this.ifUnits.push(unit);
  }

  private count(ts: number | undefined, capLen: number, origLen: number): void {
    this.packets++;
    this.capturedBytes += capLen;
    this.dataBytes += origLen;
    if (ts !== undefined) {
      if (this.firstTs === undefined || ts < this.firstTs) this.firstTs = ts;
      if (this.lastTs === undefined || ts > this.lastTs) this.lastTs = ts;
    }
  }
}

/** Reads the whole capture (gzip-compressed or not) and returns its facts. */
export async function captureFacts(path: string): Promise<CaptureFacts> {
  let fileBytes: number;
  try {
    fileBytes = (await stat(path)).size;
  } catch (e) {
    throw new BenchError('E_CAPTURE', `${path}: cannot read the capture (${(e as Error).message})`);
  }
  const head = await firstBytes(path, 2);
  const compressed = head[0] === 0x1f && head[1] === 0x8b;
  const file = createReadStream(path, { highWaterMark: 4 << 20 });
  const source = compressed ? file.pipe(createGunzip({ chunkSize: 1 << 20 })) : file;
  const w = new RecordWalker();
  try {
    for await (const chunk of source) w.feed(chunk as Buffer);
    w.end();
  } catch (e) {
    file.destroy();
    if (e instanceof BenchError) throw new BenchError(e.code, `${path}: ${e.message}`);
    throw new BenchError('E_CAPTURE', `${path}: cannot read the capture (${(e as Error).message})`);
  }
  return {
    path,
    fileBytes,
    format: w.format as 'pcap' | 'pcapng',
    compressed,
    packets: w.packets,
    dataBytes: w.dataBytes,
    capturedBytes: w.capturedBytes,
    linktypes: w.linktypes,
    firstTs: w.firstTs,
    lastTs: w.lastTs,
  };
}

async function firstBytes(path: string, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of createReadStream(path, { start: 0, end: n - 1 })) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The facts as capinfos-style lines; capinfosPackets is capinfos's own count (undefined when it is not installed). */
export function formatFacts(f: CaptureFacts, capinfosPackets: number | undefined): string[] {
  const lines = [
    `File name:           ${f.path}`,
    `File type:           ${f.format}${f.compressed ? ' (gzip-compressed)' : ''}`,
    `Link-layer types:    ${f.linktypes.join(', ')}`,
    `File size:           ${f.fileBytes} bytes (${mb(f.fileBytes)} MB)`,
    `Number of packets:   ${f.packets}${capinfosPackets === undefined ? ' (capinfos not installed: not cross-checked)' : capinfosPackets === f.packets ? ' (capinfos agrees)' : ` (capinfos says ${capinfosPackets})`}`,
    `Data size:           ${f.dataBytes} bytes (sum of original lengths; ${f.capturedBytes} captured)`,
  ];
  if (f.firstTs !== undefined && f.lastTs !== undefined) {
    const span = f.lastTs - f.firstTs;
    lines.push(`Capture duration:    ${span.toFixed(3)} s (${new Date(f.firstTs * 1000).toISOString()} to ${new Date(f.lastTs * 1000).toISOString()})`);
  }
  return lines;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
