// Pure parsing of one MMS PDU (ISO 9506-2 MMSpdu, BER): the PDU type, the invoke id, the
// confirmed or unconfirmed service, and for the services that name things the object names
// (domain/item of variable references, named variable lists, domains, program invocations,
// files), the values written, read or reported, identify's vendor/model/revision, initiate's
// parameters, errors and reject reasons. One MmsInfo per PDU (it becomes part of a record).
import { BER_CONTEXT, BER_OK, BER_TRUNCATED, BER_UNIVERSAL, Tlv, readInt, readText, readTlv } from '../../dissect/ber.ts';
import { describeData, type DataList } from '../../dissect/mms-data.ts';
import {
  DATA_ACCESS_ERRORS, PDU_CANCEL_ERROR, PDU_CANCEL_REQUEST, PDU_CANCEL_RESPONSE, PDU_CONCLUDE_ERROR, PDU_CONCLUDE_REQUEST,
  PDU_CONCLUDE_RESPONSE, PDU_CONFIRMED_ERROR, PDU_CONFIRMED_REQUEST, PDU_CONFIRMED_RESPONSE, PDU_CONSTRUCTED,
  PDU_INITIATE_ERROR, PDU_INITIATE_REQUEST, PDU_INITIATE_RESPONSE, PDU_REJECT, PDU_UNCONFIRMED, SVC_CREATE_PROGRAM_INVOCATION,
  SVC_DEFINE_NAMED_VARIABLE_LIST, SVC_DELETE_DOMAIN, SVC_DELETE_NAMED_VARIABLE_LIST, SVC_DELETE_PROGRAM_INVOCATION,
  SVC_DOWNLOAD_SEGMENT, SVC_FILE_DELETE, SVC_FILE_DIRECTORY, SVC_FILE_OPEN, SVC_FILE_RENAME, SVC_GET_DOMAIN_ATTRIBUTES,
  SVC_GET_NAMED_VARIABLE_LIST_ATTRIBUTES, SVC_GET_NAME_LIST, SVC_GET_PROGRAM_INVOCATION_ATTRIBUTES,
  SVC_GET_VARIABLE_ACCESS_ATTRIBUTES, SVC_IDENTIFY, SVC_INITIATE_DOWNLOAD_SEQUENCE, SVC_INITIATE_UPLOAD_SEQUENCE, SVC_KILL,
  SVC_LOAD_DOMAIN_CONTENT, SVC_OBTAIN_FILE, SVC_READ, SVC_RELINQUISH_CONTROL, SVC_RENAME, SVC_REQUEST_DOMAIN_DOWNLOAD,
  SVC_REQUEST_DOMAIN_UPLOAD, SVC_RESET, SVC_RESUME, SVC_START, SVC_STOP, SVC_STORE_DOMAIN_CONTENT, SVC_TAKE_CONTROL,
  SVC_TERMINATE_DOWNLOAD_SEQUENCE, SVC_WRITE, USVC_INFORMATION_REPORT, nameOf,
} from './constants.ts';

/** Caps on what one PDU contributes to a record. */
export const MAX_NAMES = 64;
export const MAX_VALUES = 32;
export const MAX_VALUE_CHARS = 128;
export const MAX_NAME_CHARS = 256;

export const MMS_OK = 0;
/** The PDU (or a TLV inside it) is not valid BER or runs past its container. */
export const MMS_BAD_BER = 1;
/** The outer tag is not an MMSpdu alternative. */
export const MMS_UNKNOWN_PDU = 2;
/** A mandatory element is missing or has the wrong type (the rest of the PDU is kept). */
export const MMS_BAD_PDU = 3;

