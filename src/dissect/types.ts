// The contract between the flow stage and the protocol dissectors (src/protocols/<id>/).
//
// A protocol is a ProtocolDef registered once (src/protocols/index.ts). For each flow the
// dissect manager (manager.ts) picks at most one top-level protocol per flow: by content
// (`probe`), trying the protocols registered for the flow's port first. The chosen
// protocol's `create` makes a Session that receives the flow's payload in order: TCP as
// reassembled stream chunks and gaps, UDP as one call per datagram. Stacked protocols
// (S7comm on COTP, CIP on ENIP) are children: the parent opens them through
// SessionContext.openChild with its payload, so protocol folders never import each other.
//
// Rules for every session (see docs/dissectors.md):
// - never throw because of what the network sent; bounds-check every read;
// - cap every per-flow resource and raise an event (`<id>.<event>`) when a cap is hit;
// - report problems as events (anomalies), and keep partial results;
// - call ctx.valid(isOrig) for every well-formed message: a flow counts as this protocol
//   (conn `service`) once valid messages were seen in both directions, or at ctx.confirm()
//   for protocols that are one-way by nature (syslog, GOOSE, broadcasts).
// The manager wraps every call in one guard: a bug in a dissector disables that dissector
// for that flow, counts an internal error and raises `<id>.internal_error`.
import type { Packet } from '../decode/packet.ts';
import type { ZeekField } from '../events/zeek-tsv.ts';

/** What a probe says about the first payload bytes of a flow. */
export const PROBE = {
  /** Not this protocol. */
  NO: 0,
  /** Could be; the probe needs more bytes (the manager retries with the next chunks). */
  MAYBE: 1,
  /** A valid message of this protocol starts here. */
  YES: 2,
} as const;
export type ProbeResult = (typeof PROBE)[keyof typeof PROBE];

export type Transport = 'tcp' | 'udp';

/** The flow a session belongs to, as its records name it. Strings are computed once per flow. */
export interface FlowInfo {
  readonly uid: string;
  readonly transport: Transport;
  readonly origH: string;
  readonly origP: number;
  readonly respH: string;
  readonly respP: number;
  /** MAC addresses of the originator and responder (`aa:bb:…`), '' when the link has none. */
  readonly origMac: string;
  readonly respMac: string;
  /** Outer VLAN id, -1 when untagged. */
  readonly vlan: number;
}

/** A record's fields after the common header (ts, uid, id.*), in the order they are to appear. */
export type RecordFields = Record<string, unknown>;

/**
 * The flow a record came from, as one object for the life of the flow (and of its
 * orientation): a sink may keep state of its own for the flow in `assets` instead of looking
 * the flow up by its fields in every record. Only the inventory (AssetBuilder) uses it.
 */
export interface RecordFlow {
  assets: unknown;
}

/** The header of a flow record (see SessionContext.head). */
export interface RecordHead {
  ts: number;
  uid: string;
  'id.orig_h': string;
  'id.orig_p': number;
  'id.resp_h': string;
  'id.resp_p': number;
}

/** What a session may do. One context per session; valid for the session's lifetime. */
export interface SessionContext {
  /** This session's protocol id. */
  readonly protocol: string;
  /** Time of the packet being processed (seconds since the epoch). */
  readonly ts: number;
  readonly flow: FlowInfo;
  /**
   * Writes a record of `type` (declared in the protocol's `records`): ts, uid and the
   * connection id first, then `fields` in their order. `ts` defaults to the packet time
   * (pass the request time for a request/response record).
   */
  record(type: string, fields: RecordFields, ts?: number): void;
  /**
   * The flow header of a record (ts, uid and the connection id; `ts` defaults to the packet
   * time), for a record literal written with rawRecord. The six fields are written out
   * first in the literal:
   *
   *     const hd = ctx.head(ts);
   *     ctx.rawRecord(type, { ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], …, a, b });
   *
   * writes what `ctx.record(type, { a, b }, ts)` does, faster: V8 makes a literal whose
   * fields are all written out in one allocation of its final shape, where record() copies a
   * finished object field by field (about 4× slower). Spreading the header
   * (`{ ...ctx.head(ts), a, b }`) costs nothing for small records, but past about 16 fields
   * each record grows its property store several times: a 47-field cip record took 0.4 µs to
   * make that way, against 0.07 µs written out. The object is reused: read it at once,
   * never keep or change it.
   */
  head(ts?: number): RecordHead;
  /**
   * Writes a record without the flow header (records of layer-2 protocols, or records that
   * carry their own header). `fields` are written as they are.
   */
  rawRecord(type: string, fields: RecordFields): void;
  /**
   * An anomaly: `name` is one of the protocol's declared `events` (without the `<id>.`
   * prefix). It is counted in stats.json and written as a `weird` record (the first few per
   * flow and name). `addl` is a short human-readable detail.
   */
  event(name: string, addl?: string, isOrig?: boolean): void;
  /** A well-formed message was seen from this side. */
  valid(isOrig: boolean): void;
  /** Counts the flow as this protocol now (one-way protocols). */
  confirm(): void;
  /** This is not (or no longer) this protocol: the session gets no more data. */
  reject(reason: string): void;
  /**
   * Finds a child protocol of `parent` (e.g. 'cotp') whose probe accepts this payload and
   * starts a session of it; null when none does. The parent keeps the session and hands it
   * its PDUs (`data(isOrig, d, off, len)`, one call per PDU).
   */
  openChild(parent: string, isOrig: boolean, d: Uint8Array, off: number, len: number): Session | null;
  /** The protocol's state shared by its sessions of this engine (ProtocolDef.shared); null when it has none. */
  readonly shared: SharedState | null;
}

