// Per-connection S7comm state. COTP hands over one PDU per call. Every PDU gets an `s7comm`
// record; Read SZL PDUs an `s7comm_read_szl` record (answers split over several PDUs are
// reassembled first, capped); block transfer PDUs an `s7comm_upload_download` record; identity
// answers update the device identity, written as `s7comm_known_devices` when it changes. Read
// and Write Var jobs wait (capped) for the Ack-Data with the same PDU reference from the other
// side, and then give one `s7comm_read_write` record per variable.
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  AREA_DB, AREA_DI, FUNC_DOWNLOAD_BLOCK, FUNC_END_UPLOAD, FUNC_PLC_CONTROL, FUNC_READ_VAR, FUNC_REQUEST_DOWNLOAD,
  FUNC_SETUP_COMMUNICATION, FUNC_START_UPLOAD, FUNC_UPLOAD, FUNC_WRITE_VAR, PARAMETER_ERROR, ROSCTR_ACK,
  ROSCTR_ACK_DATA, ROSCTR_JOB, ROSCTR_USERDATA, S7COMM_PROTOCOL_ID, SYNTAX_S7ANY, SZL_COMPONENT_IDENTIFICATION,
  SZL_MODULE_IDENTIFICATION, UD_GROUP_CPU, UD_METHOD_REQUEST, UD_METHOD_RESPONSE, UD_SUBF_READ_SZL, UD_TYPE_REQUEST,
  UD_TYPE_RESPONSE, areaName, blockTypeName, errorClassName, filesystemName, functionName, hex2, hex4,
  isBlockTransfer, isElementArea, piServiceName, returnCodeName, rosctrName, syntaxName, szlListName,
  transportSizeName, userdataFunctionName, userdataSubfunctionName,
} from './constants.ts';
import {
  DataItem, S7Header, SzlList, UserdataParam, asciiNumber, be16, be32, latin1, parseBlockName,
  parsePiService, parseS7Header, parseSzlList, parseUserdataParam, parseVarItems, readDataItem, textField,
  type PiService, type VarItem,
} from './parser.ts';
import type {
  S7commKnownDeviceRecord, S7commReadSzlRecord, S7commReadWriteRecord, S7commRecord, S7commUploadDownloadRecord,
} from './records.ts';
import { DeviceIdentity, readComponentIdentification, readModuleIdentification } from './szl.ts';
import { hexBytes } from '../../core/hex.ts';

/** Variables of one Read/Write Var job that are recorded (the count byte allows 255). */
export const MAX_ITEMS = 64;
/** Jobs waiting for their answer; S7 partners negotiate a few (max_amq), so more means lost answers. */
export const MAX_PENDING = 64;
/** Largest SZL answer reassembled from several userdata PDUs. */
export const MAX_SZL = 64 * 1024;
/** Bytes of a variable's value written as hex in s7comm_read_write.data. */
export const MAX_DATA_HEX = 64;
/** Block names kept from the parameter of a PI service. */
const MAX_PI_PARAMETERS = 64;

interface PendingJob {
  /** The job came from the flow's originator. */
  isOrig: boolean;
  pduRefIcsnpp: number;
  func: number;
  ts: number;
  items: VarItem[];
}

/** One side's Read SZL answer being collected from several userdata PDUs. */
class SzlParts {
  buf: Uint8Array = new Uint8Array(0);
  len = 0;
  /** Data unit reference of the answer being collected; -1 when none. */
  ref = -1;
  overflow = false;

  start(ref: number): void {
    this.ref = ref;
    this.len = 0;
    this.overflow = false;
  }

  /** false when the answer outgrew MAX_SZL. */
  append(d: Uint8Array, off: number, n: number): boolean {
    if (this.overflow) return false;
    if (this.len + n > MAX_SZL) {
      this.overflow = true;
      return false;
    }
    if (this.len + n > this.buf.length) {
      const b = new Uint8Array(Math.min(MAX_SZL, Math.max(this.len + n, this.buf.length * 2, 1024)));
      b.set(this.buf.subarray(0, this.len), 0);
      this.buf = b;
    }
    this.buf.set(d.subarray(off, off + n), this.len);
    this.len += n;
    return true;
  }

  reset(): void {
    this.ref = -1;
    this.len = 0;
    this.overflow = false;
  }
}

