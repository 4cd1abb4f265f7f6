// One shard of the passive pipeline: decode → flow table → records. Runs on the main
// thread (--workers 1) or inside each worker thread. It is the FrameSink the capture
// readers feed, and the FlowSink that turns ended flows into conn records.
import type { FrameSink, RawFrame } from '../capture/frame.ts';
import { isPalisadeError } from '../core/errors.ts';
import { DecodeCounters, type DecodeCountersJSON } from '../decode/counters.ts';
import { Decoder } from '../decode/decoder.ts';
import { OUTCOME, OUTCOME_NAMES, Packet } from '../decode/packet.ts';
import { buildConnRecord } from '../flow/conn.ts';
import type { Flow } from '../flow/flow.ts';
import type { FlowTableStats} from '../flow/flow-table.ts';
import { FlowTable, type FlowConfig, type FlowListener, type FlowSink } from '../flow/flow-table.ts';
import { CaptureClock } from './capture-clock.ts';
import { DissectManager, mergeDissectCounters, type ProtocolCountersJSON } from '../dissect/manager.ts';
import type { Registry } from '../dissect/registry.ts';
import type { RecordFlow } from '../dissect/types.ts';

export type { RecordFlow };

/** Where records go: RecordOutput on the main thread, a batching channel in a worker. */
export interface RecordSink {
  /** `flow`, when given, is the record's flow (dissector records; not conn, not L2 records). */
  write(type: string, record: object, flow?: RecordFlow): void;
}

export interface EngineOptions {
  flow?: Partial<FlowConfig>;
  /** Replaces the dissect stage (tests of the flow table); null runs no dissectors. */
  listener?: FlowListener | null;
  /**
   * The protocols to dissect: defaultRegistry() of src/protocols/index.ts for all, or
   * loadRegistry(ids) of src/protocols/catalog.ts (which loads only those). Needed unless a
   * listener replaces the dissect stage. (No default here: this module does not load the
   * protocols, so that a run without them does not pay for their loading.)
   */
  registry?: Registry;
}

/** The counters of one shard, as plain data (merged across workers, written to stats.json). */
export interface EngineCounters {
  packets: number;
  wireBytes: number;
  capturedBytes: number;
  outcomes: Record<string, number>;
  decode: DecodeCountersJSON;
  flows: Record<string, number>;
  flowsByProto: Record<string, number>;
  fragmentsInProgress: number;
  internalErrors: number;
  firstInternalError: string;
  dissectors: Record<string, ProtocolCountersJSON>;
}

export class Engine implements FrameSink, FlowSink {
  readonly decoder = new Decoder();
  readonly table: FlowTable;
  private readonly pkt = new Packet();
  private readonly out: RecordSink;
  readonly outcomes = new Float64Array(OUTCOME_NAMES.length);
  packets = 0;
  wireBytes = 0;
  capturedBytes = 0;
  private readonly flowsByProto = new Map<number, number>();

  /** The dissect stage (null when a test replaced it through `listener`). */
  readonly dissect: DissectManager | null;

  constructor(out: RecordSink, opts: EngineOptions = {}) {
    this.out = out;
    if (opts.listener === undefined && opts.registry === undefined) throw new Error('Engine: give the protocols to dissect (registry) or a listener');
    this.dissect = opts.listener !== undefined ? null : new DissectManager(opts.registry!, out);
    // Without a protocol over TCP or UDP (`--protocols none`, or layer-2 ones only) the flow
    // table has no one to hand payloads to: flows and reassembly run as ever, the dissect
    // stage's per-packet calls are skipped.
    const flowListener = opts.listener !== undefined ? opts.listener : opts.registry!.protocols.length > 0 ? this.dissect : null;
    this.table = new FlowTable(this, flowListener, opts.flow ?? {});
  }

  /** The capture clock (--workers 1); engines fed by the reader get its clock through frameAt() and clockAt(). */
  private readonly clock = new CaptureClock();
  private epoch = 0;

  frame(f: RawFrame): void {
    if (this.clock.observe(f.ts)) this.table.newEpoch();
    this.table.clock(this.clock.now);
    this.frameSynced(f);
  }

