// The asset inventory and the communication graph, built from records (never packets).
//
// While records stream in, everything is kept per address: per IP and per MAC address an
// entity with its claims, role features, traffic and services, the MAC↔IP bindings, and
// per initiator→responder IP pair an edge. At the end (finalize) the addresses are folded
// into devices:
// - a MAC address that carries many IPv4 addresses, or announces router capability, is a
//   router: the addresses behind it are devices of their own, keyed by IP;
// - every other IP joins the MAC it is bound to (its own by ARP/DHCP, else the one seen
//   most often on its packets); IPs with no MAC (raw-IP links, hosts behind a router) are
//   keyed by IP; MACs with no IP (layer-2-only devices) by MAC;
// - then vendor by OUI, role and Purdue level, the graph between devices, and changes.
// The result does not depend on the order records arrive in (below the caps on claims per
// field, peers per service and group addresses). Worker threads each build their own and the
// main thread merges their states (exportState, mergeState): the same inventory as one builder.
import { ClaimSet, type Claim } from './claims.ts';
import { isGroupMac, isIPv4, isPrivateIp, isUnicastIp, isUnicastMac, subnetOf } from './addresses.ts';
import { bacnetNetworkMac, CLAIM_FIELDS, CONFIDENCE, isBacnetAddress, isModbusUnitAddress, parseModbusUnitAddress, type ClaimField, type Observer, type OpCategory, type RecordMapper, type Target } from './observe.ts';
import { ouiVendor } from './oui.ts';
import { inferPurdue, inferRole, type Role, type RoleInput } from './roles.ts';


/** A MAC address that carries at least this many IPv4 addresses (or any that came through a router hop) is a router. */
export const ROUTER_MIN_IPV4 = 4;
/** Distinct peers counted exactly per service (beyond it: "at least"). */
const MAX_PEERS = 1024;

interface Service {
  proto: string;
  port: number;
  services: Set<string>;
  flows: number;
  peers: Set<string>;
  first: number;
  last: number;
}

interface Binding {
  own: boolean;
  count: number;
  first: number;
  last: number;
  /** The record type of the earliest observation (of an own binding once there is one; ties: the first name). */
  source: string;
  sourceTs: number;
  /** Flows whose packets from this IP arrived with a TTL a router had decremented, and with an initial TTL. */
  routed: number;
  direct: number;
}

// Entities start with these shared empty collections and get their own on the first write
// (most addresses never need most of them: 10,000 devices would otherwise hold 180,000 Maps).
const NO_CLAIMS: ReadonlyMap<ClaimField, ClaimSet> = new Map();
/** A role feature's count, in a box: counting it is one lookup (or none, see FlowCache). */
interface Count {
  n: number;
}
const NO_COUNTS: ReadonlyMap<string, Count> = new Map();
const NO_TEXT: ReadonlyMap<string, string> = new Map();
const NO_SERVICES: ReadonlyMap<string, Service> = new Map();
const NO_BINDINGS: ReadonlyMap<string, Binding> = new Map();
const NO_STRINGS: ReadonlySet<string> = new Set();
const NO_NUMBERS: ReadonlySet<number> = new Set();

class Entity {
  readonly key: string;
  fields: ReadonlyMap<ClaimField, ClaimSet> = NO_CLAIMS;
  features: ReadonlyMap<string, Count> = NO_COUNTS;
  featureDetail: ReadonlyMap<string, string> = NO_TEXT;
  first = Infinity;
  last = -Infinity;
  pktsSent = 0;
  pktsRecv = 0;
  bytesSent = 0;
  bytesRecv = 0;
  flows = 0;
  offers: ReadonlyMap<string, Service> = NO_SERVICES;
  uses: ReadonlyMap<string, Service> = NO_SERVICES;
  protocols: ReadonlySet<string> = NO_STRINGS;
  vlans: ReadonlySet<number> = NO_NUMBERS;
  /** MAC entities: the IPs seen with this MAC. */
  bindings: ReadonlyMap<string, Binding> = NO_BINDINGS;
  /** IP entities: the MACs seen with this IP (count, first time). */
  macs: ReadonlyMap<string, Binding> = NO_BINDINGS;
  constructor(key: string) {
    this.key = key;
  }
  seen(ts: number): void {
    if (!Number.isFinite(ts)) return;
    if (ts < this.first) this.first = ts;
    if (ts > this.last) this.last = ts;
  }
  claims(field: ClaimField): ClaimSet {
    let c = this.fields.get(field);
    if (c === undefined) {
      const m = this.fields === NO_CLAIMS ? (this.fields = new Map()) : this.fields;
      (m as Map<ClaimField, ClaimSet>).set(field, (c = new ClaimSet()));
    }
    return c;
  }
  /** Counts the feature once; returns its count's box (which FlowCache keeps). */
  feature(name: string, detail: string | undefined): Count {
    const c = this.featureCount(name);
    c.n++;
    if (detail !== undefined && !this.featureDetail.has(name)) {
      (this.featureDetail === NO_TEXT ? (this.featureDetail = new Map()) : (this.featureDetail as Map<string, string>)).set(name, detail);
    }
    return c;
  }
  featureCount(name: string): Count {
    const m = (this.features === NO_COUNTS ? (this.features = new Map()) : this.features) as Map<string, Count>;
    let c = m.get(name);
    if (c === undefined) m.set(name, (c = { n: 0 }));
    return c;
  }
  offersMut(): Map<string, Service> {
    return (this.offers === NO_SERVICES ? (this.offers = new Map()) : this.offers) as Map<string, Service>;
  }
  usesMut(): Map<string, Service> {
    return (this.uses === NO_SERVICES ? (this.uses = new Map()) : this.uses) as Map<string, Service>;
  }
  addProtocols(service: string): void {
    if (service === '') return;
    for (const x of service.split(',')) {
      if (x === '' || this.protocols.has(x)) continue;
      (this.protocols === NO_STRINGS ? (this.protocols = new Set()) : (this.protocols as Set<string>)).add(x);
    }
  }
  addVlan(v: number): void {
    if (this.vlans.has(v)) return;
    (this.vlans === NO_NUMBERS ? (this.vlans = new Set()) : (this.vlans as Set<number>)).add(v);
  }
  bindingsMut(): Map<string, Binding> {
    return (this.bindings === NO_BINDINGS ? (this.bindings = new Map()) : this.bindings) as Map<string, Binding>;
  }
  macsMut(): Map<string, Binding> {
    return (this.macs === NO_BINDINGS ? (this.macs = new Map()) : this.macs) as Map<string, Binding>;
  }
}

/**
 * Feature and operation counts a FlowCache keeps (more are counted on the entity or edge each
 * time). A BACnet or CIP flow reads many properties or attributes: 16 operations cover most
 * (operation names are shared strings, so the scan compares references).
 */
const FLOW_FEATURES = 6;
const FLOW_OPS = 16;

/**
 * What the builder keeps on a flow (RecordFlow.assets): its two addresses as its records
 * name them, their entities and the edge between them once looked up (null: not hosts),
 * and the boxes of the counts its records add to most.
 */
class FlowCache {
  readonly owner: AssetBuilder;
  readonly origIp: string;
  readonly respIp: string;
  orig: Entity | null | undefined = undefined;
  resp: Entity | null | undefined = undefined;
  edge: EdgeAgg | null | undefined = undefined;
  /** The features counted on this flow's records (entity, name, count), in the order first seen; a few at most. */
  readonly featEntity: Entity[] = [];
  readonly featName: string[] = [];
  readonly featCount: Count[] = [];
  /**
   * The operations counted on this flow's records (edge, protocol, category, name, and the
   * count: a box in the edge's `ops`, or null for the edge's first operation, kept inline).
   */
  readonly opEdge: EdgeAgg[] = [];
  readonly opProtocol: string[] = [];
  readonly opCategory: OpCategory[] = [];
  readonly opName: string[] = [];
  readonly opCount: (Count | null)[] = [];
  constructor(owner: AssetBuilder, origIp: string, respIp: string) {
    this.owner = owner;
    this.origIp = origIp;
    this.respIp = respIp;
  }
}

interface EdgeAgg {
  orig: string;
  resp: string;
  flows: number;
  packets: number;
  bytes: number;
  first: number;
  last: number;
  /** The first transport port seen (`tcp/502`) and its flows, packets, bytes; others in `more`. */
  port: string;
  pf: number;
  pp: number;
  pb: number;
  more: Map<string, number[]> | null;
  /** Confirmed application protocols, `,modbus,s7comm,` (a string holds 100,000 edges in little memory). */
  services: string;
  /** The first operation seen (`protocol \t category \t name`) and its count; the others in `ops`. */
  op: string;
  opc: number;
  ops: Map<string, Count> | null;
}