const pendingKey = (jobIsOrig: boolean, ref: number) => (jobIsOrig ? 0x10000 : 0) + ref;

export class S7commSession implements Session {
  private readonly ctx: SessionContext;
  private readonly hdr = new S7Header();
  private readonly ud = new UserdataParam();
  private readonly item = new DataItem();
  private readonly szl = new SzlList();
  private readonly parts: [SzlParts, SzlParts] = [new SzlParts(), new SzlParts()];
  private readonly pending = new Map<number, PendingJob>();
  private readonly identity = new DeviceIdentity();
  /** The identity changed since it was last written. */
  private identityDirty = false;
  private identityWritten = false;
  private identityIsOrig = false;
  private identityTs = 0;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const h = this.hdr;
    if (!parseS7Header(d, off, len, h)) {
      if (len > 0 && d[off] !== S7COMM_PROTOCOL_ID) this.ctx.event('bad_protocol_id', `protocol id 0x${d[off].toString(16)}`, isOrig);
      else this.ctx.event('bad_length', `PDU of ${len} bytes is shorter than its header`, isOrig);
      return;
    }
    if (h.truncated) {
      this.ctx.event('bad_length', `header announces ${h.headerLen + h.paramLen + h.dataLen} bytes, the PDU holds ${len}`, isOrig);
    }
    const rec = this.newRecord(isOrig, h);
    let known = true;
    switch (h.rosctr) {
      case ROSCTR_JOB:
        this.job(isOrig, d, h, rec);
        break;
      case ROSCTR_ACK:
      case ROSCTR_ACK_DATA:
        this.ack(isOrig, d, h, rec);
        break;
      case ROSCTR_USERDATA:
        this.userdata(isOrig, d, h, rec);
        break;
      default:
        known = false;
        this.ctx.event('unknown_rosctr', `ROSCTR ${h.rosctr}`, isOrig);
        break;
    }
    if (!h.truncated && known) this.ctx.valid(isOrig);
    this.ctx.rawRecord('s7comm', rec as unknown as Record<string, unknown>);
  }

  gap(isOrig: boolean, _len: number): void {
    // A partial SZL answer on this side can no longer be completed.
    this.parts[isOrig ? 0 : 1].reset();
  }

  end(): void {
    for (const job of this.pending.values()) this.writeItems(job, null, null);
    this.pending.clear();
    if (this.identityDirty) this.writeIdentity();
  }

  // ---- ROSCTR ----

  private job(isOrig: boolean, d: Uint8Array, h: S7Header, rec: S7commRecord): void {
    if (h.paramAvail < 1) {
      this.ctx.event('bad_parameter', 'job without a parameter', isOrig);
      return;
    }
    const p = h.paramOff;
    const n = h.paramAvail;
    const func = d[p];
    rec.function_code = hex2(func);
    rec.function_name = functionName(func);
    if (func === FUNC_SETUP_COMMUNICATION) {
      this.setup(isOrig, d, h, rec);
    } else if (func === FUNC_READ_VAR || func === FUNC_WRITE_VAR) {
      this.varJob(isOrig, d, h, func, rec);
    } else if (func === FUNC_PLC_CONTROL) {
      const pi = parsePiService(d, p, n);
      if (pi === null) {
        if (!h.truncated) this.ctx.event('bad_parameter', 'PLC Control parameter too short for its PI service', isOrig);
      } else {
        rec.subfunction_code = pi.service;
        rec.subfunction_name = piServiceName(pi.service);
        rec.pi_parameter = piParameters(d, pi);
      }
    } else if (isBlockTransfer(func)) {
      this.blockTransfer(isOrig, d, h, func);
    }
  }

  private ack(isOrig: boolean, d: Uint8Array, h: S7Header, rec: S7commRecord): void {
    rec.error_class = errorClassName(h.errClass);
    rec.error_code = hex2(h.errCode);
    let func = -1;
    if (h.paramAvail >= 1) {
      func = d[h.paramOff];
      rec.function_code = hex2(func);
      rec.function_name = functionName(func);
      if (func === FUNC_SETUP_COMMUNICATION) this.setup(isOrig, d, h, rec);
      else if (h.rosctr === ROSCTR_ACK_DATA && isBlockTransfer(func)) this.blockTransfer(isOrig, d, h, func);
      if ((func === FUNC_READ_VAR || func === FUNC_WRITE_VAR) && h.paramAvail >= 2) rec.item_count = d[h.paramOff + 1];
    }
    const key = pendingKey(!isOrig, h.pduRef);
    const job = this.pending.get(key);
    if (job === undefined) return;
    this.pending.delete(key);
    this.writeItems(job, h.rosctr === ROSCTR_ACK_DATA && func === job.func ? d : null, h);
  }

  private userdata(isOrig: boolean, d: Uint8Array, h: S7Header, rec: S7commRecord): void {
    const u = this.ud;
    if (!parseUserdataParam(d, h.paramOff, h.paramAvail, u)) {
      this.ctx.event('bad_parameter', `userdata parameter of ${h.paramAvail} bytes`, isOrig);
      return;
    }
    rec.function_code = hex2(u.typeGroup);
    rec.function_name = userdataFunctionName(u.typeGroup);
    rec.subfunction_code = hex2(u.subfunction);
    rec.subfunction_name = userdataSubfunctionName(u.group, u.subfunction);
    if (u.method === UD_METHOD_RESPONSE && u.errorCode >= 0) {
      rec.error_class = u.errorCode === 0 ? errorClassName(0) : PARAMETER_ERROR;
      rec.error_code = hex2(u.errorCode);
    }
    if (u.group === UD_GROUP_CPU && u.subfunction === UD_SUBF_READ_SZL) this.readSzl(isOrig, d, h, u);
  }

  // ---- functions ----

  private setup(isOrig: boolean, d: Uint8Array, h: S7Header, rec: S7commRecord): void {
    // function, reserved, max AmQ calling, max AmQ called, PDU length
    const p = h.paramOff;
    const n = h.paramAvail;
    if (n >= 4) rec.max_amq_calling = be16(d, p + 2);
    if (n >= 6) rec.max_amq_called = be16(d, p + 4);
    if (n >= 8) rec.pdu_length = be16(d, p + 6);
    else if (!h.truncated) this.ctx.event('bad_parameter', `Setup Communication parameter of ${n} bytes`, isOrig);
  }

  private varJob(isOrig: boolean, d: Uint8Array, h: S7Header, func: number, rec: S7commRecord): void {
    const list = parseVarItems(d, h.paramOff, h.paramAvail, MAX_ITEMS);
    rec.item_count = list.declared;
    if (list.bad && !h.truncated) this.ctx.event('bad_parameter', 'a variable specification is malformed or runs past the parameter', isOrig);
    if (list.declared > MAX_ITEMS) this.ctx.event('too_many_items', `${list.declared} items, the first ${MAX_ITEMS} are recorded`, isOrig);
    const items = list.items;
    if (func === FUNC_WRITE_VAR) {
      const it = this.item;
      const end = h.dataOff + h.dataAvail;
      let q = h.dataOff;
      for (let i = 0; i < items.length && q >= 0 && q < end; i++) {
        q = readDataItem(d, q, end, i === list.declared - 1, false, it);
        if (it.dataLen >= 0) {
          items[i].dataLen = it.dataLen;
          items[i].dataHex = hexBytes(d, it.dataOff, Math.min(it.dataLen, MAX_DATA_HEX));
        }
        if (q < 0 && !h.truncated) this.ctx.event('bad_data', `Write Var data item ${i + 1} runs past the data part`, isOrig);
      }
    }
    const key = pendingKey(isOrig, h.pduRef);
    const old = this.pending.get(key);
    if (old !== undefined) {
      // The same reference again before an answer: the earlier job went unanswered.
      this.pending.delete(key);
      this.writeItems(old, null, null);
    } else if (this.pending.size >= MAX_PENDING) {
      const [k, oldest] = this.pending.entries().next().value as [number, PendingJob];
      this.pending.delete(k);
      this.writeItems(oldest, null, null);
      this.ctx.event('too_many_pending', `more than ${MAX_PENDING} jobs without an answer`, isOrig);
    }
    this.pending.set(key, { isOrig, pduRefIcsnpp: h.pduRefIcsnpp, func, ts: this.ctx.ts, items });
  }

  /**
   * One s7comm_read_write record per variable of `job`. `d` is the Ack-Data PDU (its data part
   * holds the items' return codes and, for reads, values) or null; `h` its header, or null when
   * no answer came.
   */
  private writeItems(job: PendingJob, d: Uint8Array | null, h: S7Header | null): void {
    const f = this.ctx.flow;
    const it = this.item;
    const failed = h !== null && (h.errClass !== 0 || h.errCode !== 0);
    const end = h === null ? 0 : h.dataOff + h.dataAvail;
    let q = h === null ? -1 : h.dataOff;
    const answered = d !== null && h !== null ? (h.paramAvail >= 2 ? d[h.paramOff + 1] : 0) : 0;
    for (let i = 0; i < job.items.length; i++) {
      const v = job.items[i];
      const s7any = v.syntax === SYNTAX_S7ANY && v.area >= 0;
      const element = s7any && isElementArea(v.area);
      const hd = this.ctx.head(job.ts);
      const rec: S7commReadWriteRecord = {
        ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
        is_orig: job.isOrig,
        source_h: job.isOrig ? f.origH : f.respH,
        source_p: job.isOrig ? f.origP : f.respP,
        destination_h: job.isOrig ? f.respH : f.origH,
        destination_p: job.isOrig ? f.respP : f.origP,
        pdu_reference: job.pduRefIcsnpp,
        function_code: hex2(job.func),
        function_name: functionName(job.func),
        item_index: i + 1,
        syntax_id: hex2(v.syntax),
        syntax_name: syntaxName(v.syntax),
        area_code: s7any ? hex2(v.area) : undefined,
        area_name: s7any ? areaName(v.area) : undefined,
        db_number: s7any && (v.area === AREA_DB || v.area === AREA_DI) ? v.db : undefined,
        byte_address: s7any ? (element ? v.address : v.address >> 3) : undefined,
        bit_address: s7any && !element ? v.address & 7 : undefined,
        transport_size_code: s7any ? hex2(v.tsize) : undefined,
        transport_size_name: s7any ? transportSizeName(v.tsize) : undefined,
        length: s7any ? v.count : undefined,
        return_code: undefined,
        return_code_name: undefined,
        data_length: job.func === FUNC_WRITE_VAR && v.dataLen >= 0 ? v.dataLen : undefined,
        data: job.func === FUNC_WRITE_VAR ? v.dataHex : undefined,
        error_class: failed ? errorClassName(h.errClass) : undefined,
        error_code: failed ? hex2(h.errCode) : undefined,
      };
      if (d !== null && h !== null && i < answered && q >= 0 && q < end) {
        if (job.func === FUNC_READ_VAR) {
          q = readDataItem(d, q, end, i === answered - 1, true, it);
          rec.return_code = hex2(it.returnCode);
          rec.return_code_name = returnCodeName(it.returnCode);
          rec.data_length = it.dataLen >= 0 ? it.dataLen : undefined;
          rec.data = it.dataLen > 0 ? hexBytes(d, it.dataOff, Math.min(it.dataLen, MAX_DATA_HEX)) : undefined;
          if (q < 0 && !h.truncated) this.ctx.event('bad_data', `Read Var answer item ${i + 1} runs past the data part`, !job.isOrig);
        } else {
          rec.return_code = hex2(d[q]);
          rec.return_code_name = returnCodeName(d[q]);
          q++;
        }
      }
      this.ctx.rawRecord('s7comm_read_write', rec as unknown as Record<string, unknown>);
    }
  }

  private blockTransfer(isOrig: boolean, d: Uint8Array, h: S7Header, func: number): void {
    const f = this.ctx.flow;
    const p = h.paramOff;
    const n = h.paramAvail;
    const end = p + n;
    const rec: S7commUploadDownloadRecord = {
      is_orig: isOrig,
      source_h: isOrig ? f.origH : f.respH,
      source_p: isOrig ? f.origP : f.respP,
      destination_h: isOrig ? f.respH : f.origH,
      destination_p: isOrig ? f.respP : f.origP,
      rosctr: rosctrName(h.rosctr),
      pdu_reference: h.pduRefIcsnpp,
      function_name: functionName(func),
      function_status: n >= 2 ? hex2(d[p + 1]) : undefined,
      session_id: undefined,
      blocklength: undefined,
      filename: undefined,
      block_type: undefined,
      block_number: undefined,
      destination_filesystem: undefined,
    };
    if (h.rosctr === ROSCTR_JOB) {
      // function, status, 2 bytes, upload id / block control (4), [file name length, file name]
      if (n >= 8) rec.session_id = be32(d, p + 4);
      if (func !== FUNC_UPLOAD && func !== FUNC_END_UPLOAD && n >= 9) {
        const flen = d[p + 8];
        if (p + 9 + flen <= end) {
          const name = parseBlockName(d, p + 9, flen);
          rec.filename = name.filename;
          if (name.blockType !== undefined) {
            rec.block_type = blockTypeName(name.blockType);
            rec.block_number = name.blockNumber;
            rec.destination_filesystem = filesystemName(name.filesystem!);
          }
          // Request Download: length part 2, one char, load memory length (6 digits), MC7 length (6 digits).
          const q = p + 9 + flen;
          if (func === FUNC_REQUEST_DOWNLOAD && q + 8 <= end) {
            const l = asciiNumber(d, q + 2, 6);
            if (l >= 0) rec.blocklength = l;
          }
        } else if (!h.truncated) {
          this.ctx.event('bad_parameter', `${functionName(func)} file name runs past the parameter`, isOrig);
        }
      }
    } else if (func === FUNC_START_UPLOAD) {
      // function, status, 2 bytes, upload id (4), block length as a decimal string
      if (n >= 8) rec.session_id = be32(d, p + 4);
      if (n >= 9) {
        const slen = d[p + 8];
        if (p + 9 + slen <= end) {
          const l = asciiNumber(d, p + 9, slen);
          if (l >= 0) rec.blocklength = l;
        }
      }
    } else if ((func === FUNC_UPLOAD || func === FUNC_DOWNLOAD_BLOCK) && h.dataAvail >= 2) {
      // The data part: length (2), 2 bytes, the block's bytes.
      rec.blocklength = be16(d, h.dataOff);
    }
    this.ctx.record('s7comm_upload_download', rec as unknown as Record<string, unknown>);
  }

  // ---- Read SZL ----

  private readSzl(isOrig: boolean, d: Uint8Array, h: S7Header, u: UserdataParam): void {
    if (h.dataAvail < 4) return;
    const dp = h.dataOff;
    const ret = d[dp];
    const dlen = be16(d, dp + 2);
    const po = dp + 4;
    const pl = Math.min(dlen, h.dataAvail - 4);
    if (dlen > h.dataAvail - 4 && !h.truncated) this.ctx.event('bad_data', `userdata data announces ${dlen} bytes, ${h.dataAvail - 4} are there`, isOrig);
    if (u.type === UD_TYPE_REQUEST) {
      if (pl >= 4) this.szlRecord(isOrig, d, po, pl, h, u, ret);
      return;
    }
    if (u.type !== UD_TYPE_RESPONSE) return;
    const parts = this.parts[isOrig ? 0 : 1];
    if (u.lastDataUnit === 1) {
      // One part of an answer split over several PDUs (the client asks for each next one).
      if (parts.ref !== u.dataUnitRef) parts.start(u.dataUnitRef);
      if (!parts.overflow && !parts.append(d, po, pl)) this.ctx.event('szl_too_large', `SZL answer longer than ${MAX_SZL} bytes dropped`, isOrig);
      return;
    }
    if (parts.ref >= 0 && parts.ref === u.dataUnitRef) {
      if (!parts.overflow) {
        if (parts.append(d, po, pl)) this.szlRecord(isOrig, parts.buf, 0, parts.len, h, u, ret);
        else this.ctx.event('szl_too_large', `SZL answer longer than ${MAX_SZL} bytes dropped`, isOrig);
      }
      parts.reset();
      return;
    }
    parts.reset();
    if (pl >= 4) this.szlRecord(isOrig, d, po, pl, h, u, ret);
  }

  /** An SZL request or a whole answer (its list at d[off], `len` bytes): the record, then identity. */
  private szlRecord(isOrig: boolean, d: Uint8Array, off: number, len: number, h: S7Header, u: UserdataParam, ret: number): void {
    const s = this.szl;
    if (!parseSzlList(d, off, len, s)) return;
    const f = this.ctx.flow;
    const answer = u.type === UD_TYPE_RESPONSE;
    const rec: S7commReadSzlRecord = {
      is_orig: isOrig,
      source_h: isOrig ? f.origH : f.respH,
      source_p: isOrig ? f.origP : f.respP,
      destination_h: isOrig ? f.respH : f.origH,
      destination_p: isOrig ? f.respP : f.origP,
      pdu_reference: h.pduRefIcsnpp,
      method: u.method === UD_METHOD_REQUEST ? 'Request' : u.method === UD_METHOD_RESPONSE ? 'Response' : `unknown-${u.method}`,
      szl_id: hex4(s.id),
      szl_id_name: szlListName(s.id),
      szl_index: hex4(s.index),
      return_code: hex2(ret),
      return_code_name: returnCodeName(ret),
      szl_record_length: answer && s.recordLen >= 0 ? s.recordLen : undefined,
      szl_record_count: answer && s.recordCount >= 0 ? s.recordCount : undefined,
    };
    this.ctx.record('s7comm_read_szl', rec as unknown as Record<string, unknown>);
    if (!answer || s.recordLen <= 0) return;
    const list = s.id & 0xff;
    if (list !== SZL_MODULE_IDENTIFICATION && list !== SZL_COMPONENT_IDENTIFICATION) return;
    const changed = list === SZL_MODULE_IDENTIFICATION
      ? readModuleIdentification(d, s.recordsOff, s.recordsAvail, s.recordLen, s.recordCount, this.identity)
      : readComponentIdentification(d, s.recordsOff, s.recordsAvail, s.recordLen, s.recordCount, this.identity);
    if (changed) {
      this.identityDirty = true;
      this.identityIsOrig = isOrig;
      this.identityTs = this.ctx.ts;
    }
    // Component identification carries the names; module identification alone waits for it
    // (or for the end of the connection) so that one record holds both.
    if (this.identityDirty && (list === SZL_COMPONENT_IDENTIFICATION || this.identityWritten)) this.writeIdentity();
  }

  private writeIdentity(): void {
    const f = this.ctx.flow;
    const o = this.identityIsOrig;
    const id = this.identity;
    const rec: S7commKnownDeviceRecord = {
      is_orig: o,
      source_h: o ? f.origH : f.respH,
      source_p: o ? f.origP : f.respP,
      destination_h: o ? f.respH : f.origH,
      destination_p: o ? f.respP : f.origP,
      automation_system_name: id.automationSystemName,
      module_name: id.moduleName,
      plant_name: id.plantName,
      module_serial: id.serial,
      module_type_name: id.moduleTypeName,
      copyright: id.copyright,
      order_number: id.orderNumber,
      hardware_version: id.hardwareVersion,
      firmware_version: id.firmwareVersion,
      memory_card_serial: id.memoryCardSerial,
      location: id.location,
      manufacturer_id: id.manufacturerId,
    };
    this.identityDirty = false;
    this.identityWritten = true;
    this.ctx.record('s7comm_known_devices', rec as unknown as Record<string, unknown>, this.identityTs);
  }

  private newRecord(isOrig: boolean, h: S7Header): S7commRecord {
    const f = this.ctx.flow;
    const hd = this.ctx.head();
    return {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      source_h: isOrig ? f.origH : f.respH,
      source_p: isOrig ? f.origP : f.respP,
      destination_h: isOrig ? f.respH : f.origH,
      destination_p: isOrig ? f.respP : f.origP,
      rosctr_code: h.rosctr,
      rosctr_name: rosctrName(h.rosctr),
      pdu_reference: h.pduRefIcsnpp,
      function_code: undefined,
      function_name: undefined,
      subfunction_code: undefined,
      subfunction_name: undefined,
      error_class: undefined,
      error_code: undefined,
      item_count: undefined,
      pi_parameter: undefined,
      max_amq_calling: undefined,
      max_amq_called: undefined,
      pdu_length: undefined,
    };
  }
}

/** The arguments of a PI service: block names for _INSE/_INS2/_DELE, else the parameter block as text. */
function piParameters(d: Uint8Array, pi: PiService): string[] | undefined {
  if (pi.paramLen === 0) return undefined;
  const s = pi.service;
  if ((s === '_INSE' || s === '_INS2' || s === '_DELE') && pi.paramLen >= 2) {
    // number of blocks, one byte, then 8-character block names ("0B02000A")
    const out: string[] = [];
    const n = d[pi.paramOff];
    const end = pi.paramOff + pi.paramLen;
    for (let i = 0, o = pi.paramOff + 2; i < n && i < MAX_PI_PARAMETERS && o + 8 <= end; i++, o += 8) out.push(latin1(d, o, 8));
    return out;
  }
  return [textField(d, pi.paramOff, pi.paramLen)];
}
