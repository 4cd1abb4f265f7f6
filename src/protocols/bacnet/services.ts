// Decoders of the BACnet services that Palisade records field by field (ASHRAE 135 clauses
// 13–16 and 21): Who-Is / I-Am / Who-Has / I-Have / Who-Am-I / You-Are, ReadProperty(-Multiple),
// WriteProperty(-Multiple), ReadRange, DeviceCommunicationControl, ReinitializeDevice,
// AtomicRead/WriteFile and the Error PDU. Every decoder reads a bounded view, keeps what it
// decoded before a problem, and says what went wrong through `problem` (never throws).
import {
  APP_BOOLEAN, APP_CHARACTER_STRING, APP_ENUMERATED, APP_OBJECT_ID, APP_OCTET_STRING, APP_SIGNED, APP_TAGS, APP_UNSIGNED,
  enumTableFor, nameOf,
} from './constants.ts';
import {
  TAG_CLOSING, TAG_OPENING, TAG_PRIMITIVE, Tag, characterString, formatApplication, instanceOf, objectTypeOf,
  readSigned, readTag, readUnsigned,
} from './tags.ts';
import { hexBytes } from '../../core/hex.ts';

/** Values (property rows) decoded per message; more raise `too_many_values`. */
export const MAX_VALUES = 256;
/** Nesting of constructed values; deeper raises `too_deep`. */
export const MAX_DEPTH = 16;

export const SP_OK = 0;
/** The service data does not decode (bad tag, missing mandatory parameter). */
export const SP_MALFORMED = 1;

/** One row of bacnet_property: a property reference, with its value or error when the message has one. */
export class PropertyRow {
  objectType = -1;
  instance = -1;
  property = -1;
  arrayIndex = -1;
  value: string | undefined = undefined;
  valueType: string | undefined = undefined;
  priority = -1;
  errorClass = -1;
  errorCode = -1;
}

/** Decoded fields of the discovery and device-control services (one per decoder, reset per message). */
export class ServiceFields {
  low = -1;
  high = -1;
  objectType = -1;
  instance = -1;
  deviceType = -1;
  deviceInstance = -1;
  objectName: string | undefined = undefined;
  maxApdu = -1;
  segmentation = -1;
  vendorId = -1;
  modelName: string | undefined = undefined;
  serialNumber: string | undefined = undefined;
  macAddress: string | undefined = undefined;
  /** DeviceCommunicationControl duration (minutes); -1 when absent. */
  duration = -1;
  /** DCC enable-disable / ReinitializeDevice state. */
  state = -1;
  /** A non-empty password was sent (the password itself is never kept). */
  passwordPresent = false;
  /** Error PDU. */
  errorClass = -1;
  errorCode = -1;
  /** AtomicReadFile / AtomicWriteFile. */
  access: string | undefined = undefined;
  start = -1;
  count = -1;
  dataLength = -1;
  endOfFile = -1;

  reset(): void {
    this.low = -1;
    this.high = -1;
    this.objectType = -1;
    this.instance = -1;
    this.deviceType = -1;
    this.deviceInstance = -1;
    this.objectName = undefined;
    this.maxApdu = -1;
    this.segmentation = -1;
    this.vendorId = -1;
    this.modelName = undefined;
    this.serialNumber = undefined;
    this.macAddress = undefined;
    this.duration = -1;
    this.state = -1;
    this.passwordPresent = false;
    this.errorClass = -1;
    this.errorCode = -1;
    this.access = undefined;
    this.start = -1;
    this.count = -1;
    this.dataLength = -1;
    this.endOfFile = -1;
  }
}

const isApp = (t: Tag, type: number) => t.kind === TAG_PRIMITIVE && !t.context && t.num === type;
const isCtx = (t: Tag, num: number) => t.kind === TAG_PRIMITIVE && t.context && t.num === num;
const isOpen = (t: Tag, num: number) => t.kind === TAG_OPENING && t.num === num;
const isClose = (t: Tag, num: number) => t.kind === TAG_CLOSING && t.num === num;