// ---- the inventory as written to assets.json ----

export interface ServiceJSON {
  proto: string;
  port: number;
  /** Application protocols confirmed on it (conn `service`), comma-joined; '' when none. */
  service: string;
  flows: number;
  /** Distinct clients (services offered) or servers (services used); capped at 1024. */
  peers: number;
  first_seen: number;
  last_seen: number;
}

export interface AssetJSON {
  id: string;
  /**
   * What the asset is keyed by: its MAC address (a device on a captured segment), its IP
   * (behind a router, or no MAC seen), its BACnet address (a BACnet device on another
   * BACnet network, reached through a BACnet router: no IP of its own), or its Modbus unit id
   * and gateway (a serial device behind a Modbus/TCP gateway: no IP of its own).
   */
  key: AssetKey;
  mac: Claim[];
  ipv4: Claim[];
  ipv6: Claim[];
  vlans: number[];
  names: Claim[];
  vendor: Claim[];
  model: Claim[];
  firmware: Claim[];
  serial: Claim[];
  os: Claim[];
  device_type: Claim[];
  software: Claim[];
  hardware: Claim[];
  role: { value: Role; confidence: number; reasons: string[]; alternatives: { role: Role; confidence: number }[] };
  purdue_level: { level: number | null; reason: string };
  services_offered: ServiceJSON[];
  services_used: ServiceJSON[];
  protocols: string[];
  /** Role features and how often each was seen (the evidence behind `role`). */
  features: Record<string, number>;
  first_seen: number;
  last_seen: number;
  packets_sent: number;
  packets_received: number;
  bytes_sent: number;
  bytes_received: number;
  flows: number;
  /** The subnet(s) of its IP addresses (/24 or /64), for grouping the map. */
  subnets: string[];
  /** A BACnet device behind a BACnet router: its address, `network:mac` (`26001:72`); [] for the others. */
  bacnet: Claim[];
  /**
   * A BACnet device behind a BACnet router: the IP of the router (or BBMD) that carried its
   * messages; a Modbus device behind a gateway: the gateway's IP; [] for the others.
   */
  routed_via: Claim[];
  /**
   * Modbus unit ids: for a Modbus/TCP server, those it answered requests for (with a response
   * that is not a gateway exception), its own and those of the devices behind it when it is a
   * gateway; for a device behind a gateway (key `modbus`), its own. [] for the others.
   */
  modbus_units: number[];
}

/** What an asset is keyed by (see AssetJSON.key). */
export type AssetKey = 'mac' | 'ip' | 'bacnet' | 'modbus';

export interface EdgeJSON {
  id: string;
  /** Initiator (connection originator) and responder asset ids. */
  source: string;
  target: string;
  /**
   * The target is a device behind the source, a BACnet router or Modbus gateway that carries
   * its messages (the target's `routed_via`). The link between them is on a network the
   * capture did not see (BACnet MS/TP, a serial bus): an edge made for it alone has no flows,
   * ports or operations, and its times are those of the routed_via claim.
   */
  routed: boolean;
  flows: number;
  packets: number;
  bytes: number;
  first_seen: number;
  last_seen: number;
  /** Transport ports used (`tcp/502`) with flows, packets and bytes. */
  ports: { port: string; flows: number; packets: number; bytes: number }[];
  /**
   * Application protocols confirmed on the edge's flows, those of its operations (an
   * operation on a device behind a gateway travels on the gateway's flows), and on a routed
   * edge the protocol of the route (`bacnet`, `modbus`).
   */
  protocols: string[];
  /** Operations the source performed on the target, by protocol: name → count and category. */
  operations: Record<string, Record<string, { count: number; category: OpCategory }>>;
  /** Totals per category over every protocol (read, write, program, control, discovery, other). */
  operation_totals: Record<string, number>;
}

export interface AssetChange {
  ts: number;
  /** `new_asset`, `firmware_changed`, `serial_changed`, `model_changed`, `vendor_changed`, `mac_new_ip`, `ip_new_mac`. */
  change: string;
  asset_id: string;
  field?: string;
  old_value?: string;
  new_value?: string;
  /** Record type and flow uid that showed the new value. */
  source?: string;
  uid?: string;
  description: string;
}

export interface Inventory {
  assets: AssetJSON[];
  edges: EdgeJSON[];
  changes: AssetChange[];
  /** First and last record time seen. */
  span: { first: number; last: number };
  /** Observations dropped by caps (claims per field). */
  dropped_claims: number;
}

// ---- the builder's state as plain data (a worker thread's, sent to the main thread) ----

export interface BindingState extends Binding {
  key: string;
}

export interface ServiceState {
  key: string;
  proto: string;
  port: number;
  services: string[];
  flows: number;
  peers: string[];
  first: number;
  last: number;
}

export interface EntityState {
  key: string;
  /** Per field: its claims and the observations its cap dropped. */
  claims: [ClaimField, Claim[], number][];
  features: [string, number][];
  featureDetail: [string, string][];
  first: number;
  last: number;
  pktsSent: number;
  pktsRecv: number;
  bytesSent: number;
  bytesRecv: number;
  flows: number;
  offers: ServiceState[];
  uses: ServiceState[];
  protocols: string[];
  vlans: number[];
  bindings: BindingState[];
  macs: BindingState[];
}

export interface EdgeState {
  orig: string;
  resp: string;
  flows: number;
  packets: number;
  bytes: number;
  first: number;
  last: number;
  /** Transport port, flows, packets, bytes. */
  ports: [string, number, number, number][];
  /** `,modbus,s7comm,` */
  services: string;
  /** `protocol \t category \t name` and count. */
  ops: [string, number][];
}

/** Everything an AssetBuilder has gathered, as plain data (structured-clone and JSON friendly but for ±Infinity times). */
export interface AssetBuilderState {
  first: number;
  last: number;
  ips: EntityState[];
  macs: EntityState[];
  edges: EdgeState[];
  groupIps: string[];
  recordsSeen: [string, number][];
}

/** Seconds after the first record during which new devices are expected (learning period). */
export const NEW_ASSET_AFTER = 3600;

export class AssetBuilder implements Observer {
  private readonly ips = new Map<string, Entity>();
  private readonly macs = new Map<string, Entity>();
  /** Edges by initiator IP, then responder IP (no key string per edge). */
  private readonly edges = new Map<string, Map<string, EdgeAgg>>();
  private readonly mappers: ReadonlyMap<string, RecordMapper>;
  private first = Infinity;
  private last = -Infinity;
  /** IPs seen as the destination of frames to a broadcast or multicast MAC (directed broadcasts). */
  private readonly groupIps = new Set<string>();
  /** Per record type: records seen (what the inventory was built from) and its mapper. */
  private readonly types = new Map<string, { n: number; mapper: RecordMapper | undefined }>();

  /** Records seen per type. */
  get recordsSeen(): ReadonlyMap<string, number> {
    return new Map([...this.types].map(([t, x]) => [t, x.n]));
  }

  /** The slot of the previous record's type (null before the first record). */
  private lastType: string | null = null;
  private lastSlot: { n: number; mapper: RecordMapper | undefined } = { n: 0, mapper: undefined };

  private typeSlot(type: string): { n: number; mapper: RecordMapper | undefined } {
    if (type === this.lastType) return this.lastSlot;
    let x = this.types.get(type);
    if (x === undefined) this.types.set(type, (x = { n: 0, mapper: this.mappers.get(type) }));
    this.lastType = type;
    this.lastSlot = x;
    return x;
  }

  constructor(mappers: ReadonlyMap<string, RecordMapper>) {
    this.mappers = mappers;
  }

  /**
   * One record of any type (a RecordSink). `flow`, when given, stands for the record's flow
   * for as long as the flow lasts: the builder keeps the flow's two IP entities and its edge
   * on it, so records after the first find them without a lookup.
   */
  write(type: string, record: object, flow?: { assets: unknown }): void {
    const r = record as Record<string, unknown>;
    const slot = this.typeSlot(type);
    slot.n++;
    const ts = typeof r.ts === 'number' ? r.ts : NaN;
    if (Number.isFinite(ts)) {
      if (ts < this.first) this.first = ts;
      if (ts > this.last) this.last = ts;
    }
    if (type === 'conn') {
      this.conn(r);
      return;
    }
    if (slot.mapper === undefined) return;
    this.cur = flow === undefined ? null : this.flowCache(flow, r);
    try {
      slot.mapper(r, this);
    } finally {
      this.cur = null;
    }
  }

