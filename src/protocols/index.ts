// Every protocol Palisade dissects. One import per protocol folder; the order is the order
// in which content probes are tried (after the protocols of the flow's port), so protocols
// with strict probes come before those with loose ones.
import { Registry } from '../dissect/registry.ts';
import type { L2ProtocolDef, ProtocolDef } from '../dissect/types.ts';
import { arp } from './arp/index.ts';
import { bacnet } from './bacnet/index.ts';
import { cip } from './cip/index.ts';
import { cotp } from './cotp/index.ts';
import { rdp } from './rdp/index.ts';
import { dnp3 } from './dnp3/index.ts';
import { enip } from './enip/index.ts';
import { goose } from './goose/index.ts';
import { hart_ip } from './hart_ip/index.ts';
import { iec104 } from './iec104/index.ts';
import { melsec } from './melsec/index.ts';
import { genisys } from './genisys/index.ts';
import { mms } from './mms/index.ts';
import { modbus } from './modbus/index.ts';
import { opcua } from './opcua/index.ts';
import { mqtt } from './mqtt/index.ts';
import { omron_fins } from './omron_fins/index.ts';
import { profinet } from './profinet/index.ts';
import { profinet_io_cm } from './profinet_io_cm/index.ts';
import { s7comm } from './s7comm/index.ts';
import { s7comm_plus } from './s7comm_plus/index.ts';
import { synchrophasor } from './synchrophasor/index.ts';
import { cdp } from './cdp/index.ts';
import { lldp } from './lldp/index.ts';
import { ntp } from './ntp/index.ts';
import { snmp } from './snmp/index.ts';
import { ssl } from './ssl/index.ts';
import { ssh } from './ssh/index.ts';
import { syslog } from './syslog/index.ts';
import { tftp } from './tftp/index.ts';
import { vnc } from './vnc/index.ts';
import { http } from './http/index.ts';
import { ftp } from './ftp/index.ts';
import { telnet } from './telnet/index.ts';
import { smb } from './smb/index.ts';
import { ntlm } from './ntlm/index.ts';
import { kerberos } from './kerberos/index.ts';
import { netbios } from './netbios/index.ts';
import { dhcp } from './dhcp/index.ts';
import { dhcpv6 } from './dhcpv6/index.ts';
import { ssdp } from './ssdp/index.ts';
import { dns } from './dns/index.ts';

/** Protocols over TCP and UDP (and children of other protocols). */
export const PROTOCOLS: readonly ProtocolDef[] = [
  enip,
  cip,
  iec104,
  dnp3,
  modbus,
  opcua,
  mqtt,
  bacnet,
  profinet_io_cm,
  rdp,
  cotp,
  s7comm,
  s7comm_plus,
  mms,
  synchrophasor,
  hart_ip,
  omron_fins,
  melsec,
  genisys,
  ssh,
  ssl,
  vnc,
  http,
  ftp,
  telnet,
  snmp,
  tftp,
  syslog,
  ntp,
  smb,
  ntlm,
  kerberos,
  netbios,
  dhcp,
  dhcpv6,
  ssdp,
  dns,
];

/** Layer-2 protocols (no IP). */
export const L2_PROTOCOLS: readonly L2ProtocolDef[] = [
  arp,
  goose,
  profinet,
  lldp,
  cdp,
];

let registry: Registry | null = null;

/** The registry of every protocol above, built once per thread. */
export function defaultRegistry(): Registry {
  registry ??= new Registry(PROTOCOLS, L2_PROTOCOLS);
  return registry;
}