/** Decodes service data; one per session (its tags and arrays are reused). */
export class ServiceDecoder {
  readonly t = new Tag();
  readonly fields = new ServiceFields();
  readonly rows: PropertyRow[] = [];
  /** Rows beyond MAX_VALUES that were dropped. */
  dropped = 0;
  tooDeep = false;
  private pos = 0;
  private end = 0;
  private d: Uint8Array = new Uint8Array(0);

  begin(d: Uint8Array, off: number, end: number): void {
    this.d = d;
    this.pos = off;
    this.end = end;
    this.fields.reset();
    this.rows.length = 0;
    this.dropped = 0;
    this.tooDeep = false;
  }

  /** Reads the next tag into `t`; false at the end or on a bad tag. */
  private next(): boolean {
    if (this.pos >= this.end) return false;
    if (!readTag(this.d, this.pos, this.end, this.t)) return false;
    this.pos = this.t.next;
    return true;
  }

  /** Looks at the next tag without taking it. */
  private peek(): boolean {
    return this.pos < this.end && readTag(this.d, this.pos, this.end, this.t);
  }

  private atEnd(): boolean {
    return this.pos >= this.end;
  }

  private uint(): number {
    return readUnsigned(this.d, this.t.off, Math.min(this.t.len, 6));
  }

  private objId(): boolean {
    return this.t.len === 4;
  }

  private row(): PropertyRow | null {
    if (this.rows.length >= MAX_VALUES) {
      this.dropped++;
      return null;
    }
    const r = new PropertyRow();
    this.rows.push(r);
    return r;
  }

  // ---- unconfirmed discovery services (16.9, 16.10) ----

  /** Who-Is: [0] low limit, [1] high limit, both or neither. */
  whoIs(): number {
    const f = this.fields;
    if (this.atEnd()) return SP_OK;
    if (!this.next() || !isCtx(this.t, 0)) return SP_MALFORMED;
    f.low = this.uint();
    if (!this.next() || !isCtx(this.t, 1)) return SP_MALFORMED;
    f.high = this.uint();
    return SP_OK;
  }

  /** I-Am: device identifier, max APDU length accepted, segmentation supported, vendor id. */
  iAm(): number {
    const f = this.fields;
    const d = this.d;
    if (!this.next() || !isApp(this.t, APP_OBJECT_ID) || !this.objId()) return SP_MALFORMED;
    f.objectType = objectTypeOf(d, this.t.off);
    f.instance = instanceOf(d, this.t.off);
    if (!this.next() || !isApp(this.t, APP_UNSIGNED)) return SP_MALFORMED;
    f.maxApdu = this.uint();
    if (!this.next() || !isApp(this.t, APP_ENUMERATED)) return SP_MALFORMED;
    f.segmentation = this.uint();
    if (!this.next() || !isApp(this.t, APP_UNSIGNED)) return SP_MALFORMED;
    f.vendorId = this.uint();
    return SP_OK;
  }

  /** Who-Has: optional [0]/[1] device range, then [2] object identifier or [3] object name. */
  whoHas(): number {
    const f = this.fields;
    if (!this.next()) return SP_MALFORMED;
    if (isCtx(this.t, 0)) {
      f.low = this.uint();
      if (!this.next() || !isCtx(this.t, 1)) return SP_MALFORMED;
      f.high = this.uint();
      if (!this.next()) return SP_MALFORMED;
    }
    if (isCtx(this.t, 2) && this.objId()) {
      f.objectType = objectTypeOf(this.d, this.t.off);
      f.instance = instanceOf(this.d, this.t.off);
      return SP_OK;
    }
    if (isCtx(this.t, 3)) {
      f.objectName = characterString(this.d, this.t.off, this.t.len);
      return SP_OK;
    }
    return SP_MALFORMED;
  }