  /**
   * Counts a record of `type` that its mapper passes over, not given to write(): its line
   * lacked what LINE_NEEDS says every line the mapper reads holds. Its time is in the span
   * the feed sends (span()).
   */
  passed(type: string): void {
    this.typeSlot(type).n++;
  }

  /**
   * Widens the span of record times (the inventory's `span`, and the start of its learning
   * period) by records this builder was not given: those no mapper reads (AssetFeed).
   */
  span(first: number, last: number): void {
    if (first < this.first) this.first = first;
    if (last > this.last) this.last = last;
  }

  /** The entities and edge of the current record's flow (null: a record of no flow). */
  private cur: FlowCache | null = null;

  private flowCache(flow: { assets: unknown }, r: Record<string, unknown>): FlowCache | null {
    const c = flow.assets;
    if (c instanceof FlowCache && c.owner === this) return c;
    const o = r['id.orig_h'];
    const p = r['id.resp_h'];
    if (typeof o !== 'string' || typeof p !== 'string') return null;
    // A flow belongs to one engine, so to one builder; the owner check keeps two builders fed
    // the same records (tests) apart.
    const n = new FlowCache(this, o, p);
    flow.assets = n;
    return n;
  }

  // ---- state export and merge (worker threads) ----

  /** What this builder has gathered, as plain data: another builder merges it with mergeState. */
  exportState(): AssetBuilderState {
    const edges: EdgeState[] = [];
    for (const byResp of this.edges.values()) for (const e of byResp.values()) edges.push(edgeState(e));
    return {
      first: this.first,
      last: this.last,
      ips: [...this.ips.values()].map(entityState),
      macs: [...this.macs.values()].map(entityState),
      edges,
      groupIps: [...this.groupIps],
      recordsSeen: [...this.recordsSeen],
    };
  }

  /**
   * Adds another builder's state: afterwards this builder holds what it would hold had it
   * seen that builder's records too (in any order), so finalize() gives the same inventory.
   */
  mergeState(s: AssetBuilderState): void {
    if (s.first < this.first) this.first = s.first;
    if (s.last > this.last) this.last = s.last;
    for (const e of s.ips) {
      let t = this.ips.get(e.key);
      if (t === undefined) this.ips.set(e.key, (t = new Entity(e.key)));
      mergeEntity(t, e);
    }
    for (const e of s.macs) {
      let t = this.macs.get(e.key);
      if (t === undefined) this.macs.set(e.key, (t = new Entity(e.key)));
      mergeEntity(t, e);
    }
    for (const x of s.edges) {
      let byResp = this.edges.get(x.orig);
      if (byResp === undefined) this.edges.set(x.orig, (byResp = new Map()));
      const e = byResp.get(x.resp);
      if (e === undefined) byResp.set(x.resp, edgeFromState(x));
      else mergeEdge(e, x);
    }
    for (const ip of s.groupIps) if (this.groupIps.size < 65536) this.groupIps.add(ip);
    for (const [t, n] of s.recordsSeen) this.typeSlot(t).n += n;
  }

  /** Addresses already classified (records name the same few addresses over and over). */
  private readonly unicast = new Map<string, boolean>();

  private isHost(ip: string): boolean {
    let u = this.unicast.get(ip);
    if (u === undefined) {
      u = isBacnetAddress(ip) || isModbusUnitAddress(ip) || isUnicastIp(ip);
      if (this.unicast.size >= 1 << 20) this.unicast.clear();
      this.unicast.set(ip, u);
    }
    return u;
  }

  private ip(ip: string): Entity | null {
    const e = this.ips.get(ip);
    if (e !== undefined) return e;
    if (!this.isHost(ip)) return null;
    const n = new Entity(ip);
    this.ips.set(ip, n);
    return n;
  }

  /**
   * A BACnet device behind a router (key: bacnetAddress), kept with the IP entities so that
   * edges and worker merges treat it as one more address; its `bindings` are the routers'
   * IPs that carried its messages.
   */
  private bacnetDevice(key: string, via: string | undefined, ts: number): Entity {
    let e = this.ips.get(key);
    if (e === undefined) this.ips.set(key, (e = new Entity(key)));
    e.seen(ts);
    e.addProtocols('bacnet');
    if (via !== undefined && via !== '') bindOne(e.bindingsMut(), via, false, 'bacnet', ts);
    return e;
  }

  private mac(mac: string): Entity | null {
    if (!isUnicastMac(mac)) return null;
    let e = this.macs.get(mac);
    if (e === undefined) this.macs.set(mac, (e = new Entity(mac)));
    return e;
  }

  /** The IP entities of the last two targets: consecutive records mostly name the same addresses. */
  private lastTargetIp = '';
  private lastTargetEntity: Entity | null = null;
  private prevTargetIp = '';
  private prevTargetEntity: Entity | null = null;

  private target(t: Target, ts: number): Entity | null {
    if (t.bacnet !== undefined && t.bacnet !== '') return this.bacnetDevice(t.bacnet, t.via, ts);
    if (t.mac !== undefined && t.mac !== '') return this.mac(t.mac);
    const ip = t.ip;
    if (ip === undefined) return null;
    return this.targetIp(ip);
  }

  private targetIp(ip: string): Entity | null {
    if (ip === '') return null;
    const c = this.cur;
    if (c !== null) {
      if (ip === c.origIp) return c.orig !== undefined ? c.orig : (c.orig = this.ip(ip));
      if (ip === c.respIp) return c.resp !== undefined ? c.resp : (c.resp = this.ip(ip));
    }
    if (ip === this.lastTargetIp && this.lastTargetEntity !== null) return this.lastTargetEntity;
    // The two ends of a flow take turns (request, response): the one before is kept too.
    if (ip === this.prevTargetIp && this.prevTargetEntity !== null) {
      const e = this.prevTargetEntity;
      this.prevTargetIp = this.lastTargetIp;
      this.prevTargetEntity = this.lastTargetEntity;
      this.lastTargetIp = ip;
      this.lastTargetEntity = e;
      return e;
    }
    const e = this.ip(ip);
    if (e !== null) {
      this.prevTargetIp = this.lastTargetIp;
      this.prevTargetEntity = this.lastTargetEntity;
      this.lastTargetIp = ip;
      this.lastTargetEntity = e;
    }
    return e;
  }

  // ---- Observer ----

  claim(t: Target, field: ClaimField, value: string, confidence: number, source: string, ts: number, uid: string | undefined, recordField: string, kind?: string): void {
    const v = value.trim();
    if (v === '') return;
    const e = this.target(t, ts);
    if (e === null) return;
    e.seen(ts);
    e.claims(field).add({ value: v.length > 200 ? v.slice(0, 200) : v, source, confidence, ts, uid, field: recordField, kind });
  }

  bind(mac: string, ip: string, own: boolean, source: string, ts: number): void {
    const m = this.mac(mac);
    const i = this.ip(ip);
    if (m === null || i === null) return;
    bindOne(m.bindingsMut(), ip, own, source, ts);
    bindOne(i.macsMut(), mac, own, source, ts);
    m.seen(ts);
    i.seen(ts);
  }

  feature(t: Target, feature: string, ts: number, detail?: string): void {
    const e = this.target(t, ts);
    if (e !== null) this.featureOf(e, feature, ts, detail);
  }

  featureIp(ip: string, feature: string, ts: number): void {
    const e = this.targetIp(ip);
    if (e !== null) this.featureOf(e, feature, ts, undefined);
  }

  private featureOf(e: Entity, feature: string, ts: number, detail: string | undefined): void {
    e.seen(ts);
    const c = this.cur;
    if (c === null || detail !== undefined) {
      e.feature(feature, detail);
      return;
    }
    // A flow's records report the same few features again and again: their counts are kept on the flow.
    const es = c.featEntity;
    const ns = c.featName;
    for (let i = 0; i < es.length; i++) {
      if (es[i] === e && ns[i] === feature) {
        c.featCount[i].n++;
        return;
      }
    }
    const n = e.feature(feature, undefined);
    if (es.length < FLOW_FEATURES) {
      es.push(e);
      ns.push(feature);
      c.featCount.push(n);
    }
  }

