// Role and Purdue level of an asset, inferred from what it did on the network. Each rule
// reads the asset's features (reported by the record mappers: `s7_server`,
// `modbus_client`, `s7_program_download`…) and its services, and gives a role a score with a
// reason in words. The role with the best score wins; its confidence is that score (0-100).
// Nothing here reads packets or records: only the aggregated asset.

export const ROLES = [
  'plc', 'rtu', 'ied', 'hmi', 'engineering_workstation', 'historian', 'opc_server', 'iot_gateway', 'protocol_gateway', 'switch_router', 'printer',
  'it_server', 'it_workstation', 'unknown',
] as const;
export type Role = (typeof ROLES)[number];

/** What the role inference needs to know of an asset. */
export interface RoleInput {
  /** Feature → observations. */
  features: ReadonlyMap<string, number>;
  /** Services it answered (`tcp/502`), with the confirmed protocol when known. */
  offers: readonly { proto: string; port: number; service: string; clients: number }[];
  /** Services it used as a client. */
  uses: readonly { proto: string; port: number; service: string; servers: number }[];
  /** The MAC fronts many IP addresses (a router seen from this segment). */
  fronting: boolean;
  /** Device types claimed by identity objects (CIP device type names, DCP roles…), lower case. */
  deviceTypes: readonly string[];
  ips: readonly string[];
  isPublic: boolean;
}

export interface RoleResult {
  role: Role;
  confidence: number;
  reasons: string[];
  /** The other roles that scored, best first (for the analyst). */
  alternatives: { role: Role; confidence: number }[];
}

const ICS_CONTROL_SERVICES = new Set(['modbus', 's7comm', 's7comm_plus', 'enip', 'cip', 'dnp3', 'iec104', 'bacnet', 'mms', 'omron_fins', 'melsec', 'hart_ip', 'synchrophasor', 'opcua']);
const DB_PORTS = new Set([1433, 1521, 3306, 5432, 5450, 5457, 8086, 27017]);
const PRINTER_PORTS = new Set([515, 631, 9100]);

function f(i: RoleInput, name: string): number {
  return i.features.get(name) ?? 0;
}

