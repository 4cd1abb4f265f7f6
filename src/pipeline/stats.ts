// stats.json: what a run read and what it made of it. Every packet read lands in exactly
// one outcome, so `packets == sum(outcomes)`; the decoded packets are flow + ip_other + l2 +
// fragment, the rest unsupported or malformed. docs/stats.md documents every field.
import { linktypeName } from '../capture/frame.ts';
import type { EngineCounters } from './engine.ts';
import type { ProtocolCountersJSON } from '../dissect/manager.ts';

export interface InputStats {
  path: string;
  format?: string;
  compressed?: boolean;
  packets: number;
  bytes: number;
  linktypes?: string[];
  error?: { code: string; message: string; offset?: number };
}

export interface AnalysisStats {
  palisade_version: string;
  started: string;
  inputs: InputStats[];
  skipped_files: string[];
  packets: number;
  /** Bytes on the wire (sum of frame lengths). */
  bytes: number;
  captured_bytes: number;
  outcomes: Record<string, number>;
  decoded: number;
  linktypes: Record<string, number>;
  protocols: { layers: Record<string, number>; ethertypes: Record<string, number>; ip_protos: Record<string, number> };
  malformed: Record<string, number>;
  weird: Record<string, number>;
  internal_errors: number;
  /** Stack trace of the first internal error, for a bug report (absent when none). */
  first_internal_error?: string;
  flows: {
    created: number;
    ended: number;
    evicted: number;
    max_active: number;
    by_proto: Record<string, number>;
  };
  tcp_reassembly: { gap_bytes: number; gaps: number; cap_hits: number; retransmitted_segments: number; overlap_conflicts: number; truncated_payloads: number };
  ip_fragments_incomplete: number;
  /** Per application protocol: flows, confirmed flows, records by type, anomaly events by name. */
  dissectors: Record<string, ProtocolCountersJSON>;
  /** The asset inventory: devices by role and Purdue level, graph edges, changes (absent with --no-assets). */
  assets?: { count: number; by_role: Record<string, number>; by_purdue_level: Record<string, number>; edges: number; changes: number; dropped_claims: number };
  workers: number;
  elapsed_seconds: number;
  packets_per_second: number;
}

export function buildStats(c: EngineCounters, inputs: InputStats[], skipped: string[], workers: number, started: Date, elapsed: number, version: string): AnalysisStats {
  const linktypes: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.decode.linktypes)) {
    const name = linktypeName(Number(k));
    linktypes[name] = (linktypes[name] ?? 0) + v;
  }
  const o = c.outcomes;
  const f = c.flows;
  return {
    palisade_version: version,
    started: started.toISOString(),
    inputs,
    skipped_files: skipped,
    packets: c.packets,
    bytes: c.wireBytes,
    captured_bytes: c.capturedBytes,
    outcomes: o,
    decoded: (o.flow ?? 0) + (o.ip_other ?? 0) + (o.l2 ?? 0) + (o.fragment ?? 0),
    linktypes,
    protocols: { layers: c.decode.layers, ethertypes: c.decode.ethertypes, ip_protos: c.decode.ip_protos },
    malformed: c.decode.malformed,
    weird: c.decode.weird,
    internal_errors: c.internalErrors,
    first_internal_error: c.firstInternalError !== '' ? c.firstInternalError : undefined,
    flows: {
      created: f.flowsCreated ?? 0,
      ended: f.flowsEnded ?? 0,
      evicted: f.flowsEvicted ?? 0,
      max_active: f.maxActive ?? 0,
      by_proto: c.flowsByProto,
    },
    tcp_reassembly: {
      gap_bytes: f.tcpGapBytes ?? 0,
      gaps: f.tcpGaps ?? 0,
      cap_hits: f.tcpCapHits ?? 0,
      retransmitted_segments: f.tcpRetransmits ?? 0,
      overlap_conflicts: f.tcpOverlapConflicts ?? 0,
      truncated_payloads: f.tcpTruncatedPayloads ?? 0,
    },
    ip_fragments_incomplete: c.fragmentsInProgress,
    dissectors: c.dissectors,
    workers,
    elapsed_seconds: elapsed,
    packets_per_second: elapsed > 0 ? c.packets / elapsed : 0,
  };
}
