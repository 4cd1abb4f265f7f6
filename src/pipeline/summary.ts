// The readable summary `palisade analyze` prints: what was read, which flows and protocols
// were seen, who talked most. Built from the conn records as they are written, so every
// number can be found again in conn.ndjson and stats.json.
import type { ConnRecord } from '../events/conn-fields.ts';
import { linktypeName } from '../capture/frame.ts';
import { portName } from '../flow/server-ports.ts';
import type { RecordFlow, RecordSink } from './engine.ts';
import type { AnalysisStats } from './stats.ts';

export interface Tally {
  flows: number;
  bytes: number;
  pkts: number;
}

const ETHERTYPE_NAMES: Record<string, string> = {
  '0x0806': 'ARP',
  '0x88cc': 'LLDP',
  '0x8892': 'PROFINET',
  '0x88b8': 'IEC 61850 GOOSE',
  '0x88ba': 'IEC 61850 SV',
  '0x88a4': 'EtherCAT',
  '0x88e3': 'MRP',
  '0x8863': 'PPPoE discovery',
  '0x88f7': 'PTP',
  '0x891d': 'TTEthernet',
  '0x88e1': 'HomePlug',
  '0x893a': 'IEEE 1905',
  '0x22f0': 'AVTP',
  '0x0842': 'Wake-on-LAN',
};

/** A ConnSummary's tallies as plain data: a worker thread's, sent to the main thread to merge. */
export interface ConnSummaryState {
  flows: number;
  /** [proto, responder port (-1 for icmp), tally]. */
  byService: [string, number, Tally][];
  /** [lower address, higher address, tally]. */
  byPair: [string, string, Tally][];
  byState: [string, number][];
}

export class ConnSummary implements RecordSink {
  private readonly inner: RecordSink | null;
  // Tallies keyed by the record's own values (no key text made per record: the addresses are
  // mostly the same strings from flow to flow, whose hashes V8 keeps): proto, then responder
  // port (-1 for icmp); lower address, then higher address.
  private readonly svc = new Map<string, Map<number, Tally>>();
  private readonly pairs = new Map<string, Map<string, Tally>>();
  readonly byState = new Map<string, number>();
  flows = 0;

  /** Passes every record on to `inner` (if given) and tallies the conn records. */
  constructor(inner: RecordSink | null = null) {
    this.inner = inner;
  }

  write(type: string, record: object, flow?: RecordFlow): void {
    this.inner?.write(type, record, flow);
    if (type !== 'conn') return;
    const r = record as ConnRecord;
    this.flows++;
    const bytes = (r.orig_ip_bytes ?? 0) + (r.resp_ip_bytes ?? 0);
    const pkts = (r.orig_pkts ?? 0) + (r.resp_pkts ?? 0);
    const proto = r.proto;
    bump(inner(this.svc, proto), proto === 'icmp' ? -1 : r['id.resp_p'], 1, bytes, pkts);
    const a = r['id.orig_h'];
    const b = r['id.resp_h'];
    if (a < b) bump(inner(this.pairs, a), b, 1, bytes, pkts);
    else bump(inner(this.pairs, b), a, 1, bytes, pkts);
    if (r.conn_state !== undefined) this.byState.set(r.conn_state, (this.byState.get(r.conn_state) ?? 0) + 1);
  }

  /** Flows, packets and bytes by service: `proto/port` of the responder (`icmp` for ICMP). */
  get byService(): Map<string, Tally> {
    const out = new Map<string, Tally>();
    for (const [proto, m] of this.svc) for (const [port, t] of m) out.set(port < 0 ? proto : `${proto}/${port}`, t);
    return out;
  }

  /** Flows, packets and bytes by address pair: `lower ↔ higher`. */
  get byPair(): Map<string, Tally> {
    const out = new Map<string, Tally>();
    for (const [a, m] of this.pairs) for (const [b, t] of m) out.set(`${a} ↔ ${b}`, t);
    return out;
  }

  /** The tallies as plain data (see merge). */
  state(): ConnSummaryState {
    const byService: [string, number, Tally][] = [];
    for (const [proto, m] of this.svc) for (const [port, t] of m) byService.push([proto, port, t]);
    const byPair: [string, string, Tally][] = [];
    for (const [a, m] of this.pairs) for (const [b, t] of m) byPair.push([a, b, t]);
    return { flows: this.flows, byService, byPair, byState: [...this.byState] };
  }

  /** Adds another summary's tallies (a worker's): the same as if its conn records had come here. */
  merge(s: ConnSummaryState): void {
    this.flows += s.flows;
    for (const [proto, port, t] of s.byService) bump(inner(this.svc, proto), port, t.flows, t.bytes, t.pkts);
    for (const [a, b, t] of s.byPair) bump(inner(this.pairs, a), b, t.flows, t.bytes, t.pkts);
    for (const [k, n] of s.byState) this.byState.set(k, (this.byState.get(k) ?? 0) + n);
  }