/** What one MMS PDU says. Unset fields stay undefined. */
export class MmsInfo {
  /** MMSpdu alternative (0 confirmed-RequestPDU … 13 conclude-ErrorPDU). */
  type = -1;
  /** invokeID (confirmed and cancel PDUs, rejectPDU originalInvokeID); -1 when none. */
  invokeId = -1;
  /** Confirmed service (confirmed request/response) or unconfirmed service number; -1 when none. */
  service = -1;
  domainIds: string[] | undefined = undefined;
  itemIds: string[] | undefined = undefined;
  /** A named variable list (data set) reference, `domain/item` (or `item` when VMD-specific). */
  variableList: string | undefined = undefined;
  /** getNameList objectClass. */
  objectClass = -1;
  /** getNameList response identifiers; fileDirectory response file names. */
  names: string[] | undefined = undefined;
  moreFollows: boolean | undefined = undefined;
  fileName: string | undefined = undefined;
  programInvocation: string | undefined = undefined;
  vendor: string | undefined = undefined;
  model: string | undefined = undefined;
  revision: string | undefined = undefined;
  /** initiate: localDetailCalling/Called (the largest PDU), proposed/negotiated version. */
  maxPduSize = -1;
  version = -1;
  /** Values written (write request), read (read response) or reported (informationReport). */
  data: DataList | undefined = undefined;
  /** write response: success or failure:<name> per variable. */
  writeResults: string[] | undefined = undefined;
  errorClass = -1;
  errorCode = -1;
  rejectReason = -1;
  rejectCode = -1;
  problem = MMS_OK;
  detail = '';
}

const t = new Tlv();

function setProblem(m: MmsInfo, problem: number, detail: string): number {
  if (m.problem === MMS_OK) {
    m.problem = problem;
    m.detail = detail;
  }
  return m.problem;
}

/** The MMSpdu alternative an identifier octet starts, or -1 (for probes). */
export function pduTypeOf(id: number): number {
  if ((id & 0xc0) !== 0x80) return -1;
  const n = id & 0x1f;
  if (n > 13) return -1;
  return PDU_CONSTRUCTED[n] === ((id & 0x20) !== 0) ? n : -1;
}

/** Parses the MMS PDU d[off, end) into a new MmsInfo. */
export function parseMms(d: Uint8Array, off: number, end: number): MmsInfo {
  const m = new MmsInfo();
  const r = readTlv(d, off, end, t);
  if (r !== BER_OK && !(r === BER_TRUNCATED && t.len >= 0)) {
    setProblem(m, MMS_BAD_BER, 'MMSpdu header');
    return m;
  }
  const type = pduTypeOf(t.id);
  if (type < 0) {
    setProblem(m, MMS_UNKNOWN_PDU, `tag 0x${t.id < 0 ? 'high' : t.id.toString(16)}`);
    return m;
  }
  m.type = type;
  if (r === BER_TRUNCATED) setProblem(m, MMS_BAD_BER, 'MMSpdu runs past the TSDU');
  const v = t.off;
  const e = t.end < end ? t.end : end;
  switch (type) {
    case PDU_CONFIRMED_REQUEST:
      confirmedRequest(d, v, e, m);
      break;
    case PDU_CONFIRMED_RESPONSE:
      confirmedResponse(d, v, e, m);
      break;
    case PDU_CONFIRMED_ERROR:
      confirmedError(d, v, e, m);
      break;
    case PDU_UNCONFIRMED:
      unconfirmed(d, v, e, m);
      break;
    case PDU_REJECT:
      reject(d, v, e, m);
      break;
    case PDU_CANCEL_REQUEST:
    case PDU_CANCEL_RESPONSE:
      m.invokeId = unsigned(d, v, e - v);
      break;
    case PDU_CANCEL_ERROR:
      // SEQUENCE { originalInvokeID [0], serviceError [1] }
      for (let q = v, c = new Tlv(); q < e && next(d, q, e, c, m); q = c.end) {
        if (c.id === 0x80) m.invokeId = unsigned(d, c.off, c.len);
        else if (c.id === 0xa1) serviceError(d, c.off, c.end, m);
      }
      break;
    case PDU_INITIATE_REQUEST:
    case PDU_INITIATE_RESPONSE:
      initiate(d, v, e, m);
      break;
    case PDU_INITIATE_ERROR:
    case PDU_CONCLUDE_ERROR:
      serviceError(d, v, e, m);
      break;
    case PDU_CONCLUDE_REQUEST:
    case PDU_CONCLUDE_RESPONSE:
      break;
  }
  return m;
}