  /** A frame in a worker: `epoch` and `now` come from the reader's CaptureClock. */
  frameAt(f: RawFrame, epoch: number, now: number): void {
    this.clockAt(epoch, now);
    this.frameSynced(f);
  }

  /** The reader's CaptureClock without a frame (RingSink): flows whose timeout it passed end. */
  clockAt(epoch: number, now: number): void {
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.table.newEpoch();
    }
    this.table.clock(now);
  }

  private frameSynced(f: RawFrame): void {
    this.packets++;
    this.wireBytes += f.wirelen;
    this.capturedBytes += f.caplen;
    try {
      const o = this.decoder.decode(f, this.pkt);
      this.outcomes[o]++;
      const d = this.dissect;
      if (d !== null) d.ts = f.ts;
      if (o === OUTCOME.FLOW) this.table.packet(this.pkt);
      else if (o === OUTCOME.L2 && d !== null) d.l2(this.pkt);
    } catch (e) {
      // An output error (disk full) stops the run; anything else is our own bug, not the
      // network's: contain it to this packet, count it, keep going.
      if (isPalisadeError(e)) throw e;
      this.internalErrors++;
      if (this.firstInternalError === '') this.firstInternalError = String((e as Error)?.stack ?? e);
    }
  }

  /** Packets whose processing hit a bug in Palisade (see firstInternalError). */
  internalErrors = 0;
  firstInternalError = '';

  flowDone(flow: Flow): void {
    this.flowsByProto.set(flow.proto, (this.flowsByProto.get(flow.proto) ?? 0) + 1);
    this.out.write('conn', buildConnRecord(flow));
  }

  /** End of input: every open flow is ended and written. */
  finish(): void {
    this.table.flush();
    // What layer-2 protocols and shared states write at the end carries the capture clock.
    const d = this.dissect;
    if (d !== null) {
      if (this.table.now > 0) d.ts = this.table.now;
      d.finish();
    }
  }

  counters(): EngineCounters {
    const outcomes: Record<string, number> = {};
    OUTCOME_NAMES.forEach((n, i) => (outcomes[n] = this.outcomes[i]));
    const s: FlowTableStats = this.table.stats;
    const byProto: Record<string, number> = {};
    for (const [p, n] of this.flowsByProto) byProto[p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 1 ? 'icmp' : p === 58 ? 'icmpv6' : String(p)] = n;
    return {
      packets: this.packets,
      wireBytes: this.wireBytes,
      capturedBytes: this.capturedBytes,
      outcomes,
      decode: this.decoder.counters.toJSON(),
      flows: { ...s },
      flowsByProto: byProto,
      fragmentsInProgress: this.decoder.fragments.inProgress,
      internalErrors: this.internalErrors + (this.dissect?.internalErrors ?? 0),
      firstInternalError: this.firstInternalError !== '' ? this.firstInternalError : (this.dissect?.firstInternalError ?? ''),
      dissectors: this.dissect?.countersJSON() ?? {},
    };
  }
}

/** Sums the counters of several shards. */
export function mergeCounters(all: EngineCounters[]): EngineCounters {
  const dc = new DecodeCounters();
  const out: EngineCounters = {
    packets: 0,
    wireBytes: 0,
    capturedBytes: 0,
    outcomes: {},
    decode: dc.toJSON(),
    flows: {},
    flowsByProto: {},
    fragmentsInProgress: 0,
    internalErrors: 0,
    firstInternalError: '',
    dissectors: {},
  };
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  for (const c of all) {
    out.packets += c.packets;
    out.wireBytes += c.wireBytes;
    out.capturedBytes += c.capturedBytes;
    add(out.outcomes, c.outcomes);
    dc.merge(DecodeCounters.fromJSON(c.decode));
    add(out.flows, c.flows);
    add(out.flowsByProto, c.flowsByProto);
    out.fragmentsInProgress += c.fragmentsInProgress;
    out.internalErrors += c.internalErrors;
    if (out.firstInternalError === '') out.firstInternalError = c.firstInternalError;
  }
  out.decode = dc.toJSON();
  out.dissectors = mergeDissectCounters(all.map((c) => c.dissectors));
  return out;
}