export function inferRole(i: RoleInput): RoleResult {
  const scores = new Map<Role, { score: number; reasons: string[] }>();
  const give = (role: Role, score: number, reason: string) => {
    const cur = scores.get(role);
    if (cur === undefined) scores.set(role, { score, reasons: [reason] });
    else {
      cur.score = Math.min(99, Math.max(cur.score, score) + 5);
      cur.reasons.push(reason);
    }
  };
  const offered = (svc: string) => i.offers.filter((o) => o.service.split(',').includes(svc));
  const clientsOf = (svc: string) => offered(svc).reduce((a, o) => a + o.clients, 0);
  const types = i.deviceTypes.join(' | ');

  // Controllers, by what they answer.
  if (f(i, 's7_server') > 0) give('plc', 85, `answers S7comm as a server (${clientsOf('s7comm') || 'some'} client connection(s))`);
  if (f(i, 's7_plus_server') > 0) give('plc', 85, 'answers S7comm-plus as a server (S7-1200/1500 class controller)');
  if (f(i, 's7_module_identity') > 0) give('plc', 90, 'reported its CPU module identification (S7 SZL 0x0011)');
  if (/programmable logic controller|plc/.test(types)) give('plc', 92, `identity object says: ${i.deviceTypes.join(', ')}`);
  if (f(i, 'cip_server') > 0 && !/adapter|drive|i\/o|discrete|analog|hmi|operator/.test(types)) give('plc', 70, 'answers CIP (EtherNet/IP) requests');
  if (f(i, 'modbus_server') > 0) give('plc', 70, `answers Modbus/TCP as a server (unit ids, ${clientsOf('modbus') || 'some'} client connection(s))`);
  if (f(i, 'umas_server') > 0) give('plc', 85, 'answers Schneider UMAS (Modbus function 90): a Modicon controller');
  if (f(i, 'bacnet_device') > 0) give('plc', 65, 'is a BACnet device (announces itself with I-Am or answers property reads)');
  if (f(i, 'profinet_io_controller') > 0) give('plc', 80, 'PROFINET DCP device role: IO-Controller');
  if (f(i, 'omron_fins_server') > 0) give('plc', 75, 'answers Omron FINS commands');
  if (f(i, 'melsec_server') > 0) give('plc', 75, 'answers MELSEC (SLMP/MC protocol) commands');
  if (f(i, 'dnp3_outstation') > 0) give('rtu', 80, 'is a DNP3 outstation (answers a master)');
  if (f(i, 'iec104_server') > 0) give('rtu', 80, 'is an IEC 60870-5-104 controlled station');
  if (f(i, 'mms_server') > 0) give('ied', 75, 'answers IEC 61850 MMS as a server');
  if (f(i, 'goose_publisher') > 0) give('ied', 85, 'publishes IEC 61850 GOOSE messages');
  if (f(i, 'synchrophasor_pmu') > 0) give('ied', 80, 'sends IEEE C37.118 synchrophasor data (a PMU)');
  if (/communications adapter|i\/o|discrete|analog|drive|io-device/.test(types)) give('plc', 60, `controller or field device identity: ${i.deviceTypes.join(', ')}`);

  // Programming a controller makes an engineering workstation.
  const prog = f(i, 's7_program_download') + f(i, 's7_program_upload') + f(i, 's7_plc_control') + f(i, 'umas_program') + f(i, 'cip_program') + f(i, 'modbus_program');
  if (prog > 0) {
    const what: string[] = [];
    if (f(i, 's7_program_download') > 0) what.push('downloads blocks to S7 controllers');
    if (f(i, 's7_program_upload') > 0) what.push('uploads blocks from S7 controllers');
    if (f(i, 's7_plc_control') > 0) what.push('starts/stops S7 controllers');
    if (f(i, 'umas_program') > 0) what.push('programs Modicon controllers over UMAS');
    if (f(i, 'cip_program') > 0) what.push('uses CIP services that change controller programs or modes');
    if (f(i, 'modbus_program') > 0) what.push('uses Modbus programming functions');
    give('engineering_workstation', 90, what.join('; '));
  }
  if (f(i, 'dcp_configurator') > 0) give('engineering_workstation', 60, 'sets PROFINET device names or IP addresses with DCP Set');

  // Clients of control protocols: HMI / SCADA.
  const icsClient = ['modbus_client', 's7_client', 'cip_client', 'dnp3_master', 'iec104_client', 'bacnet_client', 'mms_client', 'opcua_client', 'omron_fins_client', 'melsec_client'];
  const clientOf = icsClient.filter((k) => f(i, k) > 0);
  if (clientOf.length > 0) {
    const servers = i.uses.filter((u) => u.service.split(',').some((s) => ICS_CONTROL_SERVICES.has(s))).reduce((a, u) => a + u.servers, 0);
    give('hmi', 70, `polls controllers as a client (${clientOf.map((k) => k.replace(/_(client|master)$/, '')).join(', ')}; ${servers} server(s))`);
  }
  if (f(i, 'dnp3_master') > 0 || f(i, 'iec104_client') > 0) give('hmi', 75, 'is a SCADA master (DNP3 / IEC 104 client)');

  // Historian: reads many controllers, never writes, and serves a database.
  const dbOffered = i.offers.filter((o) => DB_PORTS.has(o.port));
  if (clientOf.length > 0 && f(i, 'ics_write') === 0 && dbOffered.length > 0) {
    give('historian', 80, `reads controllers without writing and serves a database (${dbOffered.map((o) => `${o.proto}/${o.port}`).join(', ')})`);
  }
  if (f(i, 'opcua_server') > 0) give('opc_server', 80, 'answers OPC UA as a server');
  if (offered('opcua').length > 0 && f(i, 'opcua_server') === 0) give('opc_server', 70, 'offers OPC UA (tcp/4840)');
  if (f(i, 'mqtt_broker') > 0) give('iot_gateway', 80, 'is an MQTT broker (accepts CONNECT, relays PUBLISH)');
  if (f(i, 'sparkplug_edge') > 0) give('iot_gateway', 70, 'publishes Sparkplug B as an edge node');
  const behind = f(i, 'modbus_gateway');
  if (behind > 0) give('protocol_gateway', 85, `a Modbus/TCP gateway: answers for ${behind} device(s) behind it, each with its own unit id`);

  // Network gear.
  if (i.fronting) give('switch_router', 75, 'its MAC address carries the traffic of many IP addresses (a router seen from this segment)');
  if (f(i, 'lldp_router') + f(i, 'cdp_router') > 0) give('switch_router', 85, 'announces router capability (LLDP/CDP)');
  if (f(i, 'lldp_bridge') + f(i, 'cdp_switch') > 0) give('switch_router', 85, 'announces bridge/switch capability (LLDP/CDP)');
  if (f(i, 'stp_bridge') > 0) give('switch_router', 75, 'sends spanning-tree BPDUs');

  // Printers and IT.
  const printer = i.offers.filter((o) => PRINTER_PORTS.has(o.port));
  if (printer.length > 0 || f(i, 'printer') > 0) give('printer', 70, `prints (${printer.map((o) => `${o.proto}/${o.port}`).join(', ') || 'printer identity'})`);
  if (f(i, 'dhcp_server') > 0) give('it_server', 55, 'hands out addresses (DHCP server)');
  if (f(i, 'dns_server') > 0 && i.offers.some((o) => o.port === 53)) give('it_server', 55, 'answers DNS queries');
  const itServices = i.offers.filter((o) => !o.service.split(',').some((s) => ICS_CONTROL_SERVICES.has(s)) && o.clients > 0 && !PRINTER_PORTS.has(o.port));
  if (itServices.length > 0 && scores.size === 0) give('it_server', 50, `offers IT services (${itServices.slice(0, 5).map((o) => o.service || `${o.proto}/${o.port}`).join(', ')})`);
  if (f(i, 'windows_client') > 0 || f(i, 'web_client') > 0) {
    if (scores.size === 0) give('it_workstation', 50, 'uses Windows/web services as a client');
    else if (scores.has('hmi') || scores.has('engineering_workstation')) {
      // An HMI or engineering station is usually a Windows PC too; that does not change its role.
    }
  }
  if (scores.size === 0 && i.uses.length > 0 && i.offers.length === 0) give('it_workstation', 30, 'only acts as a client of IT services');

  const ranked = [...scores].sort((a, b) => b[1].score - a[1].score || ROLES.indexOf(a[0]) - ROLES.indexOf(b[0]));
  if (ranked.length === 0) return { role: 'unknown', confidence: 0, reasons: ['no traffic that tells its role'], alternatives: [] };
  const [role, best] = ranked[0];
  return {
    role,
    confidence: best.score,
    reasons: best.reasons,
    alternatives: ranked.slice(1).map(([r, s]) => ({ role: r, confidence: s.score })),
  };
}