// ---- helpers ----

/** Reads the TLV at d[off] (bounded by end) into c; false (and the problem noted) when it is not valid. */
function next(d: Uint8Array, off: number, end: number, c: Tlv, m: MmsInfo): boolean {
  if (readTlv(d, off, end, c) === BER_OK) return true;
  setProblem(m, MMS_BAD_BER, `element at ${off}`);
  return false;
}

/** The first TLV of d[off, end) into a new Tlv, or null. */
function first(d: Uint8Array, off: number, end: number, m: MmsInfo): Tlv | null {
  if (off >= end) return null;
  const c = new Tlv();
  if (readTlv(d, off, end, c) !== BER_OK) {
    setProblem(m, MMS_BAD_BER, `element at ${off}`);
    return null;
  }
  return c;
}

function unsigned(d: Uint8Array, off: number, len: number): number {
  const x = readInt(d, off, len);
  return Number.isNaN(x) ? -1 : x < 0 ? x + 2 ** (8 * len) : x;
}

const text = (d: Uint8Array, c: Tlv) => readText(d, c.off, c.len, MAX_NAME_CHARS);

function addName(m: MmsInfo, domain: string, item: string): void {
  m.domainIds ??= [];
  m.itemIds ??= [];
  if (m.itemIds.length >= MAX_NAMES) return;
  m.domainIds.push(domain);
  m.itemIds.push(item);
}

/** ObjectName CHOICE { vmd-specific [0], domain-specific [1] SEQUENCE { domainId, itemId }, aa-specific [2] } at `c`. */
function objectName(d: Uint8Array, c: Tlv, m: MmsInfo): [string, string] | null {
  if (c.cls !== BER_CONTEXT) return null;
  if (c.id === 0x80 || c.id === 0x82) return ['', text(d, c)];
  if (c.id === 0xa1) {
    const a = first(d, c.off, c.end, m);
    if (a === null) return null;
    const b = first(d, a.end, c.end, m);
    if (b === null) return null;
    return [text(d, a), text(d, b)];
  }
  return null;
}

function listName(n: [string, string]): string {
  return n[0] === '' ? n[1] : `${n[0]}/${n[1]}`;
}

/** VariableAccessSpecification CHOICE { listOfVariable [0], variableListName [1] } at `c`. */
function variableAccessSpec(d: Uint8Array, c: Tlv, m: MmsInfo): void {
  if (c.id === 0xa0) {
    // SEQUENCE OF SEQUENCE { variableSpecification CHOICE { name [0] ObjectName, address [1], … }, alternateAccess [5] }
    for (let q = c.off, seq = new Tlv(); q < c.end && next(d, q, c.end, seq, m); q = seq.end) {
      const spec = first(d, seq.off, seq.end, m);
      if (spec === null || spec.id !== 0xa0) continue;
      const on = first(d, spec.off, spec.end, m);
      const n = on === null ? null : objectName(d, on, m);
      if (n !== null) addName(m, n[0], n[1]);
    }
  } else if (c.id === 0xa1) {
    const on = first(d, c.off, c.end, m);
    const n = on === null ? null : objectName(d, on, m);
    if (n !== null) m.variableList = listName(n);
  }
}

/** FileName: SEQUENCE OF GraphicString, joined with '/'. */
function fileName(d: Uint8Array, c: Tlv, m: MmsInfo): string {
  let s = '';
  for (let q = c.off, g = new Tlv(); q < c.end && next(d, q, c.end, g, m); q = g.end) {
    if (s.length < MAX_NAME_CHARS) s += (s === '' ? '' : '/') + text(d, g);
  }
  return s;
}

