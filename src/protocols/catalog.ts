// Every protocol Palisade dissects, by id, without loading any: a run that dissects some
// protocols (`--protocols modbus`, or `none`) loads only their modules (loadRegistry), and
// the command line checks ids against this list before it loads anything. The order and the
// parents are those of src/protocols/index.ts (a test keeps the two the same).
import { Registry } from '../dissect/registry.ts';
import type { L2ProtocolDef, ProtocolDef } from '../dissect/types.ts';

interface CatalogEntry {
  id: string;
  /** 'ip': over TCP/UDP or a child of another protocol (index.ts PROTOCOLS); 'l2': layer 2 (L2_PROTOCOLS). */
  layer: 'ip' | 'l2';
  /** The protocols it runs inside (a child: s7comm inside cotp), as its definition says. */
  parents: readonly string[];
  load: () => Promise<ProtocolDef | L2ProtocolDef>;
}

/** In the order of index.ts: the order in which content probes are tried. */
export const CATALOG: readonly CatalogEntry[] = [
  { id: 'enip', layer: 'ip', parents: [], load: async () => (await import('./enip/index.ts')).enip },
  { id: 'cip', layer: 'ip', parents: ['enip'], load: async () => (await import('./cip/index.ts')).cip },
  { id: 'iec104', layer: 'ip', parents: [], load: async () => (await import('./iec104/index.ts')).iec104 },
  { id: 'dnp3', layer: 'ip', parents: [], load: async () => (await import('./dnp3/index.ts')).dnp3 },
  { id: 'modbus', layer: 'ip', parents: [], load: async () => (await import('./modbus/index.ts')).modbus },
  { id: 'opcua', layer: 'ip', parents: [], load: async () => (await import('./opcua/index.ts')).opcua },
  { id: 'mqtt', layer: 'ip', parents: [], load: async () => (await import('./mqtt/index.ts')).mqtt },
  { id: 'bacnet', layer: 'ip', parents: [], load: async () => (await import('./bacnet/index.ts')).bacnet },
  { id: 'profinet_io_cm', layer: 'ip', parents: [], load: async () => (await import('./profinet_io_cm/index.ts')).profinet_io_cm },
  { id: 'rdp', layer: 'ip', parents: [], load: async () => (await import('./rdp/index.ts')).rdp },
  { id: 'cotp', layer: 'ip', parents: [], load: async () => (await import('./cotp/index.ts')).cotp },
  { id: 's7comm', layer: 'ip', parents: ['cotp'], load: async () => (await import('./s7comm/index.ts')).s7comm },
  { id: 's7comm_plus', layer: 'ip', parents: ['cotp'], load: async () => (await import('./s7comm_plus/index.ts')).s7comm_plus },
  { id: 'mms', layer: 'ip', parents: ['cotp'], load: async () => (await import('./mms/index.ts')).mms },
  { id: 'synchrophasor', layer: 'ip', parents: [], load: async () => (await import('./synchrophasor/index.ts')).synchrophasor },
  { id: 'hart_ip', layer: 'ip', parents: [], load: async () => (await import('./hart_ip/index.ts')).hart_ip },
  { id: 'omron_fins', layer: 'ip', parents: [], load: async () => (await import('./omron_fins/index.ts')).omron_fins },
  { id: 'melsec', layer: 'ip', parents: [], load: async () => (await import('./melsec/index.ts')).melsec },
  { id: 'genisys', layer: 'ip', parents: [], load: async () => (await import('./genisys/index.ts')).genisys },
  { id: 'ssh', layer: 'ip', parents: [], load: async () => (await import('./ssh/index.ts')).ssh },
  { id: 'ssl', layer: 'ip', parents: ['rdp'], load: async () => (await import('./ssl/index.ts')).ssl },
  { id: 'vnc', layer: 'ip', parents: [], load: async () => (await import('./vnc/index.ts')).vnc },
  { id: 'http', layer: 'ip', parents: [], load: async () => (await import('./http/index.ts')).http },
  { id: 'ftp', layer: 'ip', parents: [], load: async () => (await import('./ftp/index.ts')).ftp },
  { id: 'telnet', layer: 'ip', parents: [], load: async () => (await import('./telnet/index.ts')).telnet },
  { id: 'snmp', layer: 'ip', parents: [], load: async () => (await import('./snmp/index.ts')).snmp },
  { id: 'tftp', layer: 'ip', parents: [], load: async () => (await import('./tftp/index.ts')).tftp },
  { id: 'syslog', layer: 'ip', parents: [], load: async () => (await import('./syslog/index.ts')).syslog },
  { id: 'ntp', layer: 'ip', parents: [], load: async () => (await import('./ntp/index.ts')).ntp },
  { id: 'smb', layer: 'ip', parents: [], load: async () => (await import('./smb/index.ts')).smb },
  { id: 'ntlm', layer: 'ip', parents: ['smb'], load: async () => (await import('./ntlm/index.ts')).ntlm },
  { id: 'kerberos', layer: 'ip', parents: [], load: async () => (await import('./kerberos/index.ts')).kerberos },
  { id: 'netbios', layer: 'ip', parents: [], load: async () => (await import('./netbios/index.ts')).netbios },
  { id: 'dhcp', layer: 'ip', parents: [], load: async () => (await import('./dhcp/index.ts')).dhcp },
  { id: 'dhcpv6', layer: 'ip', parents: [], load: async () => (await import('./dhcpv6/index.ts')).dhcpv6 },
  { id: 'ssdp', layer: 'ip', parents: [], load: async () => (await import('./ssdp/index.ts')).ssdp },
  { id: 'dns', layer: 'ip', parents: [], load: async () => (await import('./dns/index.ts')).dns },
  { id: 'arp', layer: 'l2', parents: [], load: async () => (await import('./arp/index.ts')).arp },
  { id: 'goose', layer: 'l2', parents: [], load: async () => (await import('./goose/index.ts')).goose },
  { id: 'profinet', layer: 'l2', parents: [], load: async () => (await import('./profinet/index.ts')).profinet },
  { id: 'lldp', layer: 'l2', parents: [], load: async () => (await import('./lldp/index.ts')).lldp },
  { id: 'cdp', layer: 'l2', parents: [], load: async () => (await import('./cdp/index.ts')).cdp },
];

/** Every protocol id (top-level, child and layer-2), sorted. */
export function protocolIds(): string[] {
  return CATALOG.map((p) => p.id).sort();
}

/**
 * The registry of these protocols (undefined: all of them, index.ts's defaultRegistry),
 * loading only their modules. A child protocol needs its parent: asking for s7comm brings
 * cotp along. Ids must be known (protocolIds); an unknown one throws.
 */
export async function loadRegistry(ids?: readonly string[]): Promise<Registry> {
  if (ids === undefined) return (await import('./index.ts')).defaultRegistry();
  const want = new Set(ids);
  for (const id of want) if (!CATALOG.some((p) => p.id === id)) throw new Error(`unknown protocol ${id}`);
  for (const p of CATALOG) if (want.has(p.id)) for (const parent of p.parents) want.add(parent);
  const chosen = CATALOG.filter((p) => want.has(p.id));
  const defs = await Promise.all(chosen.map((p) => p.load()));
  const ip: ProtocolDef[] = [];
  const l2: L2ProtocolDef[] = [];
  chosen.forEach((p, i) => (p.layer === 'ip' ? ip.push(defs[i] as ProtocolDef) : l2.push(defs[i] as L2ProtocolDef)));
  return new Registry(ip, l2);
}
