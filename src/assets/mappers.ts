// Record mappers: per record type, what its fields say about devices (see observe.ts).
// One function per record type; the record field names are those documented in
// docs/protocols/<id>.md and docs/records/.
import { CONFIDENCE, flowOf, num, str, type Observer, type OpCategory, type RecordMapper } from './observe.ts';

function arp(r: Record<string, unknown>, o: Observer): void {
  const ts = num(r, 'ts');
  const sha = str(r, 'orig_mac');
  const spa = str(r, 'orig_h');
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

function modbus(r: Record<string, unknown>, o: Observer): void {
  const f = flowOf(r);
  const code = num(r, 'function_code') & 0x7f;
  const umas = str(r, 'umas_func');
  if (r.request_seen === true) o.feature({ ip: f.orig }, 'modbus_client', f.ts);
  if (r.response_seen === true) o.feature({ ip: f.resp }, 'modbus_server', f.ts);
  const cat = modbusCategory(code, umas);
  const name = code === 90 && umas !== '' ? `UMAS ${umas}` : str(r, 'func').replace(/_EXCEPTION$/, '') || `function ${code}`;
  o.op(f.orig, f.resp, 'modbus', name, cat, f.ts);
  if (code === 90) {
    if (r.response_seen === true) o.feature({ ip: f.resp }, 'umas_server', f.ts);
    if (cat === 'program' || cat === 'control') o.feature({ ip: f.orig }, 'umas_program', f.ts, umas);
  } else if (cat === 'program') o.feature({ ip: f.orig }, 'modbus_program', f.ts, name);
  const slave = str(r, 'slave_id_text');
  if (slave !== '' && r.response_seen === true) o.claim({ ip: f.resp }, 'model', slave, CONFIDENCE.BANNER, 'modbus', f.ts, f.uid, 'slave_id_text');
}

/** Read Device Identification: each response object is a claim the device makes about itself. */
function modbusDeviceId(r: Record<string, unknown>, o: Observer): void {
  if (str(r, 'request_response') !== 'RESPONSE') return;
  const f = flowOf(r);
  const v = str(r, 'object_value');
  if (v === '') return;
  // The response travels from the server (the responder) to the client.
  const dev = { ip: str(r, 'source_h') || f.resp };
  const c = CONFIDENCE.DEVICE_IDENTITY;
  const src = 'modbus_read_device_identification';
  switch (str(r, 'object_id')) {
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

export const MAPPERS: ReadonlyMap<string, RecordMapper> = new Map<string, RecordMapper>([
  ['arp', arp],
  ['modbus', modbus],
  ['modbus_read_device_identification', modbusDeviceId],
]);