  op(origIp: string, respIp: string, protocol: string, name: string, category: OpCategory, ts: number): void {
    // An edge's ends are hosts (checked when it was made): only a new pair is checked.
    const e = this.edge(origIp, respIp, ts, true);
    if (e === null) return;
    if (category === 'write' || category === 'program' || category === 'control') this.featureIp(origIp, 'ics_write', ts);
    // A flow's records repeat a few operations: their counts are kept on the flow.
    const c = this.cur;
    if (c !== null) {
      const ns = c.opName;
      for (let i = 0; i < ns.length; i++) {
        if (ns[i] === name && c.opEdge[i] === e && c.opProtocol[i] === protocol && c.opCategory[i] === category) {
          const b = c.opCount[i];
          if (b === null) e.opc++;
          else b.n++;
          return;
        }
      }
    }
    const k = this.opKey(protocol, category, name);
    const b = addOp(e, k, 1);
    if (c !== null && c.opName.length < FLOW_OPS) {
      c.opEdge.push(e);
      c.opProtocol.push(protocol);
      c.opCategory.push(category);
      c.opName.push(name);
      c.opCount.push(b);
    }
  }

  /** Operation keys by protocol, category and name: one string per kind of operation, not one per record. */
  private readonly opKeys = new Map<string, Map<OpCategory, Map<string, string>>>();

  private lastOpProtocol = '';
  private lastOpCategory = '';
  private lastOpName = '';
  private lastOpKey = '';

  private opKey(protocol: string, category: OpCategory, name: string): string {
    if (name === this.lastOpName && protocol === this.lastOpProtocol && category === this.lastOpCategory) return this.lastOpKey;
    let byCat = this.opKeys.get(protocol);
    if (byCat === undefined) this.opKeys.set(protocol, (byCat = new Map()));
    let byName = byCat.get(category);
    if (byName === undefined) byCat.set(category, (byName = new Map()));
    let k = byName.get(name);
    if (k === undefined) {
      k = `${protocol}\t${category}\t${name}`;
      // Names can carry data (a TFTP file name): past a few thousand kinds, keys are made, not kept.
      if (byName.size < 4096) byName.set(name, k);
    }
    this.lastOpProtocol = protocol;
    this.lastOpCategory = category;
    this.lastOpName = name;
    this.lastOpKey = k;
    return k;
  }

  /** The edge of the previous call: consecutive records mostly belong to one flow. */
  private lastEdge: EdgeAgg | null = null;

  /** The edge from `orig` to `resp`, made when new; with `hostsOnly`, null for a new pair whose ends are not both hosts. */
  private edge(orig: string, resp: string, ts: number, hostsOnly: true): EdgeAgg | null;
  private edge(orig: string, resp: string, ts: number): EdgeAgg;
  private edge(orig: string, resp: string, ts: number, hostsOnly = false): EdgeAgg | null {
    const c = this.cur;
    if (c !== null && orig === c.origIp && resp === c.respIp) {
      const e = c.edge;
      if (e === undefined) {
        const made = this.edgeLookup(orig, resp, ts, hostsOnly);
        // A pair of non-hosts has no edge for operations; conn records (no flow) still make one.
        if (made !== null || hostsOnly) c.edge = made;
        return made;
      }
      if (e === null) return hostsOnly ? null : this.edgeLookup(orig, resp, ts, false);
      if (ts < e.first) e.first = ts;
      if (ts > e.last) e.last = ts;
      return e;
    }
    return this.edgeLookup(orig, resp, ts, hostsOnly);
  }

  private edgeLookup(orig: string, resp: string, ts: number, hostsOnly: boolean): EdgeAgg | null {
    const last = this.lastEdge;
    if (last !== null && last.orig === orig && last.resp === resp) {
      if (ts < last.first) last.first = ts;
      if (ts > last.last) last.last = ts;
      return last;
    }
    let byResp = this.edges.get(orig);
    let e = byResp?.get(resp);
    if (e === undefined) {
      if (hostsOnly && (!this.isHost(orig) || !this.isHost(resp))) return null;
      // A BACnet device behind a router that is only ever addressed is a device all the same.
      if (isBacnetAddress(orig)) this.bacnetDevice(orig, undefined, ts);
      if (isBacnetAddress(resp)) this.bacnetDevice(resp, undefined, ts);
      if (byResp === undefined) this.edges.set(orig, (byResp = new Map()));
      byResp.set(resp, (e = newEdge(orig, resp, ts)));
    }
    if (ts < e.first) e.first = ts;
    if (ts > e.last) e.last = ts;
    this.lastEdge = e;
    return e;
  }

  // ---- conn: traffic, services, bindings, edges ----

  private conn(r: Record<string, unknown>): void {
    // The engine's conn records always have these; one from elsewhere (a database) may not.
    if (typeof r.ts !== 'number' || typeof r['id.orig_h'] !== 'string' || typeof r['id.resp_h'] !== 'string') return;
    const ts = r.ts;
    const dur = typeof r.duration === 'number' ? r.duration : 0;
    const end = ts + dur;
    const oh = r['id.orig_h'] as string;
    const rh = r['id.resp_h'] as string;
    const proto = r.proto as string;
    const rp = r['id.resp_p'] as number;
    const service = typeof r.service === 'string' ? r.service : '';
    const oPk = (r.orig_pkts as number) ?? 0;
    const rPk = (r.resp_pkts as number) ?? 0;
    const oB = (r.orig_ip_bytes as number) ?? 0;
    const rB = (r.resp_ip_bytes as number) ?? 0;
    const vlan = typeof r.vlan === 'number' ? r.vlan : -1;
    const o = this.ip(oh);
    const s = this.ip(rh);
    const om = typeof r.orig_l2_addr === 'string' ? r.orig_l2_addr : '';
    const rm = typeof r.resp_l2_addr === 'string' ? r.resp_l2_addr : '';
    const ot = typeof r.orig_ttl === 'number' ? r.orig_ttl : -1;
    const rt = typeof r.resp_ttl === 'number' ? r.resp_ttl : -1;
    if (om !== '') this.bindTtl(om, oh, ts, ot);
    if (rm !== '') this.bindTtl(rm, rh, ts, rt);
    if (rm !== '' && isGroupMac(rm) && this.groupIps.size < 65536) this.groupIps.add(rh);
    if (ot >= 0) this.ttlHint(oh, ot, typeof r.orig_syn_window === 'number' ? r.orig_syn_window : -1, ts, r.uid as string, 'orig_ttl');
    if (rt >= 0) this.ttlHint(rh, rt, typeof r.resp_syn_window === 'number' ? r.resp_syn_window : -1, ts, r.uid as string, 'resp_ttl');
    const answered = rPk > 0 && (proto !== 'tcp' || respAnswered(r));
    const svcKey = proto === 'icmp' ? 'icmp' : `${proto}/${rp}`;
    if (o !== null) {
      o.seen(ts);
      o.seen(end);
      o.flows++;
      o.pktsSent += oPk;
      o.pktsRecv += rPk;
      o.bytesSent += oB;
      o.bytesRecv += rB;
      if (vlan >= 0) o.addVlan(vlan);
      o.addProtocols(service);
      if (answered && proto !== 'icmp') addService(o.usesMut(), proto, rp, service, rh, ts, end);
    }
    if (s !== null) {
      s.seen(ts);
      s.seen(end);
      s.flows++;
      s.pktsSent += rPk;
      s.pktsRecv += oPk;
      s.bytesSent += rB;
      s.bytesRecv += oB;
      if (vlan >= 0) s.addVlan(vlan);
      s.addProtocols(service);
      if (answered && proto !== 'icmp') addService(s.offersMut(), proto, rp, service, oh, ts, end);
    }
    if (o !== null && s !== null) {
      const e = this.edge(oh, rh, ts);
      if (end > e.last) e.last = end;
      e.flows++;
      e.packets += oPk + rPk;
      e.bytes += oB + rB;
      addPort(e, svcKey, 1, oPk + rPk, oB + rB);
      if (service !== '') addServices(e, service);
    }
  }

  /** A conn binding, with what the TTL says about the path (a router in between or not). */
  private bindTtl(mac: string, ip: string, ts: number, ttl: number): void {
    this.bind(mac, ip, false, 'conn', ts);
    if (ttl < 0) return;
    const b = this.macs.get(mac)?.bindings.get(ip);
    if (b === undefined) return;
    if (INITIAL_TTLS.has(ttl)) b.direct++;
    else b.routed++;
  }

  /** The initial TTL (and SYN window) as an OS hint. */
  private ttlHint(ip: string, ttl: number, win: number, ts: number, uid: string, field: string): void {
    const initial = ttl <= 32 ? 32 : ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
    const os = initial === 128 ? 'Windows' : initial === 64 ? 'Linux/Unix' : initial === 255 ? 'network device or embedded OS' : '';
    if (os === '') return;
    this.claim({ ip }, 'os', os, CONFIDENCE.HEURISTIC, 'conn', ts, uid, win >= 0 ? `${field} (initial ${initial}), syn window ${win}` : `${field} (initial ${initial})`);
  }