/**
 * State a protocol keeps across the flows of one engine (one per thread), for protocols whose
 * transactions span flows (DHCP: a client's broadcasts and the server's replies travel in
 * different flows). Made by ProtocolDef.shared the first time a session of the protocol asks
 * for it (SessionContext.shared); its context writes records without a flow header. end() runs at the end of input, after every
 * flow ended. With several worker threads each has its own, so a transaction whose flows land
 * in different workers is seen in parts.
 */
export interface SharedState {
  end(): void;
}

/** Per-flow state of one protocol. */
export interface Session {
  /** TCP: the next bytes of one side's stream. UDP (and children): one datagram / PDU. Views: valid during the call only. */
  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void;
  /** TCP: `len` bytes of one side's stream were not captured. */
  gap(isOrig: boolean, len: number): void;
  /** The flow ends: write what is pending (unanswered requests). */
  end(): void;
}

export interface ProbeHint {
  transport: Transport;
  /** The flow's responder port is one registered for this protocol. */
  portMatch: boolean;
  /** The payload comes from the flow's originator. */
  isOrig: boolean;
  srcPort: number;
  dstPort: number;
}

/** Record types a protocol writes, with their Zeek columns (the whole row, header included). */
export type RecordSchemas = Record<string, readonly ZeekField[]>;

export interface ProtocolDef {
  /** The protocol id: folder name, service name, event prefix, record type prefix. */
  readonly id: string;
  /** Well-known ports, tried first and needed by protocols whose probe is weak. */
  readonly tcpPorts?: readonly number[];
  readonly udpPorts?: readonly number[];
  /** Parents this protocol runs inside as a child (`['cotp']`); such a protocol may have no ports. */
  readonly parents?: readonly string[];
  /**
   * Content detection on a flow's first payload (or, for a child, the parent's PDU).
   * Must not throw; must not keep references to `d`.
   */
  probe(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult;
  /**
   * Whether a flow on one of this protocol's ports may be dissected without a probe YES
   * (default false): for protocols whose messages cannot be recognised out of context.
   */
  readonly trustPort?: boolean;
  create(ctx: SessionContext, transport: Transport): Session;
  /** Makes the state the protocol's sessions of one engine share (SessionContext.shared); most protocols have none. */
  shared?(ctx: L2Context): SharedState;
  readonly records: RecordSchemas;
  /** Anomaly events: name (without the `<id>.` prefix) → description. */
  readonly events: Readonly<Record<string, string>>;
}

/** A layer-2 protocol (no IP): LLDP, CDP, PROFINET DCP, GOOSE, … */
export interface L2ProtocolDef {
  readonly id: string;
  /** EtherTypes it handles (after VLAN tags). */
  readonly ethertypes?: readonly number[];
  /** LLC/SNAP frames it handles, as OUI * 65536 + protocol id (CDP: 0x00000c * 65536 + 0x2000). */
  readonly snap?: readonly number[];
  /**
   * The protocol's state for one engine (one per thread): made when its first frame arrives.
   * Non-IP frames are spread over worker threads by their MAC address pair, so state keyed
   * by MAC pair sees all of its frames.
   */
  create(ctx: L2Context): L2Session;
  readonly records: RecordSchemas;
  readonly events: Readonly<Record<string, string>>;
}

export interface L2Session {
  /** One frame: `p` is decoded up to layer 2 (p.l2PayloadOff, p.end, p.macOff, p.vlan, p.frame). Views: valid during the call. */
  frame(p: Packet): void;
  /** End of input: write what is pending (summaries of cyclic traffic). */
  end(): void;
}

export interface L2Context {
  readonly protocol: string;
  readonly ts: number;
  /** Writes a record as given (L2 records carry their own addresses). */
  record(type: string, fields: RecordFields): void;
  /** An anomaly, counted and written as a `weird` record without a flow. */
  event(name: string, addl?: string): void;
}

/** The common header of flow records, as Zeek's `conn_id`. */
export const FLOW_HEADER_FIELDS = [
  { name: 'ts', type: 'time' },
  { name: 'uid', type: 'string' },
  { name: 'id.orig_h', type: 'addr' },
  { name: 'id.orig_p', type: 'port' },
  { name: 'id.resp_h', type: 'addr' },
  { name: 'id.resp_p', type: 'port' },
] as const satisfies readonly ZeekField[];