  /** I-Have: device identifier, object identifier, object name. */
  iHave(): number {
    const f = this.fields;
    const d = this.d;
    if (!this.next() || !isApp(this.t, APP_OBJECT_ID) || !this.objId()) return SP_MALFORMED;
    f.deviceType = objectTypeOf(d, this.t.off);
    f.deviceInstance = instanceOf(d, this.t.off);
    if (!this.next() || !isApp(this.t, APP_OBJECT_ID) || !this.objId()) return SP_MALFORMED;
    f.objectType = objectTypeOf(d, this.t.off);
    f.instance = instanceOf(d, this.t.off);
    if (!this.next() || !isApp(this.t, APP_CHARACTER_STRING)) return SP_MALFORMED;
    f.objectName = characterString(d, this.t.off, this.t.len);
    return SP_OK;
  }

  /** Who-Am-I: vendor id, model name, serial number. */
  whoAmI(): number {
    const f = this.fields;
    if (!this.next() || !isApp(this.t, APP_UNSIGNED)) return SP_MALFORMED;
    f.vendorId = this.uint();
    if (!this.next() || !isApp(this.t, APP_CHARACTER_STRING)) return SP_MALFORMED;
    f.modelName = characterString(this.d, this.t.off, this.t.len);
    if (!this.next() || !isApp(this.t, APP_CHARACTER_STRING)) return SP_MALFORMED;
    f.serialNumber = characterString(this.d, this.t.off, this.t.len);
    return SP_OK;
  }

  /** You-Are: vendor id, model name, serial number, then optional device identifier and MAC address. */
  youAre(): number {
    const r = this.whoAmI();
    if (r !== SP_OK) return r;
    const f = this.fields;
    if (this.atEnd()) return SP_OK;
    if (!this.next()) return SP_MALFORMED;
    if (isApp(this.t, APP_OBJECT_ID) && this.objId()) {
      f.objectType = objectTypeOf(this.d, this.t.off);
      f.instance = instanceOf(this.d, this.t.off);
      if (this.atEnd()) return SP_OK;
      if (!this.next()) return SP_MALFORMED;
    }
    if (isApp(this.t, APP_OCTET_STRING)) {
      f.macAddress = hexBytes(this.d, this.t.off, this.t.len);
      return SP_OK;
    }
    return SP_MALFORMED;
  }

  // ---- object access (15.5, 15.7, 15.8, 15.9, 15.10) ----

  /** ReadProperty request / ReadRange request: [0] object, [1] property, [2] array index (the rest of ReadRange is not kept). */
  readProperty(): number {
    const r = this.row();
    if (r === null) return SP_OK;
    if (!this.objectProperty(r, 0)) return SP_MALFORMED;
    return SP_OK;
  }

  /** ReadProperty-ACK: [0] object, [1] property, [2] index, [3] values: one row per primitive value. */
  readPropertyAck(): number {
    const tmpl = new PropertyRow();
    if (!this.objectProperty(tmpl, 0)) {
      this.rows.push(tmpl);
      return SP_MALFORMED;
    }
    if (!this.next() || !isOpen(this.t, 3)) {
      this.rows.push(tmpl);
      return SP_MALFORMED;
    }
    return this.values(tmpl, 3) ? SP_OK : SP_MALFORMED;
  }

  /** WriteProperty: [0] object, [1] property, [2] index, [3] values, [4] priority. */
  writeProperty(): number {
    const tmpl = new PropertyRow();
    if (!this.objectProperty(tmpl, 0) || !this.next() || !isOpen(this.t, 3)) {
      this.rows.push(tmpl);
      return SP_MALFORMED;
    }
    const first = this.rows.length;
    if (!this.values(tmpl, 3)) return SP_MALFORMED;
    if (!this.atEnd()) {
      if (!this.next() || !isCtx(this.t, 4)) return SP_MALFORMED;
      const prio = this.uint();
      for (let i = first; i < this.rows.length; i++) this.rows[i].priority = prio;
    }
    return SP_OK;
  }

