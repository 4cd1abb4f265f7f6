// Record mappers: per record type, what its fields say about devices (see observe.ts).
// One function per record type; the record field names are those documented in
// docs/protocols/<id>.md and docs/records/.
import { BUILTIN_PROFINET_VENDORS } from './profinet-vendors.ts';
import { isUnicastIp } from './addresses.ts';
import { bacnetAddress, CONFIDENCE, flowOf, modbusUnitAddress, nv, str, sv, type ClaimField, type Observer, type OpCategory, type RecordMapper, type Target } from './observe.ts';

/**
 * `a + sep + b + end` (trimmed unless `trim` is false), made once per pair of parts and then looked up: records name
 * the same few operations over and over, and the same name is then the same string, which the
 * inventory compares by reference. Past a few thousand pairs (parts that carry data), names
 * are made, not kept.
 */
class Join {
  private readonly sep: string;
  private readonly end: string;
  private readonly trim: boolean;
  private readonly names = new Map<string, Map<string, string>>();
  private size = 0;
  private a = '';
  private b = '';
  private v = '';
  constructor(sep: string, end = '', trim = true) {
    this.sep = sep;
    this.end = end;
    this.trim = trim;
  }
  of(a: string, b: string): string {
    if (a === this.a && b === this.b && this.v !== '') return this.v;
    let byB = this.names.get(a);
    let v = byB?.get(b);
    if (v === undefined) {
      v = a + this.sep + b + this.end;
      if (this.trim) v = v.trim();
      if (this.size < 4096) {
        if (byB === undefined) this.names.set(a, (byB = new Map()));
        byB.set(b, v);
        this.size++;
      }
    }
    this.a = a;
    this.b = b;
    this.v = v;
    return v;
  }
}

/** `f(s)`, made once per distinct `s` (up to a few thousand) and then looked up, as Join does. */
class Memo {
  private readonly f: (s: string) => string;
  private readonly m = new Map<string, string>();
  constructor(f: (s: string) => string) {
    this.f = f;
  }
  of(s: string): string {
    let v = this.m.get(s);
    if (v === undefined) {
      v = this.f(s);
      if (this.m.size < 4096) this.m.set(s, v);
    }
    return v;
  }
}

function arp(r: Record<string, unknown>, o: Observer): void {
  const ts = nv(r.ts);
  const sha = sv(r.orig_mac);
  const spa = sv(r.orig_h);
  // The sender's own binding, except when the frame came from another MAC (proxy ARP or spoofing).
  if (sha !== '' && spa !== '0.0.0.0' && r.sha_mismatch !== true) o.bind(sha, spa, true, 'arp', ts);
  else if (sha !== '' && spa !== '0.0.0.0') o.bind(sha, spa, false, 'arp', ts);
  // A probe for an address (SPA 0.0.0.0, RFC 5227) says the sender wants it, not that it has it.
}

// ---- Modbus (docs/protocols/modbus.md) ----

const MODBUS_READ = new Set([1, 2, 3, 4, 7, 11, 12, 20, 24]);
const MODBUS_WRITE = new Set([5, 6, 15, 16, 21, 22, 23]);
/** Legacy programming functions of Modicon controllers (484, 584/984, 884, Concept, Unity, firmware). */
const MODBUS_PROGRAM = new Set([9, 13, 18, 40, 0x7d, 0x7e]);
const UMAS_PROGRAM = new Set(['INITIALIZE_DOWNLOAD', 'DOWNLOAD_BLOCK', 'END_STRATEGY_DOWNLOAD', 'INITIALIZE_UPLOAD', 'UPLOAD_BLOCK', 'END_STRATEGY_UPLOAD']);
const UMAS_CONTROL = new Set(['START_PLC', 'STOP_PLC', 'TAKE_PLC_RESERVATION']);
const UMAS_WRITE = new Set(['WRITE_VARIABLES', 'WRITE_COILS_REGISTERS', 'WRITE_IO_OBJECT']);

function modbusCategory(code: number, umas: string): OpCategory {
  if (code === 90) {
    if (UMAS_PROGRAM.has(umas)) return 'program';
    if (UMAS_CONTROL.has(umas)) return 'control';
    if (UMAS_WRITE.has(umas)) return 'write';
    if (umas.startsWith('READ') || umas === 'MONITOR_PLC' || umas === 'CHECK_PLC' || umas === 'GET_STATUS_MODULE') return 'read';
    return 'other';
  }
  if (MODBUS_READ.has(code)) return 'read';
  if (MODBUS_WRITE.has(code)) return 'write';
  if (code === 17 || code === 43) return 'discovery';
  if (MODBUS_PROGRAM.has(code)) return 'program';
  if (code === 8) return 'control';
  return 'other';
}

/** A Modbus function's operation name: its ICSNPP name without `_EXCEPTION` (an exception answers the same operation). */
const MODBUS_OP = new Memo((func) => func.replace(/_EXCEPTION$/, ''));

// The mappers of the busiest record types (modbus, enip, cip, s7comm, s7comm_read_write,
// bacnet_property: most of a plant's records) read the flow fields themselves rather than
// through flowOf, and report features of IPs with featureIp: no object per record.

/** Modbus exceptions 10 and 11 (GATEWAY_PATH_UNAVAILABLE, GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND): only a gateway sends them. */
function isGatewayException(code: number): boolean {
  return code === 10 || code === 11;
}

/** modbusUnitAddress(ip, unit), made once per server IP and unit (a few per server) and then looked up. */
class ModbusUnits {
  /** Per server IP: its unit keys by unit id (null: the IP is no host, it has none). */
  private readonly byIp = new Map<string, string[] | null>();
  of(ip: string, unit: number): string {
    // A unit id is one byte; a record without one (or a server that is no host) stays the IP.
    if (!(unit >= 0 && unit <= 255) || (unit | 0) !== unit) return ip;
    let keys = this.byIp.get(ip);
    if (keys === undefined) {
      keys = ip !== '' && isUnicastIp(ip) ? [] : null;
      // Past many thousand servers, keys are made, not kept.
      if (this.byIp.size < 65536) this.byIp.set(ip, keys);
    }
    if (keys === null) return ip;
    return keys[unit] ?? (keys[unit] = modbusUnitAddress(ip, unit));
  }
}