function setData(d: Uint8Array, c: Tlv, m: MmsInfo): void {
  m.data = describeData(d, c.off, c.end, MAX_VALUES, MAX_VALUE_CHARS, (code) => `failure:${nameOf(DATA_ACCESS_ERRORS, code)}`);
}

/** The invokeID (an INTEGER) that starts confirmed PDUs. */
function invokeId(d: Uint8Array, off: number, end: number, m: MmsInfo): number {
  const c = first(d, off, end, m);
  if (c === null || c.cls !== BER_UNIVERSAL || c.tag !== 2) {
    setProblem(m, MMS_BAD_PDU, 'no invokeID');
    return -1;
  }
  m.invokeId = unsigned(d, c.off, c.len);
  return c.end;
}

// ---- PDUs ----

function confirmedRequest(d: Uint8Array, off: number, end: number, m: MmsInfo): void {
  let p = invokeId(d, off, end, m);
  if (p < 0) return;
  let s = first(d, p, end, m);
  if (s !== null && s.id === 0x30) {
    // listOfModifier
    p = s.end;
    s = first(d, p, end, m);
  }
  if (s === null || s.cls !== BER_CONTEXT) {
    setProblem(m, MMS_BAD_PDU, 'no service');
    return;
  }
  m.service = s.tag;
  requestDetail(d, s, m);
}

function confirmedResponse(d: Uint8Array, off: number, end: number, m: MmsInfo): void {
  const p = invokeId(d, off, end, m);
  if (p < 0) return;
  const s = first(d, p, end, m);
  if (s === null || s.cls !== BER_CONTEXT) {
    setProblem(m, MMS_BAD_PDU, 'no service');
    return;
  }
  m.service = s.tag;
  responseDetail(d, s, m);
}

function confirmedError(d: Uint8Array, off: number, end: number, m: MmsInfo): void {
  // SEQUENCE { invokeID [0], modifierPosition [1] OPTIONAL, serviceError [2] }
  for (let q = off, c = new Tlv(); q < end && next(d, q, end, c, m); q = c.end) {
    if (c.id === 0x80) m.invokeId = unsigned(d, c.off, c.len);
    else if (c.id === 0xa2) serviceError(d, c.off, c.end, m);
  }
  if (m.invokeId < 0) setProblem(m, MMS_BAD_PDU, 'no invokeID');
}

/** ServiceError: SEQUENCE { errorClass [0] CHOICE { vmd-state [0] INTEGER, … others [12] }, … }. */
function serviceError(d: Uint8Array, off: number, end: number, m: MmsInfo): void {
  const c = first(d, off, end, m);
  if (c === null || c.id !== 0xa0) {
    setProblem(m, MMS_BAD_PDU, 'no errorClass');
    return;
  }
  const k = first(d, c.off, c.end, m);
  if (k === null || k.cls !== BER_CONTEXT) return;
  m.errorClass = k.tag;
  m.errorCode = readInt(d, k.off, k.len);
  if (Number.isNaN(m.errorCode)) m.errorCode = -1;
}

function reject(d: Uint8Array, off: number, end: number, m: MmsInfo): void {
  // SEQUENCE { originalInvokeID [0] OPTIONAL, rejectReason CHOICE { confirmed-requestPDU [1] INTEGER, … } }
  for (let q = off, c = new Tlv(); q < end && next(d, q, end, c, m); q = c.end) {
    if (c.cls !== BER_CONTEXT) continue;
    if (c.tag === 0) m.invokeId = unsigned(d, c.off, c.len);
    else {
      m.rejectReason = c.tag;
      m.rejectCode = readInt(d, c.off, c.len);
      if (Number.isNaN(m.rejectCode)) m.rejectCode = -1;
    }
  }
}

