// Ports on which a host is likely the server, with the protocol usually found there. Used
// as Zeek uses `likely_server_ports`: to pick the originator of a connection whose first
// packet is not a SYN (mid-stream pickup, UDP), so records read client → server; and to
// name ports in summaries. The list is Zeek's default analyzer ports plus the industrial
// protocols Palisade dissects. A port name here is a hint, never a detection: dissectors
// decide a flow's service from its content.

const TCP: Record<number, string> = {
  20: 'ftp-data', 21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 53: 'dns', 80: 'http', 81: 'http', 88: 'kerberos',
  102: 's7comm/mms (iso-tsap)', 110: 'pop3', 111: 'portmapper', 135: 'dce-rpc', 139: 'netbios-ssn', 143: 'imap',
  389: 'ldap', 443: 'https', 445: 'smb', 465: 'smtps', 502: 'modbus', 513: 'rlogin', 514: 'rsh', 543: 'klogin',
  544: 'kshell', 563: 'nntps', 585: 'imaps', 587: 'submission', 614: 'sshell', 631: 'ipp', 636: 'ldaps',
  789: 'crimson', 993: 'imaps', 995: 'pop3s', 1080: 'socks', 1089: 'ff-hse', 1090: 'ff-hse', 1091: 'ff-hse',
  1433: 'mssql', 1521: 'oracle', 1723: 'pptp', 1883: 'mqtt', 1911: 'niagara-fox', 1962: 'pcworx',
  2049: 'nfs', 2222: 'enip-io', 2404: 'iec104', 2811: 'gsiftp', 3128: 'http-proxy', 3268: 'ldap-gc',
  3306: 'mysql', 3389: 'rdp', 4000: 'roc', 4712: 'c37.118', 4713: 'c37.118', 4840: 'opcua', 4843: 'opcua-tls',
  4911: 'niagara-fox-tls', 5006: 'melsec', 5007: 'melsec', 5094: 'hart-ip', 5432: 'postgresql', 5900: 'vnc',
  5901: 'vnc', 5902: 'vnc', 5903: 'vnc', 5904: 'vnc', 5905: 'vnc', 5985: 'winrm', 5986: 'winrm',
  6379: 'redis', 6666: 'irc', 6667: 'irc', 6668: 'irc', 6669: 'irc', 8000: 'http', 8080: 'http',
  8443: 'https', 8883: 'mqtt-tls', 8888: 'http', 9600: 'fins', 18245: 'ge-srtp', 18246: 'ge-srtp',
  20000: 'dnp3', 20547: 'proconos', 44818: 'enip', 48898: 'ads',
};

const UDP: Record<number, string> = {
  53: 'dns', 67: 'dhcp', 69: 'tftp', 88: 'kerberos', 123: 'ntp', 137: 'netbios-ns',
  138: 'netbios-dgm', 161: 'snmp', 162: 'snmp-trap', 500: 'ike', 514: 'syslog', 547: 'dhcpv6',
  1812: 'radius', 1813: 'radius-acct', 1900: 'ssdp', 2123: 'gtp', 2152: 'gtp', 2222: 'enip-io', 3544: 'teredo',
  4500: 'ipsec-nat', 4712: 'c37.118', 4713: 'c37.118', 4789: 'vxlan', 5007: 'melsec', 5060: 'sip',
  5094: 'hart-ip', 5353: 'mdns', 5355: 'llmnr', 6081: 'geneve', 9600: 'fins', 20000: 'dnp3',
  34962: 'profinet', 34963: 'profinet', 34964: 'profinet-cm', 44818: 'enip', 47808: 'bacnet',
};

function table(ports: Record<number, string>): Uint8Array {
  const t = new Uint8Array(65536);
  for (const p of Object.keys(ports)) t[Number(p)] = 1;
  return t;
}

export const LIKELY_SERVER_TCP = table(TCP);
export const LIKELY_SERVER_UDP = table(UDP);

/** The protocol usually found on a server port, or undefined. */
export function portName(proto: 'tcp' | 'udp' | string, port: number): string | undefined {
  return proto === 'tcp' ? TCP[port] : proto === 'udp' ? UDP[port] : undefined;
}