const MODBUS_UNITS = new ModbusUnits();

function modbus(r: Record<string, unknown>, o: Observer): void {
  const ts = nv(r.ts);
  const orig = sv(r['id.orig_h']);
  const resp = sv(r['id.resp_h']);
  // What answers for the unit: the server itself, or a device behind it when it is a gateway
  // (decided by the inventory at the end, from every record: assets.md).
  const dev = MODBUS_UNITS.of(resp, nv(r.unit));
  const code = nv(r.function_code) & 0x7f;
  const umas = sv(r.umas_func);
  if (r.request_seen === true) o.featureIp(orig, 'modbus_client', ts);
  const answered = r.response_seen === true && !isGatewayException(nv(r.exception_num));
  if (answered) o.featureIp(dev, 'modbus_server', ts);
  else if (r.response_seen === true) {
    // The server answered for a unit that did not: it is a Modbus server, and a gateway.
    o.featureIp(resp, 'modbus_server', ts);
    o.featureIp(resp, 'modbus_gateway_exception', ts);
  }
  const cat = modbusCategory(code, umas);
  const name = code === 90 && umas !== '' ? `UMAS ${umas}` : MODBUS_OP.of(sv(r.func)) || `function ${code}`;
  o.op(orig, dev, 'modbus', name, cat, ts);
  if (code === 90) {
    if (answered) o.featureIp(dev, 'umas_server', ts);
    if (cat === 'program' || cat === 'control') o.feature({ ip: orig }, 'umas_program', ts, umas);
  } else if (cat === 'program') o.feature({ ip: orig }, 'modbus_program', ts, name);
  const slave = sv(r.slave_id_text);
  if (slave !== '' && answered) o.claim({ ip: dev }, 'model', slave, CONFIDENCE.BANNER, 'modbus', ts, typeof r.uid === 'string' ? r.uid : undefined, 'slave_id_text');
}

/** Read Device Identification: each response object is a claim the device makes about itself. */
function modbusDeviceId(r: Record<string, unknown>, o: Observer): void {
  if (sv(r.request_response) !== 'RESPONSE') return;
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const v = sv(r.object_value);
  if (v === '') return;
  // The response travels from the server (the responder) to the client; it speaks for the unit asked.
  const dev = { ip: MODBUS_UNITS.of(sv(r.source_h) || f.resp, nv(r.unit)) };
  const c = CONFIDENCE.DEVICE_IDENTITY;
  const src = 'modbus_read_device_identification';
  switch (sv(r.object_id)) {
    case 'VendorName':
      o.claim(dev, 'vendor', v, c, src, f.ts, f.uid, 'VendorName');
      break;
    case 'ProductCode':
      o.claim(dev, 'model', v, c, src, f.ts, f.uid, 'ProductCode');
      break;
    case 'MajorMinorVersion':
      o.claim(dev, 'firmware', v, c, src, f.ts, f.uid, 'MajorMinorVersion');
      break;
    case 'ProductName':
      o.claim(dev, 'model', v, c - 5, src, f.ts, f.uid, 'ProductName');
      break;
    case 'ModelName':
      o.claim(dev, 'model', v, c - 5, src, f.ts, f.uid, 'ModelName');
      break;
    case 'UserApplicationName':
      o.claim(dev, 'name', v, CONFIDENCE.SELF_ANNOUNCED, src, f.ts, f.uid, 'UserApplicationName', 'modbus');
      break;
    default:
      break;
  }
}

// ---- EtherNet/IP and CIP (docs/protocols/enip.md, cip.md) ----

/** CIP services by category; other codes are 'other'. Class 0x06 (Connection Manager) services are connection setup. */
function cipCategory(service: number, cls: string): OpCategory {
  if (cls === '0x06') return service === 0x54 || service === 0x5b || service === 0x4e ? 'other' : 'read';
  switch (service) {
    case 0x01: case 0x03: case 0x0e: case 0x4c: case 0x52:
      return 'read';
    case 0x02: case 0x04: case 0x10: case 0x4d: case 0x4e: case 0x53:
      return 'write';
    case 0x05: case 0x06: case 0x07:
      return 'control';
    default:
      return 'other';
  }
}

function enip(r: Record<string, unknown>, o: Observer): void {
  const ts = nv(r.ts);
  const cmd = sv(r.enip_command);
  if (cmd === 'List Identity' || cmd === 'List Services' || cmd === 'List Interfaces') {
    if (r.is_orig === true) o.op(sv(r['id.orig_h']), sv(r['id.resp_h']), 'enip', cmd, 'discovery', ts);
  }
  if (r.is_orig === false) o.featureIp(sv(r.source_h) || sv(r['id.resp_h']), 'cip_server', ts);
  else o.featureIp(sv(r.source_h) || sv(r['id.orig_h']), 'cip_client', ts);
}

const CIP_OP = new Join(' (', ')');

function cip(r: Record<string, unknown>, o: Observer): void {
  if (sv(r.direction) !== 'request') return;
  const ts = nv(r.ts);
  const service = nv(r.service);
  const cls = sv(r.class_id);
  const cat = cipCategory(service, cls);
  const name = sv(r.cip_service) || `service 0x${service.toString(16)}`;
  const src = sv(r.source_h) || sv(r['id.orig_h']);
  const dst = sv(r.destination_h) || sv(r['id.resp_h']);
  o.op(src, dst, 'cip', cls !== '' ? CIP_OP.of(name, sv(r.class_name) || cls) : name, cat, ts);
  // Program and mode changes: control services, and writes to the program or file objects.
  if (cat === 'control' || ((cat === 'write' || service === 0x4b) && (cls === '0x37' || cls === '0x67' || cls === '0x68' || cls === '0x8e'))) {
    o.feature({ ip: src }, 'cip_program', ts, name);
  }
}