function unconfirmed(d: Uint8Array, off: number, end: number, m: MmsInfo): void {
  const s = first(d, off, end, m);
  if (s === null || s.cls !== BER_CONTEXT) {
    setProblem(m, MMS_BAD_PDU, 'no service');
    return;
  }
  m.service = s.tag;
  if (s.tag === USVC_INFORMATION_REPORT) {
    // SEQUENCE { variableAccessSpecification, listOfAccessResult [0] }
    const vas = first(d, s.off, s.end, m);
    if (vas === null) return;
    variableAccessSpec(d, vas, m);
    const res = first(d, vas.end, s.end, m);
    if (res !== null && res.id === 0xa0) setData(d, res, m);
  }
}

function initiate(d: Uint8Array, off: number, end: number, m: MmsInfo): void {
  for (let q = off, c = new Tlv(); q < end && next(d, q, end, c, m); q = c.end) {
    if (c.id === 0x80) m.maxPduSize = readInt(d, c.off, c.len);
    else if (c.id === 0xa4) {
      // mmsInitRequestDetail / mmsInitResponseDetail: { proposed/negotiatedVersionNumber [0], … }
      const v = first(d, c.off, c.end, m);
      if (v !== null && v.id === 0x80) m.version = readInt(d, v.off, v.len);
    }
  }
  if (Number.isNaN(m.maxPduSize)) m.maxPduSize = -1;
  if (Number.isNaN(m.version)) m.version = -1;
}