  /** ReadPropertyMultiple request: { [0] object, [1] ( [0] property, [1] index )* }*. */
  readPropertyMultiple(): number {
    const d = this.d;
    while (!this.atEnd()) {
      if (!this.next() || !isCtx(this.t, 0) || !this.objId()) return SP_MALFORMED;
      const type = objectTypeOf(d, this.t.off);
      const inst = instanceOf(d, this.t.off);
      if (!this.next() || !isOpen(this.t, 1)) return SP_MALFORMED;
      for (;;) {
        if (!this.next()) return SP_MALFORMED;
        if (isClose(this.t, 1)) break;
        if (!isCtx(this.t, 0)) return SP_MALFORMED;
        const r = this.row();
        const prop = this.uint();
        let index = -1;
        if (this.peek() && isCtx(this.t, 1)) {
          this.next();
          index = this.uint();
        }
        if (r !== null) {
          r.objectType = type;
          r.instance = inst;
          r.property = prop;
          r.arrayIndex = index;
        }
      }
    }
    return SP_OK;
  }

  /**
   * ReadPropertyMultiple-ACK: { [0] object, [1] ( [2] property, [3] index, [4] values | [5] error )* }*:
   * one row per value, or one row with the error.
   */
  readPropertyMultipleAck(): number {
    const d = this.d;
    while (!this.atEnd()) {
      if (!this.next() || !isCtx(this.t, 0) || !this.objId()) return SP_MALFORMED;
      const type = objectTypeOf(d, this.t.off);
      const inst = instanceOf(d, this.t.off);
      if (!this.next() || !isOpen(this.t, 1)) return SP_MALFORMED;
      for (;;) {
        if (!this.next()) return SP_MALFORMED;
        if (isClose(this.t, 1)) break;
        if (!isCtx(this.t, 2)) return SP_MALFORMED;
        const tmpl = new PropertyRow();
        tmpl.objectType = type;
        tmpl.instance = inst;
        tmpl.property = this.uint();
        if (!this.next()) return SP_MALFORMED;
        if (isCtx(this.t, 3)) {
          tmpl.arrayIndex = this.uint();
          if (!this.next()) return SP_MALFORMED;
        }
        if (isOpen(this.t, 4)) {
          if (!this.values(tmpl, 4)) return SP_MALFORMED;
        } else if (isOpen(this.t, 5)) {
          const r = this.row();
          if (r !== null) copyRef(tmpl, r);
          const ok = this.errorPair(r);
          if (!ok || !this.next() || !isClose(this.t, 5)) return SP_MALFORMED;
        } else {
          return SP_MALFORMED;
        }
      }
    }
    return SP_OK;
  }

  /** WritePropertyMultiple: { [0] object, [1] ( [0] property, [1] index, [2] values, [3] priority )* }*. */
  writePropertyMultiple(): number {
    const d = this.d;
    while (!this.atEnd()) {
      if (!this.next() || !isCtx(this.t, 0) || !this.objId()) return SP_MALFORMED;
      const type = objectTypeOf(d, this.t.off);
      const inst = instanceOf(d, this.t.off);
      if (!this.next() || !isOpen(this.t, 1)) return SP_MALFORMED;
      for (;;) {
        if (!this.next()) return SP_MALFORMED;
        if (isClose(this.t, 1)) break;
        if (!isCtx(this.t, 0)) return SP_MALFORMED;
        const tmpl = new PropertyRow();
        tmpl.objectType = type;
        tmpl.instance = inst;
        tmpl.property = this.uint();
        if (!this.next()) return SP_MALFORMED;
        if (isCtx(this.t, 1)) {
          tmpl.arrayIndex = this.uint();
          if (!this.next()) return SP_MALFORMED;
        }
        if (!isOpen(this.t, 2)) return SP_MALFORMED;
        const first = this.rows.length;
        if (!this.values(tmpl, 2)) return SP_MALFORMED;
        if (this.peek() && isCtx(this.t, 3)) {
          this.next();
          const prio = this.uint();
          for (let i = first; i < this.rows.length; i++) this.rows[i].priority = prio;
        }
      }
    }
    return SP_OK;
  }

  /** [n] object identifier, [n+1] property identifier, optional [n+2] array index. */
  private objectProperty(r: PropertyRow, n: number): boolean {
    if (!this.next() || !isCtx(this.t, n) || !this.objId()) return false;
    r.objectType = objectTypeOf(this.d, this.t.off);
    r.instance = instanceOf(this.d, this.t.off);
    if (!this.next() || !isCtx(this.t, n + 1)) return false;
    r.property = this.uint();
    if (this.peek() && isCtx(this.t, n + 2)) {
      this.next();
      r.arrayIndex = this.uint();
    }
    return true;
  }