function cipIdentity(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  // The identity is the sender's: the device that answered List Identity or Get Attributes All.
  const ip = sv(r.source_h) || f.resp;
  const dev = { ip };
  const c = CONFIDENCE.DEVICE_IDENTITY;
  const src = 'cip_identity';
  const vendor = sv(r.vendor_name);
  if (vendor !== '' && !vendor.startsWith('unknown')) o.claim(dev, 'vendor', vendor, c, src, f.ts, f.uid, 'vendor_name');
  const product = sv(r.product_name);
  if (product !== '') o.claim(dev, 'model', product, c, src, f.ts, f.uid, 'product_name');
  const code = nv(r.product_code);
  if (Number.isFinite(code) && product === '') o.claim(dev, 'model', `product code ${code}`, c - 20, src, f.ts, f.uid, 'product_code');
  const rev = sv(r.revision);
  if (rev !== '') o.claim(dev, 'firmware', rev, c, src, f.ts, f.uid, 'revision');
  const serial = sv(r.serial_number);
  if (serial !== '') o.claim(dev, 'serial', serial, c, src, f.ts, f.uid, 'serial_number');
  const type = sv(r.device_type_name);
  if (type !== '') o.claim(dev, 'device_type', type, c, src, f.ts, f.uid, 'device_type_name');
  o.feature(dev, 'cip_server', f.ts);
  const sock = sv(r.socket_address);
  if (sock !== '' && sock !== '0.0.0.0' && sock !== ip) o.claim(dev, 'name', `also ${sock}`, CONFIDENCE.HEURISTIC, src, f.ts, f.uid, 'socket_address', 'address');
}

// ---- BACnet (docs/protocols/bacnet.md) ----

/** The IP whose datagram a BACnet service record's message came in: a Forwarded-NPDU's originator (`fwd_ip`: source_h is the BBMD), else source_h. */
function bacnetSenderIp(r: Record<string, unknown>): string {
  return sv(r.fwd_ip) || sv(r.source_h) || (r.is_orig === false ? sv(r['id.resp_h']) : sv(r['id.orig_h']));
}

/**
 * The device that sent a BACnet service record's message: behind a BACnet router the one at
 * SNET/SADR (reached via bacnetSenderIp, the router), else bacnetSenderIp itself.
 */
function bacnetSender(r: Record<string, unknown>): Target {
  const ip = bacnetSenderIp(r);
  const routed = bacnetSource(r, ip);
  return routed !== '' ? { bacnet: routed, via: ip } : { ip };
}

/** The bacnetAddress of a service record's sender behind the router at `via` (SNET/SADR), '' when it is not routed. */
function bacnetSource(r: Record<string, unknown>, via: string): string {
  const snet = r.snet;
  if (snet === undefined) return '';
  const sadr = sv(r.sadr);
  return typeof snet === 'number' && Number.isInteger(snet) && snet > 0 && snet < 65535 && sadr !== '' && via !== '' ? bacnetAddress(via, snet, sadr) : '';
}

/**
 * The address of the device a message is for: behind the router it was sent to DNET/DADR
 * (not a broadcast, and sent to one router, not to a broadcast IP), else destination_h.
 */
function bacnetDestination(r: Record<string, unknown>): string {
  const ip = sv(r.destination_h) || (r.is_orig === false ? sv(r['id.orig_h']) : sv(r['id.resp_h']));
  const dnet = nv(r.dnet);
  const dadr = sv(r.dadr);
  if (Number.isInteger(dnet) && dnet > 0 && dnet < 65535 && dadr !== '' && isUnicastIp(ip)) return bacnetAddress(ip, dnet, dadr);
  return ip;
}

/** The address (IP or bacnetAddress) of a Target from bacnetSender, for Observer.op. */
function addressOf(t: Target): string {
  return t.bacnet ?? t.ip ?? '';
}

function bacnetDiscovery(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const svc = sv(r.pdu_service);
  const sender = bacnetSender(r);
  const src = 'bacnet_discovery';
  if (svc === 'who-is' || svc === 'who-has') {
    o.feature(sender, 'bacnet_client', f.ts);
    return;
  }
  if (svc !== 'i-am' && svc !== 'i-have' && svc !== 'who-am-i') return;
  o.feature(sender, 'bacnet_device', f.ts);
  const c = CONFIDENCE.DEVICE_IDENTITY;
  const vendor = sv(r.vendor);
  if (vendor !== '' && !vendor.startsWith('unknown')) o.claim(sender, 'vendor', vendor, c, src, f.ts, f.uid, 'vendor');
  if (svc === 'i-am') {
    const inst = nv(r.instance_number);
    if (Number.isFinite(inst)) o.claim(sender, 'device_type', `BACnet device ${inst}`, c, src, f.ts, f.uid, 'instance_number');
  }
  const model = sv(r.model_name);
  if (model !== '') o.claim(sender, 'model', model, c, src, f.ts, f.uid, 'model_name');
  const serial = sv(r.serial_number);
  if (serial !== '') o.claim(sender, 'serial', serial, c, src, f.ts, f.uid, 'serial_number');
}

/** Device object properties a device answers about itself. */
const BACNET_DEVICE_PROPS: Record<string, ClaimField> = {
  'object-name': 'name',
  'vendor-name': 'vendor',
  'model-name': 'model',
  'firmware-revision': 'firmware',
  'application-software-version': 'software',
  'serial-number': 'serial',
};

const BACNET_OP = new Join(' ');

function bacnetProperty(r: Record<string, unknown>, o: Observer): void {
  const ts = nv(r.ts);
  const svc = sv(r.pdu_service);
  const isReq = svc.endsWith('-request') || svc === 'write-property' || svc === 'write-property-multiple';
  // The sender (as bacnetSender, without an object per record when it is not routed).
  const ip = bacnetSenderIp(r);
  const routed = bacnetSource(r, ip);
  if (isReq) {
    if (routed === '') o.featureIp(ip, 'bacnet_client', ts);
    else o.feature({ bacnet: routed, via: ip }, 'bacnet_client', ts);
    const write = svc.startsWith('write');
    o.op(routed === '' ? ip : routed, bacnetDestination(r), 'bacnet', BACNET_OP.of(svc, sv(r.property)), write ? 'write' : 'read', ts);
    return;
  }
  if (!svc.endsWith('-ack')) return;
  if (routed === '') o.featureIp(ip, 'bacnet_device', ts);
  else o.feature({ bacnet: routed, via: ip }, 'bacnet_device', ts);
  if (sv(r.object_type) !== 'device') return;
  const field = BACNET_DEVICE_PROPS[sv(r.property)];
  const v = sv(r.value);
  if (field !== undefined && v !== '') {
    const conf = field === 'name' ? CONFIDENCE.SELF_ANNOUNCED : CONFIDENCE.DEVICE_IDENTITY;
    const uid = typeof r.uid === 'string' ? r.uid : undefined;
    o.claim(routed === '' ? { ip } : { bacnet: routed, via: ip }, field, v, conf, 'bacnet_property', ts, uid, sv(r.property), field === 'name' ? 'bacnet' : undefined);
  }
}