/** The names and values a confirmed service request carries. `s` is the service TLV. */
function requestDetail(d: Uint8Array, s: Tlv, m: MmsInfo): void {
  const svc = s.tag;
  switch (svc) {
    case SVC_GET_NAME_LIST:
      // SEQUENCE { objectClass [0] (CHOICE { objectClass [0] INTEGER } or the INTEGER), objectScope [1], continueAfter [2] }
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if (c.id === 0xa0) {
          const k = first(d, c.off, c.end, m);
          if (k !== null && k.cls === BER_CONTEXT) m.objectClass = readInt(d, k.off, k.len);
        } else if (c.id === 0x80) m.objectClass = readInt(d, c.off, c.len);
        else if (c.id === 0xa1) {
          const sc = first(d, c.off, c.end, m);
          if (sc !== null && sc.id === 0x81) m.domainIds = [text(d, sc)];
        }
      }
      if (Number.isNaN(m.objectClass)) m.objectClass = -1;
      break;
    case SVC_READ:
      // SEQUENCE { specificationWithResult [0] DEFAULT FALSE, variableAccessSpecification [1] }
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if (c.id === 0xa1) {
          const vas = first(d, c.off, c.end, m);
          if (vas !== null) variableAccessSpec(d, vas, m);
        }
      }
      break;
    case SVC_WRITE: {
      // SEQUENCE { variableAccessSpecification, listOfData [0] }
      const vas = first(d, s.off, s.end, m);
      if (vas === null) break;
      variableAccessSpec(d, vas, m);
      const data = first(d, vas.end, s.end, m);
      if (data !== null && data.id === 0xa0) setData(d, data, m);
      break;
    }
    case SVC_GET_VARIABLE_ACCESS_ATTRIBUTES: {
      // CHOICE { name [0] ObjectName, address [1] }
      const c = first(d, s.off, s.end, m);
      if (c !== null && c.id === 0xa0) {
        const on = first(d, c.off, c.end, m);
        const n = on === null ? null : objectName(d, on, m);
        if (n !== null) addName(m, n[0], n[1]);
      }
      break;
    }
    case SVC_DEFINE_NAMED_VARIABLE_LIST: {
      // SEQUENCE { variableListName ObjectName, listOfVariable [0] }
      const on = first(d, s.off, s.end, m);
      if (on === null) break;
      const n = objectName(d, on, m);
      if (n !== null) m.variableList = listName(n);
      const lv = first(d, on.end, s.end, m);
      if (lv !== null && lv.id === 0xa0) variableAccessSpec(d, lv, m);
      break;
    }
    case SVC_GET_NAMED_VARIABLE_LIST_ATTRIBUTES: {
      // ObjectName (a CHOICE, so explicitly tagged)
      const on = first(d, s.off, s.end, m);
      const n = on === null ? null : objectName(d, on, m);
      if (n !== null) m.variableList = listName(n);
      break;
    }
    case SVC_DELETE_NAMED_VARIABLE_LIST:
      // SEQUENCE { scopeOfDelete [0], listOfVariableListName [1] SEQUENCE OF ObjectName, domainName [2] }
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if (c.id === 0xa1) {
          for (let r = c.off, on = new Tlv(); r < c.end && next(d, r, c.end, on, m); r = on.end) {
            const n = objectName(d, on, m);
            if (n !== null) m.variableList ??= listName(n);
          }
        } else if (c.id === 0x82) m.domainIds = [text(d, c)];
      }
      break;
    case SVC_RENAME:
    case SVC_TAKE_CONTROL:
    case SVC_RELINQUISH_CONTROL:
      // rename: { extendedObjectClass [0], currentName [1] ObjectName, newIdentifier [2] };
      // takeControl / relinquishControl: { semaphoreName [0] ObjectName, … }
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if ((svc === SVC_RENAME && c.id === 0xa1) || (svc !== SVC_RENAME && c.id === 0xa0)) {
          const on = first(d, c.off, c.end, m);
          const n = on === null ? null : objectName(d, on, m);
          if (n !== null) addName(m, n[0], n[1]);
        }
      }
      break;
    case SVC_DOWNLOAD_SEGMENT:
    case SVC_INITIATE_UPLOAD_SEQUENCE:
    case SVC_DELETE_DOMAIN:
    case SVC_GET_DOMAIN_ATTRIBUTES:
      // [n] IMPLICIT Identifier: the domain name
      if (!s.constructed) m.domainIds = [text(d, s)];
      break;
    case SVC_INITIATE_DOWNLOAD_SEQUENCE:
    case SVC_TERMINATE_DOWNLOAD_SEQUENCE:
    case SVC_REQUEST_DOMAIN_DOWNLOAD:
    case SVC_REQUEST_DOMAIN_UPLOAD:
    case SVC_LOAD_DOMAIN_CONTENT:
    case SVC_STORE_DOMAIN_CONTENT:
      // SEQUENCE { domainName [0] Identifier, …, fileName [1] (upload/store) or [4] (download/load) }
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if (c.id === 0x80) m.domainIds = [text(d, c)];
        else if (
          (c.id === 0xa1 && (svc === SVC_REQUEST_DOMAIN_UPLOAD || svc === SVC_STORE_DOMAIN_CONTENT)) ||
          (c.id === 0xa4 && (svc === SVC_REQUEST_DOMAIN_DOWNLOAD || svc === SVC_LOAD_DOMAIN_CONTENT))
        ) {
          m.fileName = fileName(d, c, m);
        }
      }
      break;
    case SVC_CREATE_PROGRAM_INVOCATION:
      // SEQUENCE { programInvocationName [0], listOfDomainName [1] SEQUENCE OF Identifier, … }
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if (c.id === 0x80) m.programInvocation = text(d, c);
        else if (c.id === 0xa1) {
          for (let r = c.off, id = new Tlv(); r < c.end && next(d, r, c.end, id, m); r = id.end) {
            m.domainIds ??= [];
            if (m.domainIds.length < MAX_NAMES) m.domainIds.push(text(d, id));
          }
        }
      }
      break;
    case SVC_DELETE_PROGRAM_INVOCATION:
    case SVC_GET_PROGRAM_INVOCATION_ATTRIBUTES:
      if (!s.constructed) m.programInvocation = text(d, s);
      break;
    case SVC_START:
    case SVC_STOP:
    case SVC_RESUME:
    case SVC_RESET:
    case SVC_KILL:
      // SEQUENCE { programInvocationName [0] Identifier, … }
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if (c.id === 0x80) m.programInvocation = text(d, c);
      }
      break;
    case SVC_OBTAIN_FILE:
    case SVC_FILE_RENAME: {
      // obtainFile: { sourceFileServer [0], sourceFile [1], destinationFile [2] }; fileRename: { currentFileName [0], newFileName [1] }
      let from = '';
      let to = '';
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if (svc === SVC_OBTAIN_FILE ? c.id === 0xa1 : c.id === 0xa0) from = fileName(d, c, m);
        else if (svc === SVC_OBTAIN_FILE ? c.id === 0xa2 : c.id === 0xa1) to = fileName(d, c, m);
      }
      m.fileName = to === '' ? from : `${from} -> ${to}`;
      break;
    }
    case SVC_FILE_OPEN:
    case SVC_FILE_DIRECTORY: {
      // fileOpen: { fileName [0], initialPosition [1] }; fileDirectory: { fileSpecification [0] OPTIONAL, continueAfter [1] }
      const c = first(d, s.off, s.end, m);
      if (c !== null && c.id === 0xa0) m.fileName = fileName(d, c, m);
      break;
    }
    case SVC_FILE_DELETE:
      // [76] IMPLICIT FileName
      if (s.constructed) m.fileName = fileName(d, s, m);
      break;
  }
}