  format(stats: AnalysisStats, files: string[]): string {
    const n = groupDigits;
    const lines: string[] = [];
    const inputs = stats.inputs;
    lines.push(
      `Palisade analysed ${inputs.length} capture file${inputs.length === 1 ? '' : 's'}: ` +
        `${n(stats.packets)} packets, ${fmtBytes(stats.bytes)} in ${stats.elapsed_seconds.toFixed(2)} s ` +
        `(${n(Math.round(stats.packets_per_second))} packets/s).`,
    );
    const o = stats.outcomes;
    lines.push(
      `Packets: ${n(o.flow ?? 0)} in flows, ${n(o.l2 ?? 0)} layer-2 only, ${n(o.ip_other ?? 0)} other IP, ` +
        `${n(o.fragment ?? 0)} IP fragments, ${n(o.unsupported ?? 0)} unsupported link type, ${n(o.malformed ?? 0)} malformed.`,
    );
    const lt = Object.entries(stats.linktypes).map(([k, v]) => `${k} ${n(v)}`);
    if (lt.length > 0) lines.push(`Link types: ${lt.join(', ')}.`);
    const fp = Object.entries(stats.flows.by_proto).map(([k, v]) => `${k} ${n(v)}`);
    lines.push(`Flows: ${n(this.flows)}${fp.length > 0 ? ` (${fp.join(', ')})` : ''}.`);
    const states = [...this.byState].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([k, v]) => `${k} ${n(v)}`);
    if (states.length > 0) lines.push(`TCP/UDP states: ${states.join(', ')}.`);

    const svc = top(this.byService, 12);
    if (svc.length > 0) {
      lines.push('', 'Services by traffic (responder port):');
      for (const [k, t] of svc) {
        const [proto, port] = k.split('/');
        const name = port === undefined ? '' : (portName(proto, Number(port)) ?? '');
        lines.push(`  ${k.padEnd(11)} ${name.padEnd(22)} ${n(t.flows).padStart(8)} flows ${n(t.pkts).padStart(10)} pkts ${fmtBytes(t.bytes).padStart(10)}`);
      }
    }
    const l2 = Object.entries(stats.protocols.ethertypes);
    const arp = stats.protocols.layers.arp ?? 0;
    if (l2.length > 0 || arp > 0) {
      const parts = arp > 0 ? [`ARP ${n(arp)}`] : [];
      for (const [k, v] of l2.sort((x, y) => y[1] - x[1])) parts.push(`${ETHERTYPE_NAMES[k] ?? 'EtherType ' + k} ${n(v)}`);
      lines.push('', `Layer-2 protocols (packets): ${parts.join(', ')}.`);
    }
    const dis = Object.entries(stats.dissectors ?? {})
      .filter(([, c]) => c.confirmed > 0)
      .sort((x, y) => y[1].confirmed - x[1].confirmed || (x[0] < y[0] ? -1 : 1))
      .map(([k, c]) => `${k} ${n(c.confirmed)}`);
    if (dis.length > 0) lines.push('', `Protocols recognised (flows): ${dis.join(', ')}.`);
    const as = stats.assets;
    if (as !== undefined) {
      const roles = Object.entries(as.by_role)
        .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
        .map(([k, v]) => `${k} ${n(v)}`);
      const levels = Object.entries(as.by_purdue_level)
        .sort((x, y) => (x[0] < y[0] ? -1 : 1))
        .map(([k, v]) => `${k === 'unknown' ? 'unknown' : 'L' + k} ${n(v)}`);
      lines.push(
        '',
        `Assets: ${n(as.count)} (${roles.join(', ') || 'none'}); Purdue levels: ${levels.join(', ') || 'none'}; ` +
          `${n(as.edges)} graph edge${as.edges === 1 ? '' : 's'}, ${n(as.changes)} change${as.changes === 1 ? '' : 's'} (asset_changes).`,
      );
    }
    const pairs = top(this.byPair, 8);
    if (pairs.length > 0) {
      lines.push('', 'Top conversations:');
      for (const [k, t] of pairs) lines.push(`  ${k.padEnd(50)} ${n(t.flows).padStart(6)} flows ${fmtBytes(t.bytes).padStart(10)}`);
    }
    const errs = inputs.filter((i) => i.error !== undefined);
    if (errs.length > 0) {
      lines.push('', 'Problems with inputs:');
      for (const e of errs) lines.push(`  ${e.error!.code}: ${e.error!.message}`);
    }
    if (files.length > 0) lines.push('', `Records: ${files.join(', ')}`);
    return lines.join('\n');
  }
}

function inner<K, V>(m: Map<K, Map<V, Tally>>, k: K): Map<V, Tally> {
  let x = m.get(k);
  if (x === undefined) {
    x = new Map();
    m.set(k, x);
  }
  return x;
}

function bump<K>(m: Map<K, Tally>, k: K, flows: number, bytes: number, pkts: number): void {
  const t = m.get(k);
  if (t === undefined) m.set(k, { flows, bytes, pkts });
  else {
    t.flows += flows;
    t.bytes += bytes;
    t.pkts += pkts;
  }
}

/** The k largest by bytes, then flows, then key: the same whatever order the records came in. */
function top(m: Map<string, Tally>, k: number): [string, Tally][] {
  return [...m].sort((a, b) => b[1].bytes - a[1].bytes || b[1].flows - a[1].flows || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, k);
}

/**
 * A whole number with a comma between groups of three digits, as `toLocaleString('en-US')`
 * writes it, without that call's first-time load of ICU's locale data (10-16 ms of every
 * run's wall time). Anything else (fractions, beyond 2^53) goes to toLocaleString.
 */
export function groupDigits(x: number): string {
  if (!Number.isSafeInteger(x)) return x.toLocaleString('en-US');
  const s = String(x < 0 ? -x : x);
  let out = s.slice(0, ((s.length - 1) % 3) + 1);
  for (let i = out.length; i < s.length; i += 3) out += ',' + s.slice(i, i + 3);
  return x < 0 ? '-' + out : out;
}

export function fmtBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(1)} KiB`;
  if (b < 1024 * 1024 * 1024) return `${(b / 1024 / 1024).toFixed(1)} MiB`;
  return `${(b / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

export { linktypeName };