function bacnetDeviceControl(r: Record<string, unknown>, o: Observer): void {
  if (r.is_orig === false) return;
  o.op(addressOf(bacnetSender(r)), bacnetDestination(r), 'bacnet', `${sv(r.pdu_service)} ${sv(r.device_state)}`.trim(), 'control', nv(r.ts));
}

// ---- PROFINET DCP (docs/protocols/profinet.md) ----

/** The mapper of profinet_dcp records, naming vendor ids from `vendors`. */
function profinetDcpWith(vendors: ReadonlyMap<number, string>): RecordMapper {
  return (r, o) => profinetDcp(r, o, vendors);
}

function profinetDcp(r: Record<string, unknown>, o: Observer, vendors: ReadonlyMap<number, string>): void {
  const ts = nv(r.ts);
  const mac = sv(r.src_mac);
  const svc = sv(r.service);
  const type = sv(r.service_type);
  if (mac === '') return;
  const dev = { mac };
  if (svc === 'set' && type === 'request') {
    o.feature(dev, 'dcp_configurator', ts);
    return;
  }
  // Identify responses and Hello requests describe the sender itself.
  if (!((svc === 'identify' && type.startsWith('response')) || svc === 'hello' || (svc === 'get' && type.startsWith('response')))) return;
  const c = CONFIDENCE.DEVICE_IDENTITY;
  const station = sv(r.station_name);
  if (station !== '') o.claim(dev, 'name', station, c, 'profinet_dcp', ts, undefined, 'station_name', 'profinet');
  const tos = sv(r.type_of_station);
  if (tos !== '') o.claim(dev, 'model', tos, c, 'profinet_dcp', ts, undefined, 'type_of_station');
  const vid = nv(r.vendor_id);
  const did = nv(r.device_id);
  if (Number.isFinite(vid)) {
    const vname = vendors.get(vid);
    if (vname !== undefined) o.claim(dev, 'vendor', vname, c, 'profinet_dcp', ts, undefined, 'vendor_id');
    if (Number.isFinite(did)) o.claim(dev, 'hardware', `PROFINET device 0x${vid.toString(16).padStart(4, '0')}:0x${did.toString(16).padStart(4, '0')}`, c, 'profinet_dcp', ts, undefined, 'device_id');
  }
  const roles = Array.isArray(r.device_role_names) ? (r.device_role_names as string[]) : [];
  for (const role of roles) {
    o.claim(dev, 'device_type', role === 'io_device' ? 'PROFINET IO-Device' : role === 'io_controller' ? 'PROFINET IO-Controller' : `PROFINET ${role}`, c, 'profinet_dcp', ts, undefined, 'device_role_names');
    if (role === 'io_controller') o.feature(dev, 'profinet_io_controller', ts);
  }
  const ip = sv(r.ip);
  if (ip !== '' && ip !== '0.0.0.0') o.bind(mac, ip, true, 'profinet_dcp', ts);
}

// ---- MQTT (docs/protocols/mqtt.md) ----

function mqttConnect(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  o.feature({ ip: f.resp }, 'mqtt_broker', f.ts);
  o.feature({ ip: f.orig }, 'mqtt_client', f.ts);
  const id = sv(r.client_id);
  if (id !== '') o.claim({ ip: f.orig }, 'name', id, CONFIDENCE.HEURISTIC, 'mqtt_connect', f.ts, f.uid, 'client_id', 'mqtt');
}

function mqttPublish(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const pub = r.from_client === false ? f.resp : f.orig;
  const edge = sv(r.spb_edge_node_id);
  if (edge !== '' && r.from_client !== false) {
    o.feature({ ip: f.orig }, 'sparkplug_edge', f.ts);
    o.claim({ ip: f.orig }, 'name', `${sv(r.spb_group_id)}/${edge}`, CONFIDENCE.HEURISTIC, 'mqtt_publish', f.ts, f.uid, 'spb_edge_node_id', 'sparkplug');
  }
  void pub;
}

// ---- S7comm (docs/protocols/s7comm.md, s7comm_plus.md) ----

/** A User-Data request's operation name: `<function without "Request: ">: <subfunction>`. */
const S7_USERDATA_OP = new Join(': ', '', false);

function s7comm(r: Record<string, unknown>, o: Observer): void {
  const ts = nv(r.ts);
  const rosctr = sv(r.rosctr_name);
  const src = sv(r.source_h) || sv(r['id.orig_h']);
  const dst = sv(r.destination_h) || sv(r['id.resp_h']);
  if (rosctr === 'Job-Request') {
    o.featureIp(src, 's7_client', ts);
    const fn = sv(r.function_name);
    if (fn === 'PLC Stop' || fn === 'PLC Control') {
      o.feature({ ip: src }, 's7_plc_control', ts, fn);
      o.op(src, dst, 's7comm', fn === 'PLC Control' ? `PLC Control ${sv(r.subfunction_name)}`.trim() : fn, 'control', ts);
    } else if (fn === 'Setup communication') {
      o.op(src, dst, 's7comm', fn, 'other', ts);
    }
  } else if (rosctr === 'ACK-Data' || rosctr === 'ACK') {
    o.featureIp(src, 's7_server', ts);
  } else if (rosctr === 'User-Data') {
    const fn = sv(r.function_name);
    if (fn.startsWith('Request')) {
      o.featureIp(src, 's7_client', ts);
      const sub = sv(r.subfunction_name);
      o.op(src, dst, 's7comm', S7_USERDATA_OP.of(fn.startsWith('Request: ') ? fn.slice('Request: '.length) : fn, sub), sub === 'Read SZL' ? 'discovery' : 'other', ts);
    } else if (fn.startsWith('Response')) o.featureIp(src, 's7_server', ts);
  }
}

