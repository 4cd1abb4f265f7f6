// Numbers and times as people read them: grouped digits, bytes in KB/MB/GB, times in the
// browser's local time (the UTC time is in the title, shown on hover).
const nf = new Intl.NumberFormat();
const nf1 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function num(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return nf.format(n);
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return (i === 0 ? nf.format(v) : nf1.format(v)) + ' ' + units[i];
}

/** Seconds since the epoch, or an ISO string, as a Date (null when unset). */
export function toDate(t: number | string | null | undefined): Date | null {
  if (t === null || t === undefined || t === '' || t === 0) return null;
  const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  return Number.isNaN(d.getTime()) ? null : d;
}

const local = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function localTime(t: number | string | null | undefined): string {
  const d = toDate(t);
  return d === null ? '–' : local.format(d);
}

export function utcTime(t: number | string | null | undefined): string {
  const d = toDate(t);
  return d === null ? '' : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${nf1.format(seconds)} s`;
  if (seconds < 7200) return `${nf1.format(seconds / 60)} min`;
  if (seconds < 172800) return `${nf1.format(seconds / 3600)} h`;
  return `${nf1.format(seconds / 86400)} days`;
}

export const ROLE_LABEL: Record<string, string> = {
  plc: 'PLC', rtu: 'RTU', ied: 'IED', hmi: 'HMI / SCADA', engineering_workstation: 'Engineering workstation', historian: 'Historian',
  opc_server: 'OPC server', iot_gateway: 'IoT gateway', protocol_gateway: 'Protocol gateway', switch_router: 'Switch / router', printer: 'Printer', it_server: 'IT server',
  it_workstation: 'IT workstation', unknown: 'Unknown',
};

/** One colour per role, the same on the map, its legend and the dashboard. */
export const ROLE_COLOR: Record<string, string> = {
  plc: '#d62728', rtu: '#ff7f0e', ied: '#e377c2', hmi: '#1f77b4', engineering_workstation: '#9467bd', historian: '#8c564b',
  opc_server: '#17becf', iot_gateway: '#bcbd22', protocol_gateway: '#dbdb8d', switch_router: '#2ca02c', printer: '#7f7f7f', it_server: '#393b79',
  it_workstation: '#6b6ecf', unknown: '#a5a5a5',
};

export const ROLES = Object.keys(ROLE_LABEL);

export function roleLabel(r: string): string {
  return ROLE_LABEL[r] ?? r;
}

export const LEVEL_LABEL: Record<string, string> = {
  '0': '0 · Process', '1': '1 · Basic control', '2': '2 · Supervisory', '3': '3 · Operations', '4': '4 · Enterprise', '5': '5 · Internet', unknown: 'No level',
};

export function levelLabel(l: number | string | null): string {
  const k = l === null ? 'unknown' : String(l);
  return LEVEL_LABEL[k] ?? k;
}

export const DANGEROUS = ['program', 'control', 'write'] as const;
export const CATEGORIES = ['program', 'control', 'write', 'read', 'discovery', 'other'] as const;

export const SEVERITY_LABEL: Record<number, string> = { 1: 'critical', 2: 'high', 3: 'medium', 4: 'low' };

/** The address of a device behind a BACnet router or Modbus gateway (its summary's `mac` holds it): `BACnet 26001:72`, `Modbus unit 7`. */
export function routedAddress(a: { key: string; mac: string }): string {
  return a.key === 'modbus' ? `Modbus unit ${a.mac}` : `BACnet ${a.mac}`;
}
