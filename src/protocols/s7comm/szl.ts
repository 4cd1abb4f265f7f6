// Identity in SZL answers: module identification (SZL 0x0011 / 0x0111: order number,
// hardware and firmware versions) and component identification (SZL 0x001C / 0x011C: names,
// serial number, copyright, module type). The records are fixed-size (the list header gives
// the size); text fields are NUL-padded.
import { be16, textField } from './parser.ts';

/** SZL records read per list for identity (a module has a handful; more is junk). */
export const MAX_IDENTITY_RECORDS = 64;

// Indexes of SZL 0x0011 records.
const MI_MODULE = 0x0001;
const MI_BASIC_FIRMWARE = 0x0007;
// Indexes of SZL 0x001C records.
const CI_AUTOMATION_SYSTEM = 0x0001;
const CI_MODULE_NAME = 0x0002;
const CI_PLANT = 0x0003;
const CI_COPYRIGHT = 0x0004;
const CI_SERIAL = 0x0005;
const CI_MODULE_TYPE = 0x0007;
const CI_MEMORY_CARD = 0x0008;
const CI_MANUFACTURER = 0x0009;
const CI_LOCATION = 0x000b;

/** What a device said about itself over one connection. */
export class DeviceIdentity {
  automationSystemName: string | undefined = undefined;
  moduleName: string | undefined = undefined;
  plantName: string | undefined = undefined;
  copyright: string | undefined = undefined;
  serial: string | undefined = undefined;
  moduleTypeName: string | undefined = undefined;
  memoryCardSerial: string | undefined = undefined;
  location: string | undefined = undefined;
  manufacturerId: number | undefined = undefined;
  orderNumber: string | undefined = undefined;
  hardwareVersion: string | undefined = undefined;
  firmwareVersion: string | undefined = undefined;
}

type TextKey = 'automationSystemName' | 'moduleName' | 'plantName' | 'copyright' | 'serial' | 'moduleTypeName' | 'memoryCardSerial' | 'location' | 'orderNumber' | 'hardwareVersion' | 'firmwareVersion';

function set(id: DeviceIdentity, k: TextKey, v: string): boolean {
  if (id[k] === v) return false;
  id[k] = v;
  return true;
}

/** SZL 0x0011 records (index, MlfB[20], BGTyp, Ausbg, Ausbe): true when something changed. */
export function readModuleIdentification(d: Uint8Array, off: number, avail: number, recLen: number, count: number, id: DeviceIdentity): boolean {
  if (recLen < 28) return false;
  let changed = false;
  for (let i = 0; i < count && i < MAX_IDENTITY_RECORDS && (i + 1) * recLen <= avail; i++) {
    const r = off + i * recLen;
    const index = be16(d, r);
    const ausbg = be16(d, r + 24);
    const ausbe = be16(d, r + 26);
    if (index === MI_MODULE) {
      changed = set(id, 'orderNumber', textField(d, r + 2, 20)) || changed;
      changed = set(id, 'hardwareVersion', String(ausbg)) || changed;
    } else if (index === MI_BASIC_FIRMWARE && ausbg >> 8 === 0x56) {
      // Ausbg = 'V' and the major version, Ausbe = minor and patch: "V3.2.6".
      changed = set(id, 'firmwareVersion', `V${ausbg & 0xff}.${ausbe >> 8}.${ausbe & 0xff}`) || changed;
    }
  }
  return changed;
}

/** SZL 0x001C records (index and 32 bytes): true when something changed. */
export function readComponentIdentification(d: Uint8Array, off: number, avail: number, recLen: number, count: number, id: DeviceIdentity): boolean {
  if (recLen < 6) return false;
  const w = Math.min(32, recLen - 2);
  let changed = false;
  for (let i = 0; i < count && i < MAX_IDENTITY_RECORDS && (i + 1) * recLen <= avail; i++) {
    const r = off + i * recLen;
    const v = r + 2;
    switch (be16(d, r)) {
      case CI_AUTOMATION_SYSTEM:
        changed = set(id, 'automationSystemName', textField(d, v, Math.min(24, w))) || changed;
        break;
      case CI_MODULE_NAME:
        changed = set(id, 'moduleName', textField(d, v, Math.min(24, w))) || changed;
        break;
      case CI_PLANT:
        changed = set(id, 'plantName', textField(d, v, w)) || changed;
        break;
      case CI_COPYRIGHT:
        changed = set(id, 'copyright', textField(d, v, Math.min(26, w))) || changed;
        break;
      case CI_SERIAL:
        changed = set(id, 'serial', textField(d, v, Math.min(24, w))) || changed;
        break;
      case CI_MODULE_TYPE:
        changed = set(id, 'moduleTypeName', textField(d, v, w)) || changed;
        break;
      case CI_MEMORY_CARD:
        changed = set(id, 'memoryCardSerial', textField(d, v, w)) || changed;
        break;
      case CI_MANUFACTURER: {
        const m = be16(d, v);
        if (id.manufacturerId !== m) {
          id.manufacturerId = m;
          changed = true;
        }
        break;
      }
      case CI_LOCATION:
        changed = set(id, 'location', textField(d, v, w)) || changed;
        break;
    }
  }
  return changed;
}