const S7_OP = new Join(' ');

function s7ReadWrite(r: Record<string, unknown>, o: Observer): void {
  const src = sv(r.source_h) || sv(r['id.orig_h']);
  const dst = sv(r.destination_h) || sv(r['id.resp_h']);
  const write = sv(r.function_name) === 'Write Variable';
  o.op(src, dst, 's7comm', S7_OP.of(write ? 'Write' : 'Read', sv(r.area_name)), write ? 'write' : 'read', nv(r.ts));
}

function s7UploadDownload(r: Record<string, unknown>, o: Observer): void {
  if (sv(r.rosctr) !== 'Job-Request') return;
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const src = sv(r.source_h) || f.orig;
  const dst = sv(r.destination_h) || f.resp;
  const fn = sv(r.function_name);
  const down = /download/i.test(fn);
  // In a download the PLC itself asks for the blocks (Download Block and Download Ended are
  // jobs the PLC sends to the programming device); everything else is sent by the PG.
  const plcAsks = fn === 'Download Block' || fn === 'Download Ended';
  const pg = plcAsks ? dst : src;
  const plc = plcAsks ? src : dst;
  o.op(pg, plc, 's7comm', `${fn}${sv(r.block_type) !== '' ? ` ${sv(r.block_type)}` : ''}`, 'program', f.ts);
  o.feature({ ip: pg }, down ? 's7_program_download' : 's7_program_upload', f.ts, sv(r.filename));
  o.feature({ ip: plc }, 's7_server', f.ts);
}

function s7KnownDevice(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const dev = { ip: sv(r.source_h) || f.resp };
  const c = CONFIDENCE.DEVICE_IDENTITY;
  const src = 's7comm_known_devices';
  const put = (field: ClaimField, key: string, conf: number = c, kind?: string) => {
    const v = str(r, key);
    if (v !== '') o.claim(dev, field, v, conf, src, f.ts, f.uid, key, kind);
  };
  put('model', 'order_number');
  put('model', 'module_type_name', c - 5);
  put('model', 'module_name', c - 10);
  put('firmware', 'firmware_version');
  put('hardware', 'hardware_version');
  put('serial', 'module_serial');
  put('name', 'automation_system_name', CONFIDENCE.SELF_ANNOUNCED, 's7');
  put('name', 'plant_name', CONFIDENCE.SELF_ANNOUNCED - 5, 's7_plant');
  if (sv(r.copyright).toLowerCase().includes('siemens') || nv(r.manufacturer_id) === 42) o.claim(dev, 'vendor', 'Siemens AG', c, src, f.ts, f.uid, nv(r.manufacturer_id) === 42 ? 'manufacturer_id' : 'copyright');
  o.claim(dev, 'device_type', 'S7 CPU', c, src, f.ts, f.uid, 'module_type_name');
  o.feature(dev, 's7_module_identity', f.ts);
}

function s7plus(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const src = sv(r.source_h) || (r.is_orig === false ? f.resp : f.orig);
  const dst = sv(r.destination_h) || (r.is_orig === false ? f.orig : f.resp);
  const opcode = sv(r.opcode_name) || sv(r.opcode);
  if (/response/i.test(opcode)) {
    o.feature({ ip: src }, 's7_plus_server', f.ts);
    return;
  }
  if (!/request/i.test(opcode)) return;
  o.feature({ ip: src }, 's7_client', f.ts);
  const fn = sv(r.function_name) || sv(r.function);
  const cat: OpCategory = /SetVariable|SetMultiVariables|CreateObject|DeleteObject/.test(fn) ? 'write' : /GetVariable|GetMultiVariables|Explore|GetLink/.test(fn) ? 'read' : 'other';
  if (fn !== '') o.op(src, dst, 's7comm_plus', fn, cat, f.ts);
}

// ---- DNP3 (docs/protocols/dnp3.md) ----

const DNP3_WRITE = new Set(['WRITE', 'SELECT', 'OPERATE', 'DIRECT_OPERATE', 'DIRECT_OPERATE_NR']);
const DNP3_CONTROL = new Set(['COLD_RESTART', 'WARM_RESTART', 'INITIALIZE_DATA', 'INITIALIZE_APPL', 'START_APPL', 'STOP_APPL', 'SAVE_CONFIG', 'ACTIVATE_CONFIG', 'ENABLE_UNSOLICITED', 'DISABLE_UNSOLICITED', 'ASSIGN_CLASS']);
const DNP3_PROGRAM = new Set(['OPEN_FILE', 'CLOSE_FILE', 'DELETE_FILE', 'ABORT_FILE', 'AUTHENTICATE_FILE']);

function dnp3(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const req = sv(r.fc_request);
  if (req === '') {
    if (sv(r.fc_reply) === 'UNSOLICITED_RESPONSE') o.feature({ ip: f.orig }, 'dnp3_outstation', f.ts);
    return;
  }
  o.feature({ ip: f.orig }, 'dnp3_master', f.ts);
  if (sv(r.fc_reply) !== '') o.feature({ ip: f.resp }, 'dnp3_outstation', f.ts);
  const cat: OpCategory = req === 'READ' ? 'read' : DNP3_WRITE.has(req) ? 'write' : DNP3_CONTROL.has(req) ? 'control' : DNP3_PROGRAM.has(req) ? 'program' : 'other';
  o.op(f.orig, f.resp, 'dnp3', req, cat, f.ts);
}

/** Device attributes (group 0) by variation: what the outstation says it is. */
const DNP3_ATTRIBUTES: Record<number, [ClaimField, string?]> = {
  252: ['vendor'],
  250: ['model'],
  249: ['hardware'],
  248: ['serial'],
  247: ['name', 'dnp3'],
  246: ['name', 'dnp3_id'],
  242: ['firmware'],
  243: ['hardware'],
};