/** The names and values a confirmed service response carries. */
function responseDetail(d: Uint8Array, s: Tlv, m: MmsInfo): void {
  switch (s.tag) {
    case SVC_GET_NAME_LIST:
      // SEQUENCE { listOfIdentifier [0] SEQUENCE OF Identifier, moreFollows [1] DEFAULT TRUE }
      m.moreFollows = true;
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if (c.id === 0xa0) {
          m.names = [];
          for (let r = c.off, id = new Tlv(); r < c.end && next(d, r, c.end, id, m); r = id.end) {
            if (m.names!.length < MAX_NAMES) m.names!.push(text(d, id));
          }
        } else if (c.id === 0x81 && c.len === 1) m.moreFollows = d[c.off] !== 0;
      }
      break;
    case SVC_IDENTIFY:
      // SEQUENCE { vendorName [0], modelName [1], revision [2], listOfAbstractSyntaxes [3] OPTIONAL }
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if (c.id === 0x80) m.vendor = text(d, c);
        else if (c.id === 0x81) m.model = text(d, c);
        else if (c.id === 0x82) m.revision = text(d, c);
      }
      break;
    case SVC_READ:
      // SEQUENCE { variableAccessSpecification [0] OPTIONAL, listOfAccessResult [1] }
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if (c.id === 0xa0) {
          const vas = first(d, c.off, c.end, m);
          if (vas !== null) variableAccessSpec(d, vas, m);
        } else if (c.id === 0xa1) setData(d, c, m);
      }
      break;
    case SVC_WRITE:
      // SEQUENCE OF CHOICE { failure [0] DataAccessError, success [1] NULL }
      m.writeResults = [];
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if (m.writeResults!.length >= MAX_VALUES) continue;
        if (c.id === 0x81) m.writeResults!.push('success');
        else if (c.id === 0x80) m.writeResults!.push(`failure:${nameOf(DATA_ACCESS_ERRORS, readInt(d, c.off, c.len))}`);
      }
      break;
    case SVC_FILE_DIRECTORY:
      // SEQUENCE { listOfDirectoryEntry [0] SEQUENCE OF SEQUENCE { fileName [0], fileAttributes [1] }, moreFollows [1] DEFAULT FALSE }
      m.moreFollows = false;
      for (let q = s.off, c = new Tlv(); q < s.end && next(d, q, s.end, c, m); q = c.end) {
        if (c.id === 0xa0) {
          m.names = [];
          for (let r = c.off, entry = new Tlv(); r < c.end && next(d, r, c.end, entry, m); r = entry.end) {
            const fn = first(d, entry.off, entry.end, m);
            if (fn !== null && fn.id === 0xa0 && m.names!.length < MAX_NAMES) m.names!.push(fileName(d, fn, m));
          }
        } else if (c.id === 0x81 && c.len === 1) m.moreFollows = d[c.off] !== 0;
      }
      break;
  }
}