  /**
   * The values up to the closing tag `close` (the opening one was read): one row per
   * primitive value at any depth, copying the reference from `tmpl`; one row without a value
   * when there is none. False on a bad tag or a missing closing tag.
   */
  private values(tmpl: PropertyRow, close: number): boolean {
    const d = this.d;
    const names = enumTableFor(tmpl.property);
    let depth = 0;
    let any = false;
    for (;;) {
      if (!this.next()) {
        if (!any) {
          const r = this.row();
          if (r !== null) copyRef(tmpl, r);
        }
        return false;
      }
      const t = this.t;
      if (t.kind === TAG_OPENING) {
        depth++;
        if (depth > MAX_DEPTH) this.tooDeep = true;
        continue;
      }
      if (t.kind === TAG_CLOSING) {
        if (depth === 0) {
          if (t.num !== close) return false;
          break;
        }
        depth--;
        continue;
      }
      any = true;
      if (depth > MAX_DEPTH) continue;
      const r = this.row();
      if (r === null) continue;
      copyRef(tmpl, r);
      if (t.context) {
        r.value = hexBytes(d, t.off, t.len);
        r.valueType = `context-${t.num}`;
      } else {
        r.value = formatApplication(d, t, names);
        r.valueType = nameOf(APP_TAGS, t.num);
      }
    }
    if (!any) {
      const r = this.row();
      if (r !== null) copyRef(tmpl, r);
    }
    return true;
  }

  /** An error-class and error-code pair (two application enumerations) into `r`. */
  private errorPair(r: PropertyRow | null): boolean {
    if (!this.next() || !isApp(this.t, APP_ENUMERATED)) return false;
    const cls = this.uint();
    if (!this.next() || !isApp(this.t, APP_ENUMERATED)) return false;
    const code = this.uint();
    if (r !== null) {
      r.errorClass = cls;
      r.errorCode = code;
    }
    this.fields.errorClass = cls;
    this.fields.errorCode = code;
    return true;
  }

  // ---- remote device management (16.1, 16.4) ----

  /** DeviceCommunicationControl: [0] duration, [1] enable-disable, [2] password. */
  deviceCommunicationControl(): number {
    const f = this.fields;
    if (!this.next()) return SP_MALFORMED;
    if (isCtx(this.t, 0)) {
      f.duration = this.uint();
      if (!this.next()) return SP_MALFORMED;
    }
    if (!isCtx(this.t, 1)) return SP_MALFORMED;
    f.state = this.uint();
    if (this.atEnd()) return SP_OK;
    if (!this.next() || !isCtx(this.t, 2)) return SP_MALFORMED;
    f.passwordPresent = this.t.len > 1; // a character set octet and at least one character
    return SP_OK;
  }

  /** ReinitializeDevice: [0] reinitialized state, [1] password. */
  reinitializeDevice(): number {
    const f = this.fields;
    if (!this.next() || !isCtx(this.t, 0)) return SP_MALFORMED;
    f.state = this.uint();
    if (this.atEnd()) return SP_OK;
    if (!this.next() || !isCtx(this.t, 1)) return SP_MALFORMED;
    f.passwordPresent = this.t.len > 1;
    return SP_OK;
  }

  // ---- Error PDU (21, Error / the service-specific error productions) ----

  /** The error class and code: the first two application enumerations, at whatever depth the service wraps them. */
  error(): number {
    const f = this.fields;
    let seen = 0;
    while (this.next()) {
      if (this.t.kind !== TAG_PRIMITIVE || this.t.context || this.t.num !== APP_ENUMERATED) continue;
      if (seen === 0) f.errorClass = this.uint();
      else f.errorCode = this.uint();
      if (++seen === 2) return SP_OK;
    }
    return SP_MALFORMED;
  }

  // ---- file access (14.1, 14.2) ----