function dnp3Objects(r: Record<string, unknown>, o: Observer): void {
  if (nv(r.object_group) !== 0) return;
  const v = sv(r.attribute_value);
  if (v === '') return;
  const a = DNP3_ATTRIBUTES[nv(r.object_variation)];
  if (a === undefined) return;
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const dev = { ip: sv(r.source_h) || f.resp };
  if (sv(r.function_code) !== 'RESPONSE') return;
  o.claim(dev, a[0], v, a[0] === 'name' ? CONFIDENCE.SELF_ANNOUNCED : CONFIDENCE.DEVICE_IDENTITY, 'dnp3_objects', f.ts, f.uid, `g0v${nv(r.object_variation)}`, a[1]);
}

// ---- IT protocols: names, OS and software (docs/protocols/*.md) ----

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:]+$/;

function dhcp(r: Record<string, unknown>, o: Observer): void {
  const ts = nv(r.ts);
  const uids = Array.isArray(r.uids) ? (r.uids as string[]) : [];
  const uid = uids[0];
  const mac = sv(r.mac);
  if (mac === '') return;
  const dev = { mac };
  const assigned = sv(r.assigned_addr) || sv(r.client_addr);
  if (assigned !== '' && assigned !== '0.0.0.0') o.bind(mac, assigned, true, 'dhcp', ts);
  const host = sv(r.host_name);
  if (host !== '') o.claim(dev, 'name', host, CONFIDENCE.SELF_ANNOUNCED, 'dhcp', ts, uid, 'host_name', 'dhcp');
  const fqdn = sv(r.client_fqdn);
  if (fqdn !== '') o.claim(dev, 'name', fqdn, CONFIDENCE.SELF_ANNOUNCED, 'dhcp', ts, uid, 'client_fqdn', 'dhcp');
  const vendor = sv(r.client_software);
  if (vendor !== '') o.claim(dev, 'os', `DHCP vendor class ${vendor}`, CONFIDENCE.HEURISTIC + 10, 'dhcp', ts, uid, 'client_software');
  const fp = sv(r.param_list);
  if (fp !== '') o.claim(dev, 'os', `DHCP fingerprint ${fp}`, CONFIDENCE.HEURISTIC, 'dhcp', ts, uid, 'param_list');
  const server = sv(r.server_addr) || sv(r.server_id);
  if (server !== '' && server !== '0.0.0.0') o.feature({ ip: server }, 'dhcp_server', ts);
}

function dhcpv6(r: Record<string, unknown>, o: Observer): void {
  const ts = nv(r.ts);
  const mac = sv(r.mac);
  if (mac === '') return;
  const fqdn = sv(r.client_fqdn) || sv(r.fqdn);
  if (fqdn !== '') o.claim({ mac }, 'name', fqdn, CONFIDENCE.SELF_ANNOUNCED, 'dhcpv6', ts, undefined, 'client_fqdn', 'dhcp');
}

function dns(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const answers = Array.isArray(r.answers) ? (r.answers as unknown[]) : [];
  if (answers.length === 0) return;
  const variant = sv(r.variant);
  const names = Array.isArray(r.answer_names) ? (r.answer_names as unknown[]) : [];
  const qtype = sv(r.qtype_name);
  if (variant === 'dns') o.feature({ ip: f.resp }, 'dns_server', f.ts);
  for (let i = 0; i < answers.length && i < 32; i++) {
    const a = String(answers[i]);
    const owner = String(names[i] ?? sv(r.query)).replace(/\.$/, '');
    if (owner === '') continue;
    // An A/AAAA answer names the address; a PTR answer names the queried address.
    if (IPV4.test(a) || (a.includes(':') && IPV6.test(a))) {
      const conf = variant === 'dns' ? CONFIDENCE.THIRD_PARTY : CONFIDENCE.SELF_ANNOUNCED;
      o.claim({ ip: a }, 'name', owner, conf, 'dns', f.ts, f.uid, `${variant} answer`, variant === 'dns' ? 'dns' : variant);
    } else if (qtype === 'PTR' && variant === 'dns') {
      const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/i.exec(owner);
      if (m !== null) o.claim({ ip: `${m[4]}.${m[3]}.${m[2]}.${m[1]}` }, 'name', a.replace(/\.$/, ''), CONFIDENCE.THIRD_PARTY, 'dns', f.ts, f.uid, 'PTR answer', 'dns');
    }
  }
}

const NETBIOS_HOST_SUFFIX = new Set([0x00, 0x20]);

function netbios(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const service = sv(r.nb_service);
  const suffix = nv(r.name_suffix);
  const name = sv(r.name);
  const op = sv(r.opcode_name);
  // A registration or refresh of a unique workstation/server name is the sender naming itself.
  if (service !== 'datagram' && name !== '' && r.group !== true && NETBIOS_HOST_SUFFIX.has(suffix) && /registration|refresh|overwrite/i.test(op)) {
    const addrs = Array.isArray(r.request_addrs) ? (r.request_addrs as string[]) : [];
    for (const ip of addrs.length > 0 ? addrs : [f.orig]) o.claim({ ip: String(ip) }, 'name', name, CONFIDENCE.SELF_ANNOUNCED, 'netbios', f.ts, f.uid, 'name', 'netbios');
    o.feature({ ip: f.orig }, 'windows_client', f.ts);
  }
  const server = sv(r.server_name);
  const src = sv(r.source_addr) || f.orig;
  if (server !== '') o.claim({ ip: src }, 'name', server, CONFIDENCE.SELF_ANNOUNCED, 'netbios', f.ts, f.uid, 'server_name', 'netbios');
  const osv = sv(r.os_version);
  if (osv !== '') o.claim({ ip: src }, 'os', `Windows ${osv} (browser announcement)`, CONFIDENCE.BANNER, 'netbios', f.ts, f.uid, 'os_version');
}