  // ---- the devices ----

  finalize(): Inventory {
    // 1. Routers: MACs that carry many IPv4 addresses or say they route.
    const routers = new Set<string>();
    for (const [mac, m] of this.macs) {
      let v4 = 0;
      let remote = false;
      for (const [ip, b] of m.bindings) {
        if (isIPv4(ip)) v4++;
        if (b.own) continue;
        // Packets from an address that a router's hop decremented came through this MAC; without
        // TTLs, a public address is taken to be remote.
        if (b.routed > b.direct || (b.routed + b.direct === 0 && !isPrivateIp(ip))) remote = true;
      }
      if (v4 >= ROUTER_MIN_IPV4 || remote || (m.features.get('lldp_router')?.n ?? 0) > 0 || (m.features.get('cdp_router')?.n ?? 0) > 0) routers.add(mac);
    }
    // 2. Each IP's device: the MAC that owns it (ARP/DHCP), else the non-router MAC seen most with it.
    const ipOwner = new Map<string, string>();
    for (const [ip, e] of this.ips) {
      let best: [string, Binding] | null = null;
      for (const [mac, b] of e.macs) {
        if (routers.has(mac) && !b.own) continue;
        if (best === null || (b.own && !best[1].own) || (b.own === best[1].own && (b.count > best[1].count || (b.count === best[1].count && mac < best[0])))) best = [mac, b];
      }
      if (best !== null) ipOwner.set(ip, best[0]);
    }
    const members = new Map<string, string[]>(); // asset id → ip list
    const assetOfIp = new Map<string, string>();
    const assets = new Map<string, FinalAsset>();
    for (const [mac, m] of this.macs) assets.set(`mac:${mac}`, { id: `mac:${mac}`, key: 'mac', mac: m, ips: [], units: new Set() });
    const modbusUnits: Entity[] = [];
    for (const [ip, e] of this.ips) {
      if (isBacnetAddress(ip)) {
        // A BACnet device behind a router: an asset of its own, keyed (and named) by its address.
        assets.set(ip, { id: ip, key: 'bacnet', mac: null, ips: [e], units: new Set() });
        assetOfIp.set(ip, ip);
        continue;
      }
      if (isModbusUnitAddress(ip)) {
        modbusUnits.push(e);
        continue;
      }
      // A directed broadcast (10.0.0.255 sent to ff:ff:ff:ff:ff:ff) is no device.
      if (e.macs.size === 0 && this.groupIps.has(ip)) continue;
      const owner = ipOwner.get(ip);
      const id = owner !== undefined ? `mac:${owner}` : `ip:${ip}`;
      let a = assets.get(id);
      if (a === undefined) assets.set(id, (a = { id, key: 'ip', mac: null, ips: [], units: new Set() }));
      a.ips.push(e);
      assetOfIp.set(ip, id);
      let l = members.get(id);
      if (l === undefined) members.set(id, (l = []));
      l.push(ip);
    }
    // What answered for each Modbus unit id: a device of its own behind a gateway, or the server.
    this.modbusDevices(modbusUnits, assets, assetOfIp);

    // 3. Per asset: fold the entities.
    const out: AssetJSON[] = [];
    const roleInputs = new Map<string, RoleInput>();
    for (const a of assets.values()) {
      const parts = [...(a.mac !== null ? [a.mac] : []), ...a.ips.sort((x, y) => (x.key < y.key ? -1 : 1))];
      const fields = new Map<ClaimField, ClaimSet>();
      for (const f of CLAIM_FIELDS) fields.set(f, new ClaimSet());
      const features = new Map<string, number>();
      const offers = new Map<string, Service>();
      const uses = new Map<string, Service>();
      const protocols = new Set<string>();
      const vlans = new Set<number>();
      let first = Infinity;
      let last = -Infinity;
      let pktsSent = 0, pktsRecv = 0, bytesSent = 0, bytesRecv = 0, flows = 0;
      for (const e of parts) {
        for (const [k, c] of e.fields) fields.get(k)!.merge(c);
        for (const [k, c] of e.features) features.set(k, (features.get(k) ?? 0) + c.n);
        mergeServices(offers, e.offers);
        mergeServices(uses, e.uses);
        for (const p of e.protocols) protocols.add(p);
        for (const v of e.vlans) vlans.add(v);
        first = Math.min(first, e.first);
        last = Math.max(last, e.last);
        // A MAC entity has no traffic of its own (conn counts go to IPs); L2 protocols are features.
        pktsSent += e.pktsSent;
        pktsRecv += e.pktsRecv;
        bytesSent += e.bytesSent;
        bytesRecv += e.bytesRecv;
        flows += e.flows;
      }
      // Addresses as claims.
      const macClaims = new ClaimSet();
      const v4 = new ClaimSet();
      const v6 = new ClaimSet();
      if (a.mac !== null) {
        macClaims.add({ value: a.mac.key, source: firstSource(a.mac), confidence: 100, ts: a.mac.first, field: 'l2 address' });
        for (const [ip, b] of a.mac.bindings) {
          if (routers.has(a.mac.key) && !b.own) continue;
          if (a.key === 'mac' && assetOfIp.get(ip) !== a.id) continue;
          addressClaim(isIPv4(ip) ? v4 : v6, ip, b);
        }
        const vendor = ouiVendor(a.mac.key);
        if (vendor !== '') fields.get('vendor')!.add({ value: vendor, source: 'oui', confidence: CONFIDENCE.TABLE, ts: a.mac.first, field: 'mac prefix' });
      }
      const bacnet = new ClaimSet();
      const via = new ClaimSet();
      for (const e of a.ips) {
        if (a.key === 'bacnet') {
          bacnet.add({ value: bacnetNetworkMac(e.key), source: firstSource(e), confidence: 100, ts: e.first, field: 'network and mac address' });
          for (const [ip, b] of e.bindings) bindingClaim(via, ip, b, 70, 'router address');
          continue;
        }
        if (isModbusUnitAddress(e.key)) {
          // A unit's observations: the device's own (key modbus), or the server's (folded in).
          if (a.key === 'modbus') bindingClaim(via, parseModbusUnitAddress(e.key).ip, { source: 'modbus', first: e.first, last: e.last }, 70, 'gateway address');
          continue;
        }
        if (a.mac === null) {
          for (const [mac, b] of e.macs) macClaims.add({ value: mac, source: b.source, confidence: 30, ts: b.first, field: routers.has(mac) ? 'router l2 address' : 'l2 address' });
        }
        const isv4 = isIPv4(e.key);
        const set = isv4 ? v4 : v6;
        if (!set.has(e.key)) set.add({ value: e.key, source: 'conn', confidence: 70, ts: e.first, field: 'ip address' });
      }
      const ipList = [...v4.values(), ...v6.values()];
      const deviceTypes = fields.get('device_type')!.values().map((s) => s.toLowerCase());
      // Busiest first (not in the order the records came), so the reasons read the same in any run.
      const offered = servicesJSON(offers);
      const used = servicesJSON(uses);
      const input: RoleInput = {
        features,
        offers: offered.map((s) => ({ proto: s.proto, port: s.port, service: s.service, clients: s.peers })),
        uses: used.map((s) => ({ proto: s.proto, port: s.port, service: s.service, servers: s.peers })),
        fronting: a.mac !== null && routers.has(a.mac.key),
        deviceTypes,
        ips: ipList,
        isPublic: ipList.length > 0 && ipList.every((ip) => !isPrivateIp(ip)),
      };
      roleInputs.set(a.id, input);
      const role = inferRole(input);
      const names = fields.get('name')!;
      out.push({
        id: a.id,
        key: a.key,
        // An IP asset lists the MACs seen with it: those of the router(s) in front of it.
        mac: macClaims.list(),
        ipv4: v4.list(),
        ipv6: v6.list(),
        vlans: [...vlans].sort((x, y) => x - y),
        names: names.list(),
        vendor: fields.get('vendor')!.list(),
        model: fields.get('model')!.list(),
        firmware: fields.get('firmware')!.list(),
        serial: fields.get('serial')!.list(),
        os: fields.get('os')!.list(),
        device_type: fields.get('device_type')!.list(),
        software: fields.get('software')!.list(),
        hardware: fields.get('hardware')!.list(),
        role: { value: role.role, confidence: role.confidence, reasons: role.reasons, alternatives: role.alternatives },
        purdue_level: { level: null, reason: '' },
        services_offered: offered,
        services_used: used,
        protocols: [...protocols].sort(),
        features: Object.fromEntries([...features].sort((x, y) => (x[0] < y[0] ? -1 : 1))),
        first_seen: Number.isFinite(first) ? first : 0,
        last_seen: Number.isFinite(last) ? last : 0,
        packets_sent: pktsSent,
        packets_received: pktsRecv,
        bytes_sent: bytesSent,
        bytes_received: bytesRecv,
        flows,
        subnets: [...new Set(ipList.map(subnetOf).filter((s) => s !== ''))].sort(),
        bacnet: bacnet.list(),
        routed_via: via.list(),
        modbus_units: [...a.units].sort((x, y) => x - y),
      });
    }
    out.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

    // 4. The graph between devices.
    const edgeMap = new Map<string, EdgeJSON>();
    for (const byResp of this.edges.values()) for (const e of byResp.values()) {
      const src = assetOfIp.get(e.orig);
      // Operations on a Modbus unit that never answered (no entity) belong to the server.
      const dst = assetOfIp.get(e.resp) ?? (isModbusUnitAddress(e.resp) ? assetOfIp.get(parseModbusUnitAddress(e.resp).ip) : undefined);
      if (src === undefined || dst === undefined || src === dst) continue;
      const id = `${src}>${dst}`;
      let j = edgeMap.get(id);
      if (j === undefined) {
        j = { id, source: src, target: dst, routed: false, flows: 0, packets: 0, bytes: 0, first_seen: e.first, last_seen: e.last, ports: [], protocols: [], operations: {}, operation_totals: {} };
        edgeMap.set(id, j);
      }
      j.flows += e.flows;
      j.packets += e.packets;
      j.bytes += e.bytes;
      j.first_seen = Math.min(j.first_seen, e.first);
      j.last_seen = Math.max(j.last_seen, e.last);
      const ports: [string, number[]][] = e.port === '' ? [] : [[e.port, [e.pf, e.pp, e.pb]]];
      if (e.more !== null) ports.push(...e.more);
      for (const [port, [f, p, b]] of ports) {
        const cur = j.ports.find((x) => x.port === port);
        if (cur === undefined) j.ports.push({ port, flows: f, packets: p, bytes: b });
        else {
          cur.flows += f;
          cur.packets += p;
          cur.bytes += b;
        }
      }
      for (const s of e.services.split(',')) if (s !== '' && !j.protocols.includes(s)) j.protocols.push(s);
      const ops: [string, number][] = e.op === '' ? [] : [[e.op, e.opc]];
      if (e.ops !== null) for (const [k, c] of e.ops) ops.push([k, c.n]);
      {
        for (const [k, count] of ops) {
          const t1 = k.indexOf('\t');
          const t2 = k.indexOf('\t', t1 + 1);
          const proto = k.slice(0, t1);
          const category = k.slice(t1 + 1, t2) as OpCategory;
          const name = k.slice(t2 + 1);
          if (!j.protocols.includes(proto)) j.protocols.push(proto);
          const to = (j.operations[proto] ??= {});
          const cur = to[name];
          if (cur === undefined) to[name] = { count, category };
          else {
            cur.count += count;
            // A name seen under two categories takes the first in text order, whatever came first.
            if (category < cur.category) cur.category = category;
          }
          j.operation_totals[category] = (j.operation_totals[category] ?? 0) + count;
        }
      }
    }
    // A device behind a BACnet router or a Modbus gateway hangs off it on the map.
    const routeOnly = new Set<EdgeJSON>();
    for (const a of out) {
      if (a.key !== 'bacnet' && a.key !== 'modbus') continue;
      for (const c of a.routed_via) {
        const gw = assetOfIp.get(c.value);
        if (gw === undefined || gw === a.id) continue;
        const id = `${gw}>${a.id}`;
        let j = edgeMap.get(id);
        if (j === undefined) {
          j = { id, source: gw, target: a.id, routed: true, flows: 0, packets: 0, bytes: 0, first_seen: c.first_seen, last_seen: c.last_seen, ports: [], protocols: [], operations: {}, operation_totals: {} };
          edgeMap.set(id, j);
          routeOnly.add(j);
        } else {
          j.routed = true;
          j.first_seen = Math.min(j.first_seen, c.first_seen);
          j.last_seen = Math.max(j.last_seen, c.last_seen);
        }
        if (!j.protocols.includes(a.key)) j.protocols.push(a.key);
      }
    }
    const edges = [...edgeMap.values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    for (const j of edges) {
      j.ports.sort((x, y) => y.flows - x.flows || (x.port < y.port ? -1 : 1));
      j.protocols.sort();
      // Keys in a fixed order, not the order the operations were first seen in.
      j.operations = Object.fromEntries(Object.entries(j.operations).sort(byKey).map(([p, m]) => [p, Object.fromEntries(Object.entries(m).sort(byKey))]));
      const totals: Record<string, number> = {};
      for (const c of OP_CATEGORIES) if (j.operation_totals[c] !== undefined) totals[c] = j.operation_totals[c];
      for (const [c, n] of Object.entries(j.operation_totals).sort(byKey)) totals[c] ??= n;
      j.operation_totals = totals;
    }

    // 5. Purdue levels: roles first, then by the levels of the peers.
    const peers = new Map<string, Set<string>>();
    for (const j of edges) {
      // A route is no communication of the two: it says nothing of their levels.
      if (routeOnly.has(j)) continue;
      (peers.get(j.source) ?? peers.set(j.source, new Set()).get(j.source)!).add(j.target);
      (peers.get(j.target) ?? peers.set(j.target, new Set()).get(j.target)!).add(j.source);
    }
    const levelOf = new Map<string, number | null>();
    for (const a of out) {
      const p = inferPurdue(a.role.value, roleInputs.get(a.id)!, []);
      if (p.level !== null || a.role.value === 'switch_router') {
        a.purdue_level = p;
        levelOf.set(a.id, p.level);
      }
    }
    for (const a of out) {
      if (levelOf.has(a.id)) continue;
      const pl: number[] = [];
      for (const q of peers.get(a.id) ?? []) {
        const l = levelOf.get(q);
        if (l !== undefined && l !== null) pl.push(l);
      }
      a.purdue_level = inferPurdue(a.role.value, roleInputs.get(a.id)!, pl);
    }

    const changes = this.changes(out);
    let dropped = 0;
    for (const e of [...this.ips.values(), ...this.macs.values()]) for (const c of e.fields.values()) dropped += c.dropped;
    return {
      assets: out,
      edges,
      changes,
      span: { first: Number.isFinite(this.first) ? this.first : 0, last: Number.isFinite(this.last) ? this.last : 0 },
      dropped_claims: dropped,
    };
  }

  /**
   * The Modbus unit entities (modbusUnitAddress keys): for each server IP, whether it is a
   * gateway, and so which units are devices of their own. A server is a gateway when it sent
   * a gateway exception (10, 11: the specification has them for gateways only), or when two
   * of its unit ids (1-247) gave different Read Device Identification objects.
   * A gateway's units 1-247 that answered (a response other than a gateway exception) are
   * assets of their own, keyed `modbus`; every other unit (0 and 255 address the TCP device
   * itself; a server that is no gateway answers for itself, whatever the unit id: unit ids
   * alone would make a device per id a scan tried) is folded into the server's asset. Each
   * asset lists the units it answered for.
   */
  private modbusDevices(units: readonly Entity[], assets: Map<string, FinalAsset>, assetOfIp: Map<string, string>): void {
    const byServer = new Map<string, { unit: number; e: Entity; answered: boolean }[]>();
    for (const e of units) {
      const { unit, ip } = parseModbusUnitAddress(e.key);
      let l = byServer.get(ip);
      if (l === undefined) byServer.set(ip, (l = []));
      l.push({ unit, e, answered: (e.features.get('modbus_server')?.n ?? 0) > 0 });
    }
    for (const [ip, list] of byServer) {
      const server = this.ips.get(ip);
      const serverAsset = assetOfIp.get(ip);
      const sa = serverAsset !== undefined ? assets.get(serverAsset) : undefined;
      const gateway = server !== undefined && ((server.features.get('modbus_gateway_exception')?.n ?? 0) > 0 || distinctIdentities(list));
      let behind = 0;
      for (const { unit, e, answered } of list.sort((x, y) => x.unit - y.unit)) {
        if (gateway && answered && unit >= 1 && unit <= 247) {
          e.addProtocols('modbus');
          assets.set(e.key, { id: e.key, key: 'modbus', mac: null, ips: [e], units: new Set([unit]) });
          assetOfIp.set(e.key, e.key);
          sa?.units.add(unit);
          behind++;
          continue;
        }
        // The server's own (no asset for the server: a unit of no device, left out as the server is).
        if (sa === undefined) continue;
        sa.ips.push(e);
        assetOfIp.set(e.key, sa.id);
        if (answered) sa.units.add(unit);
      }
      // The gateway's evidence for its role (set, not added: finalize may run again).
      if (server !== undefined && behind > 0) server.featureCount('modbus_gateway').n = behind;
    }
  }

  /** Changes, from the claims' first-seen times (so they do not depend on record order). */
  private changes(assets: AssetJSON[]): AssetChange[] {
    const out: AssetChange[] = [];
    const start = Number.isFinite(this.first) ? this.first : 0;
    for (const a of assets) {
      const label = assetLabel(a);
      if (a.first_seen > start + NEW_ASSET_AFTER) {
        out.push({ ts: a.first_seen, change: 'new_asset', asset_id: a.id, description: `new device ${label} appeared ${Math.round((a.first_seen - start) / 60)} min after the start` });
      }
      for (const [field, list] of [['firmware', a.firmware], ['serial', a.serial], ['model', a.model]] as const) {
        const strong = list.filter((c) => c.confidence >= CONFIDENCE.SELF_ANNOUNCED).sort((x, y) => x.first_seen - y.first_seen || (x.value < y.value ? -1 : 1));
        for (let i = 1; i < strong.length; i++) {
          const prev = strong[i - 1];
          const cur = strong[i];
          if (cur.first_seen <= prev.first_seen) continue;
          out.push({
            ts: cur.first_seen, change: `${field}_changed`, asset_id: a.id, field, old_value: prev.value, new_value: cur.value,
            source: cur.evidence.record, uid: cur.evidence.uid, description: `${field} of ${label} changed from ${prev.value} to ${cur.value}`,
          });
        }
      }
      if (a.key === 'mac') {
        const ips = [...a.ipv4, ...a.ipv6].sort((x, y) => x.first_seen - y.first_seen || (x.value < y.value ? -1 : 1));
        for (let i = 1; i < ips.length; i++) {
          if (ips[i].first_seen <= a.first_seen + 1) continue;
          out.push({
            ts: ips[i].first_seen, change: 'mac_new_ip', asset_id: a.id, field: 'ip', old_value: ips[i - 1].value, new_value: ips[i].value,
            source: ips[i].evidence.record, uid: ips[i].evidence.uid, description: `${a.mac[0]?.value ?? a.id} appeared with a new IP address ${ips[i].value}`,
          });
        }
      }
    }
    // A known IP with a new MAC (another device took the address, or spoofing).
    for (const [ip, e] of this.ips) {
      const owned = [...e.macs].filter(([m]) => isUnicastMac(m)).sort((x, y) => x[1].first - y[1].first || (x[0] < y[0] ? -1 : 1));
      const hosts = owned.filter(([m]) => this.macs.get(m) !== undefined && !(this.macs.get(m)!.bindings.size >= ROUTER_MIN_IPV4));
      for (let i = 1; i < hosts.length; i++) {
        if (hosts[i][1].first <= hosts[0][1].first) continue;
        out.push({
          ts: hosts[i][1].first, change: 'ip_new_mac', asset_id: `mac:${hosts[i][0]}`, field: 'mac', old_value: hosts[i - 1][0], new_value: hosts[i][0],
          source: hosts[i][1].source, description: `${ip} is now used by ${hosts[i][0]} (was ${hosts[i - 1][0]})`,
        });
      }
    }
    return out.sort((x, y) => x.ts - y.ts || cmp(x.asset_id, y.asset_id) || cmp(x.change, y.change) || cmp(x.field, y.field) || cmp(x.new_value, y.new_value) || cmp(x.old_value, y.old_value));
  }
}

const OP_CATEGORIES: readonly OpCategory[] = ['read', 'write', 'program', 'control', 'discovery', 'other'];

function cmp(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function byKey(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** The record type that first showed a MAC entity (its earliest binding, else the earliest claim). */
function firstSource(m: Entity): string {
  let best: Binding | null = null;
  for (const b of m.bindings.values()) if (best === null || b.first < best.first || (b.first === best.first && b.source < best.source)) best = b;
  if (best !== null) return best.source;
  let src = 'l2';
  let t = Infinity;
  for (const c of m.fields.values()) for (const x of c.list()) if (x.first_seen < t || (x.first_seen === t && x.source < src)) [t, src] = [x.first_seen, x.source];
  return src;
}

/** Initial TTLs of common stacks: a packet that arrives with one of them did not cross a router. */
const INITIAL_TTLS = new Set([30, 32, 60, 64, 128, 255]);

function bindOne(m: Map<string, Binding>, k: string, own: boolean, source: string, ts: number): void {
  const b = m.get(k);
  if (b === undefined) m.set(k, { own, count: 1, first: ts, last: ts, source, sourceTs: Number.isNaN(ts) ? Infinity : ts, routed: 0, direct: 0 });
  else {
    b.count++;
    bindingSource(b, own, source, ts);
    if (ts < b.first) b.first = ts;
    if (ts > b.last) b.last = ts;
  }
}

/** A binding's source, the same in any record order: an own binding's over a seen one, then the earliest, then the first name. */
function bindingSource(b: Binding, own: boolean, source: string, ts: number): void {
  const t = Number.isNaN(ts) ? Infinity : ts;
  if (own !== b.own) {
    if (!own) return;
    b.own = true;
  } else if (!(t < b.sourceTs || (t === b.sourceTs && source < b.source))) return;
  b.source = source;
  b.sourceTs = t;
}

function addressClaim(set: ClaimSet, ip: string, b: Binding): void {
  bindingClaim(set, ip, b, b.own ? 90 : 70, b.own ? 'own address' : 'ip address');
}

/** An asset as finalize() gathers it: its MAC entity and IP entities (and Modbus units). */
interface FinalAsset {
  id: string;
  key: AssetKey;
  mac: Entity | null;
  ips: Entity[];
  /** Modbus unit ids it answered for (AssetJSON.modbus_units). */
  units: Set<number>;
}

const IDENTITY_FIELDS: readonly ClaimField[] = ['vendor', 'model', 'firmware', 'serial', 'name'];

/**
 * Whether two answering units 1-247 of a Modbus server gave different Read Device
 * Identification objects. (Not Report Server ID: its text starts with a server id, which a
 * device may set from the unit id it was asked on.)
 */
function distinctIdentities(units: readonly { unit: number; e: Entity; answered: boolean }[]): boolean {
  let seen: string | null = null;
  for (const { unit, e, answered } of units) {
    if (!answered || unit < 1 || unit > 247) continue;
    const parts: string[] = [];
    for (const f of IDENTITY_FIELDS) {
      const values = e.fields.get(f)?.list().filter((c) => c.source === 'modbus_read_device_identification').map((c) => c.value) ?? [];
      if (values.length > 0) parts.push(`${f}=${values.sort().join('|')}`);
    }
    if (parts.length === 0) continue;
    const id = parts.join('\n');
    if (seen === null) seen = id;
    else if (id !== seen) return true;
  }
  return false;
}

/** A binding as a claim on `value`, seen from the binding's first to its last time. */
function bindingClaim(set: ClaimSet, value: string, b: Pick<Binding, 'source' | 'first' | 'last'>, confidence: number, field: string): void {
  set.add({ value, source: b.source, confidence, ts: b.first, field });
  if (b.last !== b.first) set.add({ value, source: b.source, confidence, ts: b.last, field });
}

/** Whether the responder of a TCP connection answered (as Zeek's known_services: the handshake completed, or it sent data). */
function respAnswered(r: Record<string, unknown>): boolean {
  const h = typeof r.history === 'string' ? r.history : '';
  if (h.includes('h') || h.includes('d')) return true;
  const st = r.conn_state;
  return st === 'SF' || st === 'S1' || st === 'S2' || st === 'S3' || st === 'RSTO' || st === 'RSTR';
}

function addService(m: Map<string, Service>, proto: string, port: number, service: string, peer: string, first: number, last: number): void {
  const k = `${proto}/${port}`;
  let s = m.get(k);
  if (s === undefined) m.set(k, (s = { proto, port, services: new Set(), flows: 0, peers: new Set(), first, last }));
  s.flows++;
  for (const x of service.split(',')) if (x !== '') s.services.add(x);
  if (s.peers.size < MAX_PEERS) s.peers.add(peer);
  if (first < s.first) s.first = first;
  if (last > s.last) s.last = last;
}

function mergeServices(into: Map<string, Service>, from: ReadonlyMap<string, Service>): void {
  for (const [k, s] of from) {
    const cur = into.get(k);
    if (cur === undefined) {
      into.set(k, { ...s, services: new Set(s.services), peers: new Set(s.peers) });
      continue;
    }
    cur.flows += s.flows;
    for (const x of s.services) cur.services.add(x);
    for (const p of s.peers) if (cur.peers.size < MAX_PEERS) cur.peers.add(p);
    cur.first = Math.min(cur.first, s.first);
    cur.last = Math.max(cur.last, s.last);
  }
}

// ---- edges ----

function newEdge(orig: string, resp: string, ts: number): EdgeAgg {
  return { orig, resp, flows: 0, packets: 0, bytes: 0, first: ts, last: ts, port: '', pf: 0, pp: 0, pb: 0, more: null, services: ',', op: '', opc: 0, ops: null };
}

/** Flows, packets and bytes on a transport port: the edge's first port inline, others in `more`. */
function addPort(e: EdgeAgg, port: string, flows: number, packets: number, bytes: number): void {
  if (e.port === '' || e.port === port) {
    e.port = port;
    e.pf += flows;
    e.pp += packets;
    e.pb += bytes;
    return;
  }
  const more = e.more ?? (e.more = new Map());
  const pv = more.get(port);
  if (pv === undefined) more.set(port, [flows, packets, bytes]);
  else {
    pv[0] += flows;
    pv[1] += packets;
    pv[2] += bytes;
  }
}

/** Confirmed protocols (a conn `service`, comma-separated). */
function addServices(e: EdgeAgg, service: string): void {
  for (const x of service.split(',')) if (x !== '' && !e.services.includes(`,${x},`)) e.services += `${x},`;
}

/**
 * An operation (`protocol \t category \t name`) seen `n` times. Most edges see one or two
 * kinds of operation: the first is kept inline (returns null), the others in `ops` (returns the count's box).
 */
function addOp(e: EdgeAgg, k: string, n: number): Count | null {
  if (e.op === '' || e.op === k) {
    e.op = k;
    e.opc += n;
    return null;
  }
  const ops = e.ops ?? (e.ops = new Map());
  let c = ops.get(k);
  if (c === undefined) ops.set(k, (c = { n: 0 }));
  c.n += n;
  return c;
}

function edgeState(e: EdgeAgg): EdgeState {
  const ports: [string, number, number, number][] = e.port === '' ? [] : [[e.port, e.pf, e.pp, e.pb]];
  if (e.more !== null) for (const [p, [f, pk, b]] of e.more) ports.push([p, f, pk, b]);
  const ops: [string, number][] = e.op === '' ? [] : [[e.op, e.opc]];
  if (e.ops !== null) for (const [k, c] of e.ops) ops.push([k, c.n]);
  return { orig: e.orig, resp: e.resp, flows: e.flows, packets: e.packets, bytes: e.bytes, first: e.first, last: e.last, ports, services: e.services, ops };
}

function edgeFromState(x: EdgeState): EdgeAgg {
  const e = newEdge(x.orig, x.resp, x.first);
  mergeEdge(e, x);
  return e;
}

function mergeEdge(e: EdgeAgg, x: EdgeState): void {
  e.flows += x.flows;
  e.packets += x.packets;
  e.bytes += x.bytes;
  if (x.first < e.first) e.first = x.first;
  if (x.last > e.last) e.last = x.last;
  for (const [p, f, pk, b] of x.ports) addPort(e, p, f, pk, b);
  if (x.services !== ',') addServices(e, x.services);
  for (const [k, n] of x.ops) addOp(e, k, n);
}

// ---- entities ----

function bindingStates(m: ReadonlyMap<string, Binding>): BindingState[] {
  const out: BindingState[] = [];
  for (const [key, b] of m) out.push({ key, own: b.own, count: b.count, first: b.first, last: b.last, source: b.source, sourceTs: b.sourceTs, routed: b.routed, direct: b.direct });
  return out;
}

function serviceStates(m: ReadonlyMap<string, Service>): ServiceState[] {
  const out: ServiceState[] = [];
  for (const [key, x] of m) out.push({ key, proto: x.proto, port: x.port, services: [...x.services], flows: x.flows, peers: [...x.peers], first: x.first, last: x.last });
  return out;
}

function entityState(e: Entity): EntityState {
  const claims: [ClaimField, Claim[], number][] = [];
  for (const [f, c] of e.fields) claims.push([f, c.list(), c.dropped]);
  return {
    key: e.key,
    claims,
    features: [...e.features].map(([k, c]) => [k, c.n]),
    featureDetail: [...e.featureDetail],
    first: e.first,
    last: e.last,
    pktsSent: e.pktsSent,
    pktsRecv: e.pktsRecv,
    bytesSent: e.bytesSent,
    bytesRecv: e.bytesRecv,
    flows: e.flows,
    offers: serviceStates(e.offers),
    uses: serviceStates(e.uses),
    protocols: [...e.protocols],
    vlans: [...e.vlans],
    bindings: bindingStates(e.bindings),
    macs: bindingStates(e.macs),
  };
}

function mergeBindings(m: Map<string, Binding>, from: readonly BindingState[]): void {
  for (const x of from) {
    const b = m.get(x.key);
    if (b === undefined) {
      m.set(x.key, { own: x.own, count: x.count, first: x.first, last: x.last, source: x.source, sourceTs: x.sourceTs, routed: x.routed, direct: x.direct });
      continue;
    }
    b.count += x.count;
    bindingSource(b, x.own, x.source, x.sourceTs);
    if (x.first < b.first) b.first = x.first;
    if (x.last > b.last) b.last = x.last;
    b.routed += x.routed;
    b.direct += x.direct;
  }
}

function mergeServiceStates(m: Map<string, Service>, from: readonly ServiceState[]): void {
  for (const x of from) {
    const cur = m.get(x.key);
    if (cur === undefined) {
      m.set(x.key, { proto: x.proto, port: x.port, services: new Set(x.services), flows: x.flows, peers: new Set(x.peers), first: x.first, last: x.last });
      continue;
    }
    cur.flows += x.flows;
    for (const v of x.services) cur.services.add(v);
    for (const p of x.peers) if (cur.peers.size < MAX_PEERS) cur.peers.add(p);
    if (x.first < cur.first) cur.first = x.first;
    if (x.last > cur.last) cur.last = x.last;
  }
}

function mergeEntity(t: Entity, x: EntityState): void {
  for (const [f, claims, dropped] of x.claims) t.claims(f).mergeClaims(claims, dropped);
  for (const [k, n] of x.features) t.featureCount(k).n += n;
  for (const [k, d] of x.featureDetail) {
    if (t.featureDetail.has(k)) continue;
    (t.featureDetail === NO_TEXT ? (t.featureDetail = new Map()) : (t.featureDetail as Map<string, string>)).set(k, d);
  }
  if (x.first < t.first) t.first = x.first;
  if (x.last > t.last) t.last = x.last;
  t.pktsSent += x.pktsSent;
  t.pktsRecv += x.pktsRecv;
  t.bytesSent += x.bytesSent;
  t.bytesRecv += x.bytesRecv;
  t.flows += x.flows;
  if (x.offers.length > 0) mergeServiceStates(t.offersMut(), x.offers);
  if (x.uses.length > 0) mergeServiceStates(t.usesMut(), x.uses);
  for (const p of x.protocols) t.addProtocols(p);
  for (const v of x.vlans) t.addVlan(v);
  if (x.bindings.length > 0) mergeBindings(t.bindingsMut(), x.bindings);
  if (x.macs.length > 0) mergeBindings(t.macsMut(), x.macs);
}

function servicesJSON(m: Map<string, Service>): ServiceJSON[] {
  return [...m.values()]
    .map((s) => ({ proto: s.proto, port: s.port, service: [...s.services].sort().join(','), flows: s.flows, peers: s.peers.size, first_seen: s.first, last_seen: s.last }))
    .sort((a, b) => b.flows - a.flows || a.port - b.port || (a.proto < b.proto ? -1 : 1));
}

/** A short name for messages: the best name, else an IP, else the id. */
export function assetLabel(a: AssetJSON): string {
  const n = a.names[0]?.value;
  const ip = a.ipv4[0]?.value ?? a.ipv6[0]?.value;
  if (n !== undefined && ip !== undefined) return `${n} (${ip})`;
  return n ?? ip ?? a.mac[0]?.value ?? a.id;
}