export interface PurdueResult {
  /** 0-5, or null for network infrastructure and assets nothing can be said of. */
  level: number | null;
  reason: string;
}

/** Purdue level from the role, then from communication (the levels of what it talks to). */
export function inferPurdue(role: Role, i: RoleInput, peerLevels: readonly number[]): PurdueResult {
  switch (role) {
    case 'protocol_gateway':
      return { level: 1, reason: 'protocol gateway: level 1, with the field devices it connects' };
    case 'plc':
    case 'rtu':
    case 'ied':
      if (/i\/o|discrete|analog|drive|io-device|sensor|actuator/.test(i.deviceTypes.join(' '))) {
        return { level: 0, reason: 'field device (I/O, drive, sensor or PROFINET IO-Device): level 0, the process' };
      }
      return { level: 1, reason: `${role.toUpperCase()}: level 1, basic control` };
    case 'hmi':
    case 'engineering_workstation':
      return { level: 2, reason: `${role === 'hmi' ? 'HMI/SCADA' : 'engineering workstation'}: level 2, supervisory control` };
    case 'historian':
    case 'opc_server':
    case 'iot_gateway':
      return { level: 3, reason: `${role.replace('_', ' ')}: level 3, site operations` };
    case 'switch_router':
      return { level: null, reason: 'network infrastructure spans levels' };
    default:
      break;
  }
  if (i.isPublic) return { level: 5, reason: 'a public (internet) address: level 5, enterprise and beyond' };
  if (peerLevels.length > 0) {
    const lowest = Math.min(...peerLevels);
    if (lowest <= 1) return { level: 2, reason: 'talks directly to level 0-1 devices: level 2' };
    if (lowest === 2) return { level: 3, reason: 'talks to level-2 hosts but to no controller: level 3' };
  }
  if (role === 'it_server' || role === 'it_workstation' || role === 'printer') return { level: 4, reason: 'IT host with no control traffic: level 4, business network' };
  return { level: null, reason: 'no traffic that places it' };
}