function ssdp(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const sender = r.is_orig === false ? f.resp : f.orig;
  const server = sv(r.server);
  if (server !== '') {
    o.claim({ ip: sender }, 'software', server, CONFIDENCE.BANNER, 'ssdp', f.ts, f.uid, 'server');
    const os = server.split(/\s+/)[0];
    if (/\//.test(os) && !/upnp/i.test(os)) o.claim({ ip: sender }, 'os', os, CONFIDENCE.BANNER - 10, 'ssdp', f.ts, f.uid, 'server');
  }
}

function lldpCdpCaps(caps: unknown): string[] {
  return Array.isArray(caps) ? caps.map((c) => String(c).toLowerCase()) : typeof caps === 'string' ? caps.toLowerCase().split(/[,\s]+/) : [];
}

function lldp(r: Record<string, unknown>, o: Observer): void {
  const ts = nv(r.ts);
  const mac = sv(r.src_mac);
  if (mac === '') return;
  const dev = { mac };
  const c = CONFIDENCE.SELF_ANNOUNCED;
  const name = sv(r.system_name);
  if (name !== '') o.claim(dev, 'name', name, c, 'lldp', ts, undefined, 'system_name', 'lldp');
  const descr = sv(r.system_description);
  if (descr !== '') o.claim(dev, 'os', descr, c - 10, 'lldp', ts, undefined, 'system_description');
  for (const cap of lldpCdpCaps(r.enabled_capabilities ?? r.capabilities)) {
    if (cap.includes('router')) o.feature(dev, 'lldp_router', ts);
    if (cap.includes('bridge') || cap.includes('switch')) o.feature(dev, 'lldp_bridge', ts);
  }
  for (const ip of Array.isArray(r.mgmt_addresses) ? (r.mgmt_addresses as string[]) : []) if (IPV4.test(String(ip))) o.bind(mac, String(ip), true, 'lldp', ts);
  const med: [ClaimField, string][] = [['vendor', 'med_manufacturer'], ['model', 'med_model'], ['firmware', 'med_firmware_revision'], ['hardware', 'med_hardware_revision'], ['software', 'med_software_revision'], ['serial', 'med_serial_number']];
  for (const [field, key] of med) {
    const v = str(r, key);
    if (v !== '') o.claim(dev, field, v, CONFIDENCE.DEVICE_IDENTITY, 'lldp', ts, undefined, key);
  }
}

function cdp(r: Record<string, unknown>, o: Observer): void {
  const ts = nv(r.ts);
  const mac = sv(r.src_mac);
  if (mac === '') return;
  const dev = { mac };
  const c = CONFIDENCE.SELF_ANNOUNCED;
  const id = sv(r.device_id);
  if (id !== '') o.claim(dev, 'name', id, c, 'cdp', ts, undefined, 'device_id', 'cdp');
  const platform = sv(r.platform);
  if (platform !== '') o.claim(dev, 'model', platform, CONFIDENCE.DEVICE_IDENTITY, 'cdp', ts, undefined, 'platform');
  const sw = sv(r.software_version);
  if (sw !== '') o.claim(dev, 'firmware', sw.split('\n')[0].slice(0, 200), CONFIDENCE.DEVICE_IDENTITY - 5, 'cdp', ts, undefined, 'software_version');
  if (platform !== '' || sw.toLowerCase().includes('cisco')) o.claim(dev, 'vendor', 'Cisco Systems, Inc', c, 'cdp', ts, undefined, 'platform');
  for (const cap of lldpCdpCaps(r.capabilities)) {
    if (cap.includes('router')) o.feature(dev, 'cdp_router', ts);
    if (cap.includes('switch') || cap.includes('bridge')) o.feature(dev, 'cdp_switch', ts);
  }
  const addrs = [...(Array.isArray(r.addresses) ? (r.addresses as string[]) : []), ...(Array.isArray(r.mgmt_addresses) ? (r.mgmt_addresses as string[]) : [])];
  for (const ip of addrs) if (IPV4.test(String(ip))) o.bind(mac, String(ip), true, 'cdp', ts);
}

function snmpPdu(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const type = sv(r.pdu_type);
  if (type !== 'response' && type !== 'GetResponse' && type !== 'get_response' && !/response|report|trap/i.test(type)) {
    if (/get|set/i.test(type)) o.op(f.orig, f.resp, 'snmp', type, /set/i.test(type) ? 'write' : 'read', f.ts);
    return;
  }
  // The agent answers (or traps): the values describe it.
  const agent = /trap/i.test(type) ? f.orig : f.resp;
  const dev = { ip: agent };
  const descr = sv(r.sys_descr);
  if (descr !== '') o.claim(dev, 'os', descr.slice(0, 200), CONFIDENCE.SELF_ANNOUNCED, 'snmp_pdu', f.ts, f.uid, 'sys_descr');
  const name = sv(r.sys_name);
  if (name !== '') o.claim(dev, 'name', name, CONFIDENCE.SELF_ANNOUNCED, 'snmp_pdu', f.ts, f.uid, 'sys_name', 'snmp');
  const oid = sv(r.sys_object_id);
  if (oid !== '') o.claim(dev, 'hardware', `sysObjectID ${oid}`, CONFIDENCE.SELF_ANNOUNCED, 'snmp_pdu', f.ts, f.uid, 'sys_object_id');
  if (/printer|jetdirect|laserjet/i.test(descr)) o.feature(dev, 'printer', f.ts);
}

function software(r: Record<string, unknown>, o: Observer): void {
  const ts = nv(r.ts);
  const host = sv(r.host);
  const type = sv(r.software_type);
  const unparsed = sv(r.unparsed_version);
  const name = sv(r.name);
  if (host === '' || (name === '' && unparsed === '')) return;
  const dev = { ip: host };
  const value = unparsed !== '' ? unparsed : name;
  o.claim(dev, 'software', value, CONFIDENCE.BANNER, 'software', ts, undefined, type);
  if (type === 'HTTP::BROWSER') {
    o.feature(dev, 'web_client', ts);
    const m = /\((Windows NT [\d.]+|Windows [^;)]+|Macintosh; [^;)]+|X11; Linux [^;)]*|Linux; Android [^;)]+|iPhone[^;)]*)/.exec(unparsed);
    if (m !== null) o.claim(dev, 'os', m[1], CONFIDENCE.BANNER - 10, 'software', ts, undefined, 'user agent');
  }
  if (/SERVER$/.test(type)) {
    const m = /\((Ubuntu|Debian|CentOS|Red Hat|Win32|Win64|Unix|FreeBSD)[^)]*\)/i.exec(unparsed);
    if (m !== null) o.claim(dev, 'os', m[1], CONFIDENCE.BANNER - 10, 'software', ts, undefined, 'server banner');
  }
}

