// What the record mappers report to the inventory. A mapper reads one record type (the
// records of one protocol) and turns the values that say something about a device into
// observations: claims on an address, MAC/IP bindings, role features and operations on an
// edge. The inventory consumes records only, never packets.

/** The fields of an asset that are sets of claims. */
export const CLAIM_FIELDS = ['name', 'vendor', 'model', 'firmware', 'serial', 'os', 'device_type', 'software', 'hardware'] as const;
export type ClaimField = (typeof CLAIM_FIELDS)[number];

/** Operation categories on an edge (what one side did to the other). */
export type OpCategory = 'read' | 'write' | 'program' | 'control' | 'discovery' | 'other';

/** Confidence levels used by the mappers (0-100), so sources compare on one scale. */
export const CONFIDENCE = {
  /** An identity object the device itself returned (ListIdentity, SZL, Modbus device identification, I-Am, DCP). */
  DEVICE_IDENTITY: 90,
  /** A name or description the device announced about itself (LLDP, CDP, DHCP hostname, NetBIOS, mDNS, SNMP sysName). */
  SELF_ANNOUNCED: 80,
  /** A banner or user agent (software strings). */
  BANNER: 70,
  /** A name another party gave it (DNS answers, PTR). */
  THIRD_PARTY: 60,
  /** A hint from a table (the MAC address's OUI) or a heuristic (DHCP fingerprint, TTL). */
  TABLE: 40,
  HEURISTIC: 30,
} as const;

/** Which address an observation is about. */
export interface Target {
  ip?: string;
  mac?: string;
  /**
   * A BACnet device on another BACnet network (MS/TP, ARCNET, another B/IP network), which
   * has no IP of its own on the captured network: `bacnetAddress(router, network, mac)`. `via`
   * is the IP of the router (or BBMD) whose datagram carried the message.
   */
  bacnet?: string;
  via?: string;
}

/**
 * The key of a BACnet device behind a BACnet router: its network number and MAC address
 * (lower-case hex, as the records' `sadr`/`dadr`) and the IP of the router that reaches it,
 * `bacnet:26001:72@192.168.0.24`. A BACnet internetwork has one path between any two devices
 * (ASHRAE 135 clause 6), so a device is always reached through the same router; the router
 * keeps apart the devices of separate internetworks that reuse network numbers. It is the
 * device's asset id, and stands for its address where an observation names two ends
 * (Observer.op).
 */
export function bacnetAddress(router: string, network: number, mac: string): string {
  return `bacnet:${network}:${mac}@${router}`;
}

/** The `network:mac` part of a bacnetAddress. */
export function bacnetNetworkMac(key: string): string {
  const at = key.lastIndexOf('@');
  return key.slice('bacnet:'.length, at < 0 ? key.length : at);
}

/** Whether an address given to the Observer is a bacnetAddress. */
export function isBacnetAddress(a: string): boolean {
  return a.startsWith('bacnet:');
}

/**
 * The key of what answers for Modbus unit `unit` at a Modbus/TCP server's IP:
 * `modbus:7@192.168.0.20`. Records name it as the server end of their observations; the
 * inventory decides at the end whether it is a device of its own behind a gateway (an asset
 * with this id) or the server itself (folded into the IP's asset): see assets.md.
 */
export function modbusUnitAddress(ip: string, unit: number): string {
  return `modbus:${unit}@${ip}`;
}

/** Whether an address given to the Observer is a modbusUnitAddress. */
export function isModbusUnitAddress(a: string): boolean {
  return a.startsWith('modbus:');
}

/** The unit id and server IP of a modbusUnitAddress. */
export function parseModbusUnitAddress(key: string): { unit: number; ip: string } {
  const at = key.indexOf('@');
  return { unit: Number(key.slice('modbus:'.length, at)), ip: key.slice(at + 1) };
}

export interface Observer {
  /** A claim on the device at `t`. */
  claim(t: Target, field: ClaimField, value: string, confidence: number, source: string, ts: number, uid: string | undefined, recordField: string, kind?: string): void;
  /**
   * `mac` uses `ip`. `own` is true when the record says the address is the device's own
   * (ARP sender, DHCP assignment, LLDP management address); false when the binding was only
   * seen on a packet (a router's MAC carries many hosts' addresses).
   */
  bind(mac: string, ip: string, own: boolean, source: string, ts: number): void;
  /** A role feature (see roles.ts): `modbus_server`, `s7_program_download`, `lldp_router`… */
  feature(t: Target, feature: string, ts: number, detail?: string): void;
  /** `feature({ ip }, feature, ts)`, for the mappers of the busiest record types (no Target object). */
  featureIp(ip: string, feature: string, ts: number): void;
  /** An operation from `origIp` to `respIp` (Modbus write, S7 download, CIP service…); either end may be a bacnetAddress, the responder a modbusUnitAddress. */
  op(origIp: string, respIp: string, protocol: string, name: string, category: OpCategory, ts: number): void;
}

export type RecordMapper = (rec: Record<string, unknown>, o: Observer) => void;

// Mappers read their record's fields directly (`sv(r.source_h)`), not through a helper
// taking the field name: a property load in each mapper sees one record shape (V8 keeps it
// fast), where one shared helper would see them all.

/** A string field's value, trimmed; '' when absent or not a string. */
export function sv(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) return '';
  // Most values have no surrounding space: trim (which scans for Unicode spaces) only when an end is not plain ASCII.
  const a = v.charCodeAt(0);
  const b = v.charCodeAt(v.length - 1);
  return a > 32 && a < 127 && b > 32 && b < 127 ? v : v.trim();
}

/** A number field's value; NaN when absent or not a number. */
export function nv(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

/** Reads a string field by name; '' when absent or not a non-empty string. */
export function str(r: Record<string, unknown>, k: string): string {
  return sv(r[k]);
}

/** Reads a number field by name; NaN when absent. */
export function num(r: Record<string, unknown>, k: string): number {
  return nv(r[k]);
}

/** The flow fields every flow record carries (ts, uid, id.orig_h, id.resp_h), from their values. */
export function flowOf(ts: unknown, uid: unknown, origH: unknown, respH: unknown): { ts: number; uid: string | undefined; orig: string; resp: string } {
  return { ts: nv(ts), uid: typeof uid === 'string' ? uid : undefined, orig: sv(origH), resp: sv(respH) };
}
