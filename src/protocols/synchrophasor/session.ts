// Synchrophasor state for one connection: ICSNPP's per-connection summary (versions, stream
// ids, command history, frame sizes, data frame count, data rates) plus frame counts,
// station names and the PMU clock, written as one `synchrophasor` record when the
// connection ends. Each frame is checked (FRAMESIZE, CRC-CCITT, configuration layout).
import { StreamFramer } from '../../dissect/stream.ts';
import type { Session, SessionContext, Transport } from '../../dissect/types.ts';
import { COMMAND_INITIALS, FRAME_CFG1, FRAME_CFG2, FRAME_CFG3, FRAME_COMMAND, FRAME_DATA, FRAME_HEADER, commandName } from './constants.ts';
import { SYN_BAD_CHECKSUM, SYN_BAD_CONFIG, SYN_BAD_SIZE, SYN_OK, SYN_UNKNOWN_TYPE, SynFrame, frameLength, parseFrame } from './parser.ts';
import type { SynchrophasorRecord } from './records.ts';

/** Caps per connection (an event when one is reached). */
export const MAX_HISTORY = 4096;
export const MAX_LISTED = 64;

const PROBLEM_EVENTS = ['', 'bad_frame_size', 'unknown_frame_type', 'bad_checksum', 'bad_config'];

export class SynchrophasorSession implements Session {
  private readonly ctx: SessionContext;
  private readonly transport: Transport;
  private readonly f = new SynFrame();
  private readonly framer: StreamFramer | null;
  private frames = 0;
  private firstTs = 0;
  private versions: number[] = [];
  private ids: number[] = [];
  private history = '';
  private sizeMin = 0;
  private sizeMax = 0;
  private sizeTot = 0;
  private dataFrames = 0;
  private rates: number[] = [];
  private commandFrames = 0;
  private configFrames = 0;
  private headerFrames = 0;
  private commands: string[] = [];
  private stations: string[] = [];
  private pmuCount = -1;
  private timeBase = -1;
  private firstSoc = Number.NaN;
  private lastSoc = Number.NaN;
  private capped = false;

  constructor(ctx: SessionContext, transport: Transport) {
    this.ctx = ctx;
    this.transport = transport;
    this.framer =
      transport === 'tcp'
        ? new StreamFramer({
            pduLength: (d, off, avail) => frameLength(d, off, avail),
            pdu: (isOrig, d, off, len) => this.frame(isOrig, d, off, len),
            skipped: (isOrig, n, afterGap) => this.ctx.event('resync', `${n} bytes skipped${afterGap ? ' after a gap' : ''}`, isOrig),
          })
        : null;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.framer !== null) {
      this.framer.data(isOrig, d, off, len);
      return;
    }
    // UDP: the datagram holds one frame (or several back to back).
    const end = off + len;
    while (off < end) {
      const n = frameLength(d, off, end - off);
      if (n <= 0 || n > end - off) {
        this.ctx.event('bad_frame_size', n > 0 ? `FRAMESIZE ${n}, ${end - off} bytes in the datagram` : 'no frame at the start of the datagram', isOrig);
        return;
      }
      this.frame(isOrig, d, off, n);
      off += n;
    }
  }

  gap(isOrig: boolean, len: number): void {
    this.framer?.gap(isOrig, len);
  }

  end(): void {
    if (this.frames === 0) return;
    const r: SynchrophasorRecord = {
      proto: this.transport,
      version: this.versions,
      data_stream_id: this.ids,
      history: this.history,
      frame_size_min: this.sizeMin,
      frame_size_max: this.sizeMax,
      frame_size_tot: this.sizeTot,
      data_frame_count: this.dataFrames,
      data_rate: this.rates,
      command_frame_count: this.commandFrames,
      config_frame_count: this.configFrames,
      header_frame_count: this.headerFrames,
      commands: this.commands,
      station_names: this.stations,
      pmu_count: this.pmuCount >= 0 ? this.pmuCount : undefined,
      time_base: this.timeBase >= 0 ? this.timeBase : undefined,
      first_soc: Number.isNaN(this.firstSoc) ? undefined : this.firstSoc,
      last_soc: Number.isNaN(this.lastSoc) ? undefined : this.lastSoc,
    };
    this.ctx.record('synchrophasor', r as unknown as Record<string, unknown>, this.firstTs);
  }

  private frame(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const f = this.f;
    const problem = parseFrame(d, off, len, f);
    if (problem !== SYN_OK) this.ctx.event(PROBLEM_EVENTS[problem], f.detail, isOrig);
    if (problem === SYN_BAD_SIZE || problem === SYN_UNKNOWN_TYPE) return;
    if (problem !== SYN_BAD_CHECKSUM || f.checksumOk) this.ctx.valid(isOrig);
    if (this.frames === 0) this.firstTs = this.ctx.ts;
    this.frames++;
    this.add(this.versions, f.version, 'versions');
    this.add(this.ids, f.idcode, 'stream ids');
    const n = f.frameSize;
    if (this.sizeMin === 0 || n < this.sizeMin) this.sizeMin = n;
    if (n > this.sizeMax) this.sizeMax = n;
    this.sizeTot += n;
    switch (f.type) {
      case FRAME_DATA:
        this.dataFrames++;
        break;
      case FRAME_HEADER:
        this.headerFrames++;
        break;
      case FRAME_COMMAND:
        this.commandFrames++;
        if (f.cmd >= 0) {
          if (this.history.length < MAX_HISTORY) this.history += COMMAND_INITIALS[f.cmd] ?? 'u';
          if (this.commands.length < MAX_LISTED) this.commands.push(commandName(f.cmd));
          else this.cap('commands');
        }
        break;
      case FRAME_CFG1:
      case FRAME_CFG2:
      case FRAME_CFG3:
        this.configFrames++;
        if (problem === SYN_BAD_CONFIG && f.numPmu < 0) break;
        if (f.timeBase > 0) this.timeBase = f.timeBase;
        if (f.numPmu > this.pmuCount) this.pmuCount = f.numPmu;
        if (!Number.isNaN(f.dataRate)) this.add(this.rates, f.dataRate, 'data rates');
        for (const s of f.stations) if (!this.stations.includes(s)) {
          if (this.stations.length < MAX_LISTED) this.stations.push(s);
          else this.cap('station names');
        }
        break;
    }
    if (f.type !== FRAME_COMMAND) {
      // The PMU's clock (commands carry the client's, often zero); a configuration frame's own TIME_BASE applies to it.
      const soc = this.timeBase > 0 ? f.soc + f.fracsec / this.timeBase : f.soc;
      if (Number.isNaN(this.firstSoc)) this.firstSoc = soc;
      this.lastSoc = soc;
    }
  }

  private add(set: number[], v: number, what: string): void {
    if (set.includes(v)) return;
    if (set.length < MAX_LISTED) set.push(v);
    else this.cap(what);
  }

  private cap(what: string): void {
    if (this.capped) return;
    this.capped = true;
    this.ctx.event('too_many_values', `more than ${MAX_LISTED} ${what} in one connection: the record lists the first ${MAX_LISTED}`);
  }
}