function ntlm(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const host = sv(r.hostname);
  if (host !== '') o.claim({ ip: f.orig }, 'name', host, CONFIDENCE.SELF_ANNOUNCED, 'ntlm', f.ts, f.uid, 'hostname', 'netbios');
  const srv = sv(r.server_dns_computer_name) || sv(r.server_nb_computer_name);
  if (srv !== '') o.claim({ ip: f.resp }, 'name', srv, CONFIDENCE.SELF_ANNOUNCED, 'ntlm', f.ts, f.uid, sv(r.server_dns_computer_name) !== '' ? 'server_dns_computer_name' : 'server_nb_computer_name', 'netbios');
  const cv = sv(r.client_version);
  if (cv !== '') o.claim({ ip: f.orig }, 'os', `Windows ${cv}`, CONFIDENCE.BANNER, 'ntlm', f.ts, f.uid, 'client_version');
  const srvVer = sv(r.server_version);
  if (srvVer !== '') o.claim({ ip: f.resp }, 'os', `Windows ${srvVer}`, CONFIDENCE.BANNER, 'ntlm', f.ts, f.uid, 'server_version');
  o.feature({ ip: f.orig }, 'windows_client', f.ts);
}

function smb(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const cos = sv(r.client_native_os);
  if (cos !== '') o.claim({ ip: f.orig }, 'os', cos, CONFIDENCE.BANNER, 'smb', f.ts, f.uid, 'client_native_os');
  const sos = sv(r.server_native_os);
  if (sos !== '') o.claim({ ip: f.resp }, 'os', sos, CONFIDENCE.BANNER, 'smb', f.ts, f.uid, 'server_native_os');
  const cmd = sv(r.command);
  if (cmd === 'NEGOTIATE' || cmd === 'SMB2_NEGOTIATE' || cmd.endsWith('NEGOTIATE')) o.feature({ ip: f.orig }, 'windows_client', f.ts);
  if (/WRITE/.test(cmd)) o.op(f.orig, f.resp, 'smb', 'write file', 'write', f.ts);
}

function rdp(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const name = sv(r.client_name);
  if (name !== '') o.claim({ ip: f.orig }, 'name', name, CONFIDENCE.SELF_ANNOUNCED, 'rdp', f.ts, f.uid, 'client_name', 'rdp');
  o.op(f.orig, f.resp, 'rdp', 'remote desktop', 'other', f.ts);
}

function vnc(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const name = sv(r.desktop_name);
  if (name !== '') o.claim({ ip: f.resp }, 'name', name, CONFIDENCE.SELF_ANNOUNCED - 10, 'vnc', f.ts, f.uid, 'desktop_name', 'vnc');
  o.op(f.orig, f.resp, 'vnc', 'remote desktop', 'other', f.ts);
}

function syslog(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const host = sv(r.hostname);
  if (host !== '' && host !== '-' && !IPV4.test(host)) o.claim({ ip: f.orig }, 'name', host, CONFIDENCE.SELF_ANNOUNCED - 10, 'syslog', f.ts, f.uid, 'hostname', 'syslog');
}

function tftp(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r.ts, r.uid, r['id.orig_h'], r['id.resp_h']);
  const fname = sv(r.fname);
  if (fname === '') return;
  // Controller firmware and configuration travel over TFTP: a write to a device is a program transfer.
  o.op(f.orig, f.resp, 'tftp', r.wrq === true ? `write ${fname}` : `read ${fname}`, r.wrq === true ? 'program' : 'read', f.ts);
}

/** What the mappers can be given besides records. */
export interface MapperOptions {
  /** PROFINET vendor id → name (default: BUILTIN_PROFINET_VENDORS; a user's Man_ID_Table.xml with --profinet-vendors). */
  profinetVendors?: ReadonlyMap<number, string>;
}

/**
 * Per record type: text that every line its mapper reads holds (a field and its value as
 * JSON.stringify writes them). The inventory's thread counts a line without it and does not
 * parse it (feed-worker.ts). The cip mapper reads requests only, and a share of a plant's
 * cip lines may be responses (plant-mix: 114k of its 715k cip lines, 51 of 351 MB).
 */
export const LINE_NEEDS: ReadonlyMap<string, string> = new Map([['cip', '"direction":"request"']]);

/** The mappers of every record type the inventory reads, given `opts`. */
export function mappersFor(opts: MapperOptions = {}): ReadonlyMap<string, RecordMapper> {
  return new Map<string, RecordMapper>([...BASE_MAPPERS, ['profinet_dcp', profinetDcpWith(opts.profinetVendors ?? BUILTIN_PROFINET_VENDORS)]]);
}

const BASE_MAPPERS: ReadonlyMap<string, RecordMapper> = new Map<string, RecordMapper>([
  ['arp', arp],
  ['modbus', modbus],
  ['modbus_read_device_identification', modbusDeviceId],
  ['enip', enip],
  ['cip', cip],
  ['cip_identity', cipIdentity],
  ['bacnet_discovery', bacnetDiscovery],
  ['bacnet_property', bacnetProperty],
  ['bacnet_device_control', bacnetDeviceControl],
  ['mqtt_connect', mqttConnect],
  ['mqtt_publish', mqttPublish],
  ['s7comm', s7comm],
  ['s7comm_read_write', s7ReadWrite],
  ['s7comm_upload_download', s7UploadDownload],
  ['s7comm_known_devices', s7KnownDevice],
  ['s7comm_plus', s7plus],
  ['dnp3', dnp3],
  ['dnp3_objects', dnp3Objects],
  ['dhcp', dhcp],
  ['dhcpv6', dhcpv6],
  ['dns', dns],
  ['netbios', netbios],
  ['ssdp', ssdp],
  ['lldp', lldp],
  ['cdp', cdp],
  ['snmp_pdu', snmpPdu],
  ['software', software],
  ['ntlm', ntlm],
  ['smb', smb],
  ['rdp', rdp],
  ['vnc', vnc],
  ['syslog', syslog],
  ['tftp', tftp],
]);

/** The mappers with the built-in tables. */
export const MAPPERS: ReadonlyMap<string, RecordMapper> = mappersFor();