  /** AtomicReadFile request: file identifier, then [0] stream (start, octet count) or [1] record (start, record count). */
  atomicReadFile(): number {
    const f = this.fields;
    if (!this.next() || !isApp(this.t, APP_OBJECT_ID) || !this.objId()) return SP_MALFORMED;
    f.objectType = objectTypeOf(this.d, this.t.off);
    f.instance = instanceOf(this.d, this.t.off);
    if (!this.accessChoice()) return SP_MALFORMED;
    if (!this.next() || !isApp(this.t, APP_SIGNED)) return SP_MALFORMED;
    f.start = readSigned(this.d, this.t.off, Math.min(this.t.len, 6));
    if (!this.next() || !isApp(this.t, APP_UNSIGNED)) return SP_MALFORMED;
    f.count = this.uint();
    return this.closeAccess() ? SP_OK : SP_MALFORMED;
  }

  /** AtomicReadFile-ACK: end-of-file, then [0] (start, data) or [1] (start, record count, records). */
  atomicReadFileAck(): number {
    const f = this.fields;
    if (!this.next() || !isApp(this.t, APP_BOOLEAN)) return SP_MALFORMED;
    f.endOfFile = this.t.lvt;
    if (!this.accessChoice()) return SP_MALFORMED;
    if (!this.next() || !isApp(this.t, APP_SIGNED)) return SP_MALFORMED;
    f.start = readSigned(this.d, this.t.off, Math.min(this.t.len, 6));
    return this.fileData() ? SP_OK : SP_MALFORMED;
  }

  /** AtomicWriteFile request: file identifier, then [0] (start, data) or [1] (start, record count, records). */
  atomicWriteFile(): number {
    const f = this.fields;
    if (!this.next() || !isApp(this.t, APP_OBJECT_ID) || !this.objId()) return SP_MALFORMED;
    f.objectType = objectTypeOf(this.d, this.t.off);
    f.instance = instanceOf(this.d, this.t.off);
    if (!this.accessChoice()) return SP_MALFORMED;
    if (!this.next() || !isApp(this.t, APP_SIGNED)) return SP_MALFORMED;
    f.start = readSigned(this.d, this.t.off, Math.min(this.t.len, 6));
    return this.fileData() ? SP_OK : SP_MALFORMED;
  }

  /** AtomicWriteFile-ACK: [0] file start position or [1] file start record. */
  atomicWriteFileAck(): number {
    const f = this.fields;
    if (!this.next() || this.t.kind !== TAG_PRIMITIVE || !this.t.context || this.t.num > 1) return SP_MALFORMED;
    f.access = this.t.num === 0 ? 'stream' : 'record';
    f.start = readSigned(this.d, this.t.off, Math.min(this.t.len, 6));
    return SP_OK;
  }

  private accessChoice(): boolean {
    if (!this.next() || this.t.kind !== TAG_OPENING || this.t.num > 1) return false;
    this.fields.access = this.t.num === 0 ? 'stream' : 'record';
    return true;
  }

  private closeAccess(): boolean {
    return this.next() && this.t.kind === TAG_CLOSING && this.t.num === (this.fields.access === 'stream' ? 0 : 1);
  }

  /** Stream: one octet string. Record: a record count, then that many octet strings. Adds up the data length. */
  private fileData(): boolean {
    const f = this.fields;
    if (f.access === 'record') {
      if (!this.next() || !isApp(this.t, APP_UNSIGNED)) return false;
      f.count = this.uint();
    }
    let total = 0;
    let n = 0;
    for (;;) {
      if (!this.next()) return false;
      if (this.t.kind === TAG_CLOSING) break;
      if (!isApp(this.t, APP_OCTET_STRING)) return false;
      total += this.t.len;
      n++;
    }
    f.dataLength = total;
    if (f.access === 'stream' && f.count < 0) f.count = total;
    return n > 0 && this.t.num === (f.access === 'stream' ? 0 : 1);
  }
}

function copyRef(from: PropertyRow, to: PropertyRow): void {
  to.objectType = from.objectType;
  to.instance = from.instance;
  to.property = from.property;
  to.arrayIndex = from.arrayIndex;
  to.priority = from.priority;
}
