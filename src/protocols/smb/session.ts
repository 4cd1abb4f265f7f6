// Per-flow state of SMB: NetBIOS session framing (messages kept up to MAX_KEEP bytes, the
// rest of a long READ/WRITE skipped by length so a gap inside file data keeps the stream in
// step), SMB2/3 compound chains and SMB1 AndX chains, request/response pairing (SMB2
// MessageId, SMB1 PID+MID), the tree and file maps, the NTLM child fed with the security
// blobs of session setups, and the records: smb per command, smb_mapping per tree connect,
// smb_files per file open / delete / rename / print job, as Zeek's scripts log them.
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  ANDX_COMMANDS, CAP_EXTENDED_SECURITY, CTX_ENCRYPTION, CTX_NETNAME, FILE_DELETE_ON_CLOSE, FileDispositionInformation,
  FileDispositionInformationEx, FileRenameInformation, FileRenameInformationEx, NBSS_KEEP_ALIVE, NBSS_NEGATIVE_CODES,
  NBSS_NEGATIVE_RESPONSE, NBSS_POSITIVE_RESPONSE, NBSS_SESSION_MESSAGE, NBSS_SESSION_REQUEST, SMB1_HEADER_LEN, SMB1_MAGIC,
  SMB2_CANCEL, SMB2_CAPABILITIES, SMB2_CHANGE_NOTIFY, SMB2_CLOSE, SMB2_COMPRESSION_MAGIC, SMB2_CREATE, SMB2_ERROR_SIZE,
  SMB2_FLAGS_RELATED_OPERATIONS, SMB2_FLAGS_SERVER_TO_REDIR, SMB2_FLAGS_SIGNED, SMB2_FLUSH, SMB2_HEADER_LEN, SMB2_IOCTL,
  SMB2_LOCK, SMB2_MAGIC, SMB2_NEGOTIATE, SMB2_NEGOTIATE_SIGNING_ENABLED, SMB2_NEGOTIATE_SIGNING_REQUIRED, SMB2_OPLOCK_BREAK,
  SMB2_QUERY_DIRECTORY, SMB2_QUERY_INFO, SMB2_READ, SMB2_REQUEST_SIZE, SMB2_RESPONSE_SIZE, SMB2_SESSION_FLAG_IS_GUEST,
  SMB2_SESSION_FLAG_IS_NULL, SMB2_SESSION_SETUP, SMB2_SET_INFO, SMB2_TRANSFORM_LEN, SMB2_TRANSFORM_MAGIC, SMB2_TREE_CONNECT,
  SMB2_TREE_DISCONNECT, SMB2_WRITE, SMB2_0_INFO_FILE, SMB_COM_CLOSE, SMB_COM_NEGOTIATE, SMB_COM_NO_ANDX_COMMAND,
  SMB_COM_NT_CREATE_ANDX, SMB_COM_OPEN_ANDX, SMB_COM_READ_ANDX, SMB_COM_SESSION_SETUP_ANDX, SMB_COM_TRANSACTION, SMB_COM_TRANSACTION2,
  SMB_COM_TREE_CONNECT_ANDX, SMB_COM_WRITE_ANDX, SMB_FLAGS2_NT_STATUS, SMB_FLAGS2_SMB_SECURITY_SIGNATURE,
  SMB_FLAGS2_UNICODE, SMB_FLAGS_REPLY, STATUS_BUFFER_OVERFLOW, STATUS_MORE_PROCESSING_REQUIRED, STATUS_PENDING,
  STATUS_SUCCESS, CREATE_OPTIONS, TRANS2_SUB_COMMANDS, TRANS_SUB_COMMANDS, cipherName, createActionName, dispositionName,
  flagNames, fsctlName, infoClassName, negotiateContextName, ntStatusName, shareTypeName, smb1CommandName, smb1StatusName,
  smb2CommandName, smb2DialectName,
} from './constants.ts';
import {
  CString, Smb1Header, Smb2Header, be32, filetime, guid, hex64, hexBytes, isNbssType, isSmbMessageStart, nbssLength,
  readCString, readSmb1Header, readSmb2Header, smbMagic, u16, u32, u64, utf16,
} from './parser.ts';
import type { SmbFilesRecord, SmbMappingRecord, SmbRecord } from './records.ts';

/** Bytes kept of one NBSS message; the rest (file data of READ/WRITE) is skipped by length. */
export const MAX_KEEP = 64 * 1024;
/** Requests awaiting a response; more raise `too_many_pending` and write out the oldest unanswered. */
export const MAX_PENDING = 512;
/** Open files and trees remembered per flow; more raise `too_many_files` / `too_many_trees` and forget the oldest. */
export const MAX_FILES = 1024;
export const MAX_TREES = 256;
/** Messages of one SMB2 compound chain, commands of one SMB1 AndX chain. */
const MAX_CHAIN = 32;
const MAX_ANDX = 8;
/** Dialects, negotiate contexts and ciphers read from one NEGOTIATE. */
const MAX_LIST = 32;
/** Times a security blob is offered to the child protocols (NTLM) before the flow stops trying. */
const MAX_CHILD_PROBES = 16;
/** Entries of the recently-logged file set (Zeek's recent_files, 3 minutes). */
const MAX_RECENT = 1024;
const RECENT_SECONDS = 180;

export const SMB_EVENTS = {
  resync: 'bytes skipped to find the next NetBIOS session message with an SMB header (after a gap or bytes that are no header)',
  bad_nbss_type: 'a NetBIOS session packet type RFC 1002 does not define',
  nbss_negative_response: 'the server refused the NetBIOS session (negative session response)',
  not_smb: 'a NetBIOS session message that holds no SMB1, SMB2, transform or compression header',
  malformed: 'an SMB header or command body shorter than its fixed part, or a field that points outside the message',
  bad_compound: 'an SMB2 NextCommand that is not 8-byte aligned, shorter than a header, or past the message',
  bad_andx: 'an SMB1 AndX offset that points backwards or past the message',
  wrong_direction: 'a request from the server or a response from the client',
  too_many_pending: `more than ${MAX_PENDING} requests waiting for a response`,
  too_many_files: `more than ${MAX_FILES} open files remembered on one connection`,
  too_many_trees: `more than ${MAX_TREES} trees remembered on one connection`,
} as const;

/** One side's framing state. */
class Side {
  buf = new Uint8Array(0);
  /** Bytes of the current message held in buf (NBSS header included). */
  held = 0;
  /** The current message's whole length (header included); 0 while its header is incomplete. */
  need = 0;
  /** Bytes of it to keep: min(need, MAX_KEEP). */
  keep = 0;
  /** Bytes of the current message still to skip (past MAX_KEEP). */
  skip = 0;
  lost = false;
  afterGap = false;
  skipped = 0;
  /** Bytes seen on this side: a side whose first bytes are no header started inside a message (mid-stream pickup). */
  started = false;
  /** While lost: the last bytes of a chunk (fewer than a header needs), scanned again with the next chunk. */
  readonly carry = new Uint8Array(8);
  carryLen = 0;
}

class Tree {
  path: string | undefined;
  shareType: string;
  service: string | undefined;
  constructor(path: string | undefined, shareType: string, service: string | undefined) {
    this.path = path;
    this.shareType = shareType;
    this.service = service;
  }
}

class OpenFile {
  name: string;
  path: string | undefined;
  shareType: string;
  size: number;
  constructor(name: string, path: string | undefined, shareType: string, size: number) {
    this.name = name;
    this.path = path;
    this.shareType = shareType;
    this.size = size;
  }
}

/** A request waiting for its response, with what the request said. */
class Pending {
  ts: number;
  smb1: boolean;
  command: number;
  messageId: number;
  sessionId: string | undefined;
  treeId: number | undefined;
  signed: boolean;
  fileKey = '';
  fileName: string | undefined = undefined;
  subCommand: string | undefined = undefined;
  dataLen: number | undefined = undefined;
  offset: number | undefined = undefined;
  dialects: string[] | undefined = undefined;
  securityMode: string | undefined = undefined;
  capabilities: string[] | undefined = undefined;
  clientGuid: string | undefined = undefined;
  contexts: string[] | undefined = undefined;
  ciphers: string[] | undefined = undefined;
  serverName: string | undefined = undefined;
  disposition: string | undefined = undefined;
  createOptions = 0;
  createOptionNames: string[] | undefined = undefined;
  path: string | undefined = undefined;
  service: string | undefined = undefined;
  username: string | undefined = undefined;
  domain: string | undefined = undefined;
  clientOs: string | undefined = undefined;
  clientLanman: string | undefined = undefined;
  /** SET_INFO: a rename's new name, or a delete. */
  renameTo: string | undefined = undefined;
  deleteSet = false;
  /** Made from a request (false: a response whose request was not seen). */
  fromRequest = true;

  constructor(ts: number, smb1: boolean, command: number, messageId: number, sessionId: string | undefined, treeId: number | undefined, signed: boolean) {
    this.ts = ts;
    this.smb1 = smb1;
    this.command = command;
    this.messageId = messageId;
    this.sessionId = sessionId;
    this.treeId = treeId;
    this.signed = signed;
  }
}

/** What a response adds to its request's record. */
class Reply {
  ts = 0;
  status = 0;
  statusName = '';
  signed = false;
  sessionId: string | undefined = undefined;
  treeId: number | undefined = undefined;
}

/** The NTLM child session's verdict hook (ntlm/session.ts NtlmCarrier), found by shape. */
type Carrier = Session & { outcome?: (success: boolean, statusCode: number, status: string) => void };

function securityModeName(m: number): string {
  if ((m & SMB2_NEGOTIATE_SIGNING_REQUIRED) !== 0) return 'signing_required';
  if ((m & SMB2_NEGOTIATE_SIGNING_ENABLED) !== 0) return 'signing_enabled';
  return 'none';
}

/** SMB1 NEGOTIATE security mode bits (MS-CIFS 2.2.4.52.2): 0x04 signatures enabled, 0x08 required. */
function smb1SecurityModeName(m: number): string {
  if ((m & 0x08) !== 0) return 'signing_required';
  if ((m & 0x04) !== 0) return 'signing_enabled';
  return 'none';
}

/** Whether an SMB2 response of `cmd` with `status` carries the command's own body (else an ERROR body). */
function hasBody(cmd: number, status: number): boolean {
  if (status === STATUS_SUCCESS) return true;
  if (status === STATUS_MORE_PROCESSING_REQUIRED) return cmd === SMB2_SESSION_SETUP;
  if (status === STATUS_BUFFER_OVERFLOW) return cmd === SMB2_READ || cmd === SMB2_IOCTL || cmd === SMB2_QUERY_INFO || cmd === SMB2_QUERY_DIRECTORY || cmd === SMB2_CHANGE_NOTIFY;
  return status < 0x80000000;
}

const ALL_FF_FILE_ID = 'ffffffffffffffffffffffffffffffff';

export class SmbSession implements Session {
  private readonly ctx: SessionContext;
  private readonly sides: [Side, Side] = [new Side(), new Side()];
  private readonly h2 = new Smb2Header();
  private readonly h1 = new Smb1Header();
  private readonly cs = new CString();
  private readonly reply = new Reply();
  private readonly pending = new Map<number, Pending>();
  private readonly trees = new Map<number, Tree>();
  private readonly files = new Map<string, OpenFile>();
  private readonly recent = new Map<string, number>();
  private dialect: string | undefined = undefined;
  private child: Carrier | null = null;
  private childProbes = 0;
  /** SMB2 compound: the name of the last CREATE of the chain being read (for related operations). */
  private chainName: string | undefined = undefined;
  private wrongDirectionReported = false;
  /** Encrypted (transform) and compressed message counts for the summary records. */
  private encMessages = 0;
  private encBytes = 0;
  private encTs = 0;
  private encSession: string | undefined = undefined;
  private compMessages = 0;
  private compBytes = 0;
  private compTs = 0;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  // ---- framing ----

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const s = this.sides[isOrig ? 0 : 1];
    let end = off + len;
    while (off < end) {
      if (s.skip > 0) {
        const n = Math.min(s.skip, end - off);
        s.skip -= n;
        off += n;
        continue;
      }
      if (s.lost) {
        if (s.carryLen > 0) {
          // A header may have begun in the last bytes of the previous chunk (a copy only while lost).
          const b = new Uint8Array(s.carryLen + end - off);
          b.set(s.carry.subarray(0, s.carryLen), 0);
          b.set(d.subarray(off, end), s.carryLen);
          s.skipped -= s.carryLen;
          s.carryLen = 0;
          d = b;
          off = 0;
          end = b.length;
        }
        let p = off;
        while (end - p >= 8 && !isSmbMessageStart(d, p, end - p)) p++;
        if (end - p < 8) {
          const keep = end - p;
          s.carry.set(d.subarray(p, end), 0);
          s.carryLen = keep;
          s.skipped += end - off;
          return;
        }
        s.skipped += p - off;
        off = p;
        s.lost = false;
        if (s.skipped > 0) this.ctx.event('resync', `${s.skipped} bytes skipped ${s.afterGap ? 'after a gap ' : ''}to the next SMB message`, isOrig);
        s.skipped = 0;
        continue;
      }
      if (s.held > 0 || end - off < 4) {
        off = this.fill(s, isOrig, d, off, end);
        continue;
      }
      if (!isNbssType(d[off])) {
        if (!s.started) {
          // The capture began inside a message: look for the next header without an anomaly.
          s.started = true;
          s.lost = true;
          s.afterGap = true;
          s.skipped = 0;
          continue;
        }
        this.lose(s, isOrig, d[off]);
        continue;
      }
      s.started = true;
      const need = 4 + nbssLength(d, off);
      const avail = end - off;
      if (need <= avail) {
        this.nbss(isOrig, d, off, need, need);
        off += need;
      } else if (need > MAX_KEEP && avail >= MAX_KEEP) {
        this.nbss(isOrig, d, off, MAX_KEEP, need);
        s.skip = need - MAX_KEEP;
        off += MAX_KEEP;
      } else {
        s.need = need;
        s.keep = need < MAX_KEEP ? need : MAX_KEEP;
        this.append(s, d, off, avail);
        off = end;
      }
    }
  }

  /** Adds bytes to a held message; delivers it when its kept part is complete. */
  private fill(s: Side, isOrig: boolean, d: Uint8Array, off: number, end: number): number {
    if (s.need === 0) {
      const take = Math.min(4 - s.held, end - off);
      this.append(s, d, off, take);
      off += take;
      if (s.held < 4) return off;
      if (!isNbssType(s.buf[0])) {
        const t = s.buf[0];
        s.held = 0;
        if (s.started) this.lose(s, isOrig, t);
        else {
          s.started = true;
          s.lost = true;
          s.afterGap = true;
        }
        // The held bytes after the first are scanned again with the rest of the chunk.
        s.skipped = 1;
        s.carry.set(s.buf.subarray(1, 4), 0);
        s.carryLen = 3;
        s.skipped += 3;
        return off;
      }
      s.started = true;
      s.need = 4 + nbssLength(s.buf, 0);
      s.keep = s.need < MAX_KEEP ? s.need : MAX_KEEP;
    }
    const take = Math.min(s.keep - s.held, end - off);
    if (take > 0) this.append(s, d, off, take);
    off += take;
    if (s.held === s.keep) {
      const need = s.need;
      const keep = s.keep;
      s.held = 0;
      s.need = 0;
      s.skip = need - keep;
      this.nbss(isOrig, s.buf, 0, keep, need);
    }
    return off;
  }

  private append(s: Side, d: Uint8Array, off: number, n: number): void {
    if (s.held + n > s.buf.length) {
      const b = new Uint8Array(Math.max(s.held + n, s.buf.length * 2, 256));
      b.set(s.buf.subarray(0, s.held), 0);
      s.buf = b;
    }
    s.buf.set(d.subarray(off, off + n), s.held);
    s.held += n;
  }

  private lose(s: Side, isOrig: boolean, type: number): void {
    this.ctx.event('bad_nbss_type', `NetBIOS session packet type 0x${type.toString(16)}`, isOrig);
    s.lost = true;
    s.afterGap = false;
    s.skipped = 0;
    s.carryLen = 0;
  }

  gap(isOrig: boolean, len: number): void {
    const s = this.sides[isOrig ? 0 : 1];
    if (s.skip >= len && s.held === 0) {
      // Inside the skipped data of a long message: the next header is still where the length says.
      s.skip -= len;
      return;
    }
    s.held = 0;
    s.need = 0;
    s.skip = 0;
    s.lost = true;
    s.afterGap = true;
    s.skipped = 0;
    s.carryLen = 0;
  }

  end(): void {
    for (const p of this.pending.values()) this.write(p, null);
    this.pending.clear();
    this.summaries();
  }

  // ---- NBSS ----

  /** One NBSS packet at d[off] (`len` bytes kept of `full`). */
  private nbss(isOrig: boolean, d: Uint8Array, off: number, len: number, full: number): void {
    const ctx = this.ctx;
    switch (d[off]) {
      case NBSS_SESSION_MESSAGE:
        break;
      case NBSS_SESSION_REQUEST:
      case NBSS_POSITIVE_RESPONSE:
        ctx.valid(isOrig);
        return;
      case NBSS_NEGATIVE_RESPONSE:
        ctx.event('nbss_negative_response', len > 4 ? (NBSS_NEGATIVE_CODES[d[off + 4]] ?? `error 0x${d[off + 4].toString(16)}`) : 'no error code', isOrig);
        return;
      case NBSS_KEEP_ALIVE:
      default:
        return;
    }
    const b = off + 4;
    const blen = len - 4;
    const bfull = full - 4;
    if (blen === 0) return;
    const magic = smbMagic(d, b, blen);
    if (magic === SMB2_MAGIC) this.smb2Chain(isOrig, d, b, blen);
    else if (magic === SMB1_MAGIC) this.smb1(isOrig, d, b, blen);
    else if (magic === SMB2_TRANSFORM_MAGIC) {
      if (blen < SMB2_TRANSFORM_LEN) {
        ctx.event('malformed', `transform header of ${blen} bytes`, isOrig);
        return;
      }
      if (this.encMessages === 0) this.encTs = ctx.ts;
      this.encMessages++;
      this.encBytes += bfull;
      this.encSession = hex64(d, b + 44);
      ctx.valid(isOrig);
    } else if (magic === SMB2_COMPRESSION_MAGIC) {
      if (this.compMessages === 0) this.compTs = ctx.ts;
      this.compMessages++;
      this.compBytes += bfull;
      ctx.valid(isOrig);
    } else {
      ctx.event('not_smb', `${bfull}-byte session message starting ${hexBytes(d, b, Math.min(4, blen))}`, isOrig);
    }
  }

  // ---- SMB2 ----

  private smb2Chain(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const end = off + len;
    let p = off;
    this.chainName = undefined;
    for (let i = 0; i < MAX_CHAIN; i++) {
      if (end - p < SMB2_HEADER_LEN) {
        // The kept part of a long message may end inside a chain: only a cut first header is malformed.
        if (i === 0) this.ctx.event('malformed', `SMB2 message of ${end - p} bytes, shorter than its header`, isOrig);
        return;
      }
      if (be32(d, p) !== SMB2_MAGIC || u16(d, p + 4) !== SMB2_HEADER_LEN) {
        this.ctx.event('malformed', `compound member ${i} does not start with an SMB2 header`, isOrig);
        return;
      }
      const next = u32(d, p + 20);
      let mlen = end - p;
      if (next !== 0) {
        if (next < SMB2_HEADER_LEN || (next & 7) !== 0 || next > mlen) {
          // Past the kept bytes is allowed for the last kept member (the rest was skipped).
          if (next < SMB2_HEADER_LEN || (next & 7) !== 0) {
            this.ctx.event('bad_compound', `NextCommand ${next} in compound member ${i}`, isOrig);
            this.smb2(isOrig, d, p, mlen);
            return;
          }
        } else {
          mlen = next;
        }
      }
      this.smb2(isOrig, d, p, mlen);
      if (next === 0 || next >= end - p) return;
      p += next;
    }
  }

  /** One SMB2 message at d[off..off+len) (header included). */
  private smb2(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const h = this.h2;
    readSmb2Header(d, off, h);
    const isResp = (h.flags & SMB2_FLAGS_SERVER_TO_REDIR) !== 0;
    this.direction(isOrig, isResp);
    this.ctx.valid(isOrig);
    if (!isResp) this.smb2Request(isOrig, d, off, len);
    else this.smb2Response(isOrig, d, off, len);
  }

  private smb2Request(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const h = this.h2;
    const cmd = h.command;
    const p = new Pending(this.ctx.ts, false, cmd, h.messageId, hex64(d, h.sessionIdOff), h.async ? undefined : h.treeId, (h.flags & SMB2_FLAGS_SIGNED) !== 0);
    const tree = p.treeId !== undefined ? this.trees.get(p.treeId) : undefined;
    const b = off + SMB2_HEADER_LEN;
    const bl = len - SMB2_HEADER_LEN;
    const size = SMB2_REQUEST_SIZE[cmd];
    if (cmd === SMB2_OPLOCK_BREAK) {
      // an oplock break acknowledgment (24) or a lease break acknowledgment (36)
      if (bl >= 24) p.fileKey = hexBytes(d, b + 8, 16);
    } else if (size !== undefined && (bl < 2 || u16(d, b) !== size || bl < (size & ~1))) {
      this.ctx.event('malformed', `${smb2CommandName(cmd)} request body of ${bl} bytes, StructureSize ${bl >= 2 ? u16(d, b) : -1}`, isOrig);
    } else if (size !== undefined) {
      this.smb2RequestBody(isOrig, d, off, len, b, p);
    }
    if (p.fileName === undefined && p.fileKey !== '') {
      p.fileName = this.files.get(p.fileKey)?.name;
      if (p.fileName === undefined && p.fileKey === ALL_FF_FILE_ID && (h.flags & SMB2_FLAGS_RELATED_OPERATIONS) !== 0) p.fileName = this.chainName;
    }
    if (tree !== undefined) p.path = tree.path;
    if (cmd === SMB2_CANCEL) {
      // CANCEL has no response of its own.
      this.write(p, null);
      return;
    }
    this.addPending(isOrig, p);
  }

  private smb2RequestBody(isOrig: boolean, d: Uint8Array, off: number, len: number, b: number, p: Pending): void {
    const end = off + len;
    switch (p.command) {
      case SMB2_NEGOTIATE: {
        const count = u16(d, b + 2);
        p.securityMode = securityModeName(u16(d, b + 4));
        p.capabilities = flagNames(u32(d, b + 8), SMB2_CAPABILITIES);
        p.clientGuid = guid(d, b + 12);
        const dialects: string[] = [];
        let has311 = false;
        for (let i = 0; i < count && i < MAX_LIST && b + 36 + 2 * i + 2 <= end; i++) {
          const v = u16(d, b + 36 + 2 * i);
          if (v === 0x0311) has311 = true;
          dialects.push(smb2DialectName(v));
        }
        if (count > 0 && b + 36 + 2 * count > end) this.ctx.event('malformed', `NEGOTIATE lists ${count} dialects past the message`, isOrig);
        p.dialects = dialects;
        if (has311) this.negotiateContexts(isOrig, d, off, end, u32(d, b + 28), u16(d, b + 32), p);
        return;
      }
      case SMB2_SESSION_SETUP: {
        p.securityMode = securityModeName(d[b + 3]);
        this.blob(isOrig, d, off, end, u16(d, b + 12), u16(d, b + 14));
        return;
      }
      case SMB2_TREE_CONNECT: {
        const o = u16(d, b + 4);
        const n = u16(d, b + 6);
        if (o + n > len) this.ctx.event('malformed', `TREE_CONNECT path (offset ${o}, length ${n}) past the message`, isOrig);
        else p.path = utf16(d, off + o, n);
        p.service = undefined;
        return;
      }
      case SMB2_CREATE: {
        p.disposition = dispositionName(u32(d, b + 36));
        p.createOptions = u32(d, b + 40);
        p.createOptionNames = flagNames(p.createOptions, CREATE_OPTIONS);
        const o = u16(d, b + 44);
        const n = u16(d, b + 46);
        if (n === 0) p.fileName = '';
        else if (o + n > len) this.ctx.event('malformed', `CREATE name (offset ${o}, length ${n}) past the message`, isOrig);
        else p.fileName = utf16(d, off + o, n);
        this.chainName = p.fileName;
        return;
      }
      case SMB2_CLOSE:
      case SMB2_FLUSH:
      case SMB2_LOCK:
      case SMB2_CHANGE_NOTIFY:
        p.fileKey = hexBytes(d, b + 8, 16);
        return;
      case SMB2_READ:
        p.offset = u64(d, b + 8);
        p.fileKey = hexBytes(d, b + 16, 16);
        return;
      case SMB2_WRITE:
        p.dataLen = u32(d, b + 4);
        p.offset = u64(d, b + 8);
        p.fileKey = hexBytes(d, b + 16, 16);
        return;
      case SMB2_IOCTL:
        p.subCommand = fsctlName(u32(d, b + 4));
        p.fileKey = hexBytes(d, b + 8, 16);
        return;
      case SMB2_QUERY_DIRECTORY:
        p.subCommand = infoClassName(SMB2_0_INFO_FILE, d[b + 2]);
        p.fileKey = hexBytes(d, b + 8, 16);
        return;
      case SMB2_QUERY_INFO:
        p.subCommand = infoClassName(d[b + 2], d[b + 3]);
        p.fileKey = hexBytes(d, b + 24, 16);
        return;
      case SMB2_SET_INFO: {
        const type = d[b + 2];
        const cls = d[b + 3];
        p.subCommand = infoClassName(type, cls);
        p.fileKey = hexBytes(d, b + 16, 16);
        const n = u32(d, b + 4);
        const o = u16(d, b + 8);
        if (o + n > len) {
          this.ctx.event('malformed', `SET_INFO buffer (offset ${o}, length ${n}) past the message`, isOrig);
          return;
        }
        const q = off + o;
        if (type !== SMB2_0_INFO_FILE) return;
        if ((cls === FileRenameInformation || cls === FileRenameInformationEx) && n >= 20) {
          const nl = u32(d, q + 16);
          if (nl <= n - 20) p.renameTo = utf16(d, q + 20, nl);
        } else if (cls === FileDispositionInformation && n >= 1) {
          p.deleteSet = d[q] !== 0;
        } else if (cls === FileDispositionInformationEx && n >= 4) {
          p.deleteSet = (u32(d, q) & 1) !== 0;
        }
        return;
      }
      default:
        return;
    }
  }

  /** SMB 3.1.1 negotiate contexts of a NEGOTIATE request (offset from the header). */
  private negotiateContexts(isOrig: boolean, d: Uint8Array, off: number, end: number, ctxOff: number, count: number, p: Pending): void {
    let q = off + ctxOff;
    const names: string[] = [];
    for (let i = 0; i < count && i < MAX_LIST; i++) {
      if (end - q < 8) {
        this.ctx.event('malformed', `negotiate context ${i} of ${count} past the message`, isOrig);
        break;
      }
      const type = u16(d, q);
      const n = u16(d, q + 2);
      if (n > end - q - 8) {
        this.ctx.event('malformed', `negotiate context ${negotiateContextName(type)} of ${n} bytes past the message`, isOrig);
        break;
      }
      names.push(negotiateContextName(type));
      const v = q + 8;
      if (type === CTX_ENCRYPTION && n >= 2) {
        const c = u16(d, v);
        const ciphers: string[] = [];
        for (let k = 0; k < c && k < MAX_LIST && 2 + 2 * k + 2 <= n; k++) ciphers.push(cipherName(u16(d, v + 2 + 2 * k)));
        p.ciphers = ciphers;
      } else if (type === CTX_NETNAME) {
        p.serverName = utf16(d, v, n);
      }
      q = v + n;
      q += (8 - ((q - off) & 7)) & 7;
    }
    p.contexts = names;
  }

  private smb2Response(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const h = this.h2;
    const cmd = h.command;
    const status = h.status;
    if (status === STATUS_PENDING && h.async) return; // interim: the final response comes later
    let p = this.pending.get(h.messageId);
    if (p !== undefined && p.command !== cmd) p = undefined;
    if (p !== undefined) this.pending.delete(h.messageId);
    else if (cmd === SMB2_NEGOTIATE) p = this.takeSmb1Negotiate();
    if (p === undefined) {
      p = new Pending(this.ctx.ts, false, cmd, h.messageId, undefined, undefined, false);
      p.fromRequest = false;
    }
    const r = this.reply;
    r.ts = this.ctx.ts;
    r.status = status;
    r.statusName = ntStatusName(status);
    r.signed = (h.flags & SMB2_FLAGS_SIGNED) !== 0;
    r.sessionId = hex64(d, h.sessionIdOff);
    r.treeId = h.async ? undefined : h.treeId;
    const b = off + SMB2_HEADER_LEN;
    const bl = len - SMB2_HEADER_LEN;
    const size = SMB2_RESPONSE_SIZE[cmd];
    const rec = this.record(p, r);
    if (size !== undefined && size !== 0 && hasBody(cmd, status)) {
      const ss = bl >= 2 ? u16(d, b) : -1;
      // OPLOCK_BREAK also comes as a 44-byte lease break; an ERROR body with a non-success status is no fault.
      if (cmd === SMB2_OPLOCK_BREAK) {
        // nothing read from the body
      } else if (ss !== size || bl < (size & ~1)) {
        if (!(ss === SMB2_ERROR_SIZE && status !== STATUS_SUCCESS)) {
          this.ctx.event('malformed', `${smb2CommandName(cmd)} response body of ${bl} bytes, StructureSize ${ss}`, isOrig);
        }
      } else {
        this.smb2ResponseBody(isOrig, d, off, len, b, p, rec);
      }
    }
    if (cmd === SMB2_SESSION_SETUP && status !== STATUS_MORE_PROCESSING_REQUIRED) {
      rec.login_success = status === STATUS_SUCCESS;
      this.child?.outcome?.(status === STATUS_SUCCESS, status, r.statusName);
    }
    this.emit(rec, p.ts);
  }

  private smb2ResponseBody(isOrig: boolean, d: Uint8Array, off: number, len: number, b: number, p: Pending, rec: SmbRecord): void {
    const end = off + len;
    const status = this.h2.status;
    // The response's command: an SMB2 NEGOTIATE may answer an SMB1 one (multi-protocol negotiate).
    switch (this.h2.command) {
      case SMB2_NEGOTIATE: {
        rec.security_mode = securityModeName(u16(d, b + 2));
        this.dialect = smb2DialectName(u16(d, b + 4));
        rec.dialect = this.dialect;
        rec.server_guid = guid(d, b + 8);
        rec.capabilities = flagNames(u32(d, b + 24), SMB2_CAPABILITIES);
        return;
      }
      case SMB2_SESSION_SETUP: {
        const flags = u16(d, b + 2);
        if (status !== STATUS_MORE_PROCESSING_REQUIRED) rec.guest = (flags & (SMB2_SESSION_FLAG_IS_GUEST | SMB2_SESSION_FLAG_IS_NULL)) !== 0;
        this.blob(isOrig, d, off, end, u16(d, b + 4), u16(d, b + 6));
        return;
      }
      case SMB2_TREE_CONNECT: {
        if (status !== STATUS_SUCCESS) return;
        const share = shareTypeName(d[b + 2]);
        rec.share_type = share;
        const tid = this.reply.treeId ?? 0;
        rec.tree_id = tid;
        this.addTree(isOrig, tid, new Tree(p.path, share, undefined));
        const m: SmbMappingRecord = {
          path: p.path, service: undefined, native_file_system: undefined, share_type: share, tree_id: tid, session_id: rec.session_id ?? '',
        };
        this.ctx.record('smb_mapping', m as unknown as Record<string, unknown>, p.ts);
        return;
      }
      case SMB2_TREE_DISCONNECT:
        if (status === STATUS_SUCCESS && p.treeId !== undefined) this.trees.delete(p.treeId);
        return;
      case SMB2_CREATE: {
        if (status !== STATUS_SUCCESS) return;
        const action = u32(d, b + 4);
        const size = u64(d, b + 48);
        const key = hexBytes(d, b + 64, 16);
        const tree = p.treeId !== undefined ? this.trees.get(p.treeId) : undefined;
        const share = tree?.shareType ?? 'DISK';
        const name = p.fileName === undefined || p.fileName === '' ? '<share_root>' : p.fileName;
        rec.create_action = createActionName(action);
        rec.file_size = size;
        this.addFile(isOrig, key, new OpenFile(name, tree?.path, share, size));
        const mod = filetime(d, b + 24);
        const times = mod > 0;
        const f: SmbFilesRecord = {
          fuid: undefined, action: share === 'PRINT' ? 'PRINT_OPEN' : 'FILE_OPEN', path: tree?.path, name, size, prev_name: undefined,
          'times.modified': times ? mod : undefined, 'times.accessed': times ? filetime(d, b + 16) : undefined,
          'times.created': times ? filetime(d, b + 8) : undefined, 'times.changed': times ? filetime(d, b + 32) : undefined,
          create_action: rec.create_action, disposition: p.disposition,
        };
        if (share !== 'PIPE') this.fileRecord(f, p.ts);
        if ((p.createOptions & FILE_DELETE_ON_CLOSE) !== 0 && share === 'DISK') {
          this.fileRecord({ ...f, action: 'FILE_DELETE', 'times.modified': undefined, 'times.accessed': undefined, 'times.created': undefined, 'times.changed': undefined }, p.ts);
        }
        return;
      }
      case SMB2_CLOSE: {
        if (status !== STATUS_SUCCESS) return;
        const f = this.files.get(p.fileKey);
        if (f === undefined) return;
        this.files.delete(p.fileKey);
        if (f.shareType === 'PRINT') {
          this.fileRecord({
            fuid: undefined, action: 'PRINT_CLOSE', path: f.path, name: f.name, size: f.size, prev_name: undefined,
            'times.modified': undefined, 'times.accessed': undefined, 'times.created': undefined, 'times.changed': undefined,
            create_action: undefined, disposition: undefined,
          }, p.ts);
        }
        return;
      }
      case SMB2_READ:
        rec.data_len = u32(d, b + 4);
        return;
      case SMB2_WRITE:
        if (status === STATUS_SUCCESS) rec.data_len = u32(d, b + 4);
        return;
      case SMB2_SET_INFO: {
        if (status !== STATUS_SUCCESS) return;
        const f = this.files.get(p.fileKey);
        if (p.renameTo !== undefined) {
          this.fileRecord({
            fuid: undefined, action: 'FILE_RENAME', path: f?.path, name: p.renameTo, size: f?.size ?? 0, prev_name: f?.name,
            'times.modified': undefined, 'times.accessed': undefined, 'times.created': undefined, 'times.changed': undefined,
            create_action: undefined, disposition: undefined,
          }, p.ts);
          if (f !== undefined) f.name = p.renameTo;
        } else if (p.deleteSet) {
          this.fileRecord({
            fuid: undefined, action: 'FILE_DELETE', path: f?.path, name: f?.name, size: f?.size ?? 0, prev_name: undefined,
            'times.modified': undefined, 'times.accessed': undefined, 'times.created': undefined, 'times.changed': undefined,
            create_action: undefined, disposition: undefined,
          }, p.ts);
        }
        return;
      }
      default:
        return;
    }
  }

  /** A security blob at offset `o` (from the header at `off`) of `n` bytes, for the NTLM child. */
  private blob(isOrig: boolean, d: Uint8Array, off: number, end: number, o: number, n: number): void {
    if (n === 0) return;
    const q = off + o;
    if (o < SMB2_HEADER_LEN || q > end || n > end - q) {
      this.ctx.event('malformed', `security blob (offset ${o}, length ${n}) past the message`, isOrig);
      return;
    }
    this.toChild(isOrig, d, q, n);
  }

  private toChild(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.child === null) {
      if (this.childProbes >= MAX_CHILD_PROBES) return;
      this.childProbes++;
      this.child = this.ctx.openChild('smb', isOrig, d, off, len) as Carrier | null;
      if (this.child === null) return;
    }
    this.child.data(isOrig, d, off, len);
  }

  // ---- SMB1 ----

  private smb1(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const h = this.h1;
    if (len < SMB1_HEADER_LEN) {
      this.ctx.event('malformed', `SMB1 message of ${len} bytes, shorter than its header`, isOrig);
      return;
    }
    readSmb1Header(d, off, h);
    const isResp = (h.flags & SMB_FLAGS_REPLY) !== 0;
    this.direction(isOrig, isResp);
    this.ctx.valid(isOrig);
    const end = off + len;
    const unicode = (h.flags2 & SMB_FLAGS2_UNICODE) !== 0;
    const signed = (h.flags2 & SMB_FLAGS2_SMB_SECURITY_SIGNATURE) !== 0;
    const base = (h.pid * 65536 + h.mid) * 8;
    let cmd = h.command;
    let w = off + SMB1_HEADER_LEN;
    let i = 0;
    for (; i < MAX_ANDX; i++) {
      if (end - w < 3) {
        this.ctx.event('malformed', `${smb1CommandName(cmd)}: word count past the message`, isOrig);
        // The header alone still names the command.
        if (i === 0 && !isResp) this.smb1Request(isOrig, d, off, cmd, base, 0, end, end, end, unicode, signed);
        else if (i === 0) this.smb1Response(isOrig, d, off, cmd, base, 0, end, end, end, unicode, signed);
        break;
      }
      const wc = d[w];
      const words = w + 1;
      const bcOff = words + 2 * wc;
      if (bcOff + 2 > end) {
        this.ctx.event('malformed', `${smb1CommandName(cmd)}: ${wc} words past the message`, isOrig);
        break;
      }
      const bytes = bcOff + 2;
      const bEnd = Math.min(bytes + u16(d, bcOff), end);
      if (!isResp) this.smb1Request(isOrig, d, off, cmd, base + i, wc, words, bytes, bEnd, unicode, signed);
      else this.smb1Response(isOrig, d, off, cmd, base + i, wc, words, bytes, bEnd, unicode, signed);
      if (!ANDX_COMMANDS.has(cmd) || wc < 2) break;
      const next = d[words];
      if (next === SMB_COM_NO_ANDX_COMMAND) break;
      const ao = u16(d, words + 2);
      if (off + ao <= w || off + ao >= end) {
        this.ctx.event('bad_andx', `AndX offset ${ao} after ${smb1CommandName(cmd)}`, isOrig);
        break;
      }
      cmd = next;
      w = off + ao;
    }
    if (isResp) {
      // The rest of a request chain the response did not answer shares the response's status.
      for (let k = i + 1; k < MAX_ANDX; k++) {
        const p = this.pending.get(base + k);
        if (p === undefined) continue;
        this.pending.delete(base + k);
        this.smb1Reply(d, off, signed);
        this.emit(this.record(p, this.reply), p.ts);
      }
    }
  }

  private smb1Request(isOrig: boolean, d: Uint8Array, off: number, cmd: number, key: number, wc: number, words: number, bytes: number, bEnd: number, unicode: boolean, signed: boolean): void {
    const h = this.h1;
    const p = new Pending(this.ctx.ts, true, cmd, h.mid, `0x${h.uid.toString(16).padStart(4, '0')}`, h.tid, signed);
    const tree = this.trees.get(h.tid);
    if (tree !== undefined) p.path = tree.path;
    const cs = this.cs;
    switch (cmd) {
      case SMB_COM_NEGOTIATE: {
        const dialects: string[] = [];
        let q = bytes;
        while (q < bEnd && dialects.length < MAX_LIST) {
          if (d[q] !== 0x02) {
            this.ctx.event('malformed', `NEGOTIATE dialect buffer format 0x${d[q].toString(16)}`, isOrig);
            break;
          }
          readCString(d, q + 1, bEnd, false, cs);
          dialects.push(cs.text);
          q = cs.next;
        }
        p.dialects = dialects;
        break;
      }
      case SMB_COM_SESSION_SETUP_ANDX: {
        let q = bytes;
        if (wc === 12) {
          const n = u16(d, words + 14);
          if (n > bEnd - q) {
            this.ctx.event('malformed', `SESSION_SETUP_ANDX security blob of ${n} bytes past the message`, isOrig);
            break;
          }
          if (n > 0) this.toChild(isOrig, d, q, n);
          q += n;
        } else if (wc === 13 || wc === 10) {
          const n = wc === 13 ? u16(d, words + 14) + u16(d, words + 16) : u16(d, words + 14);
          if (n > bEnd - q) {
            this.ctx.event('malformed', `SESSION_SETUP_ANDX passwords of ${n} bytes past the message`, isOrig);
            break;
          }
          q += n;
          if (unicode && ((q - off) & 1) !== 0) q++;
          readCString(d, q, bEnd, unicode, cs);
          p.username = cs.text === '' ? undefined : cs.text;
          readCString(d, cs.next, bEnd, unicode, cs);
          p.domain = cs.text === '' ? undefined : cs.text;
          q = cs.next;
        } else {
          break;
        }
        if (unicode && ((q - off) & 1) !== 0) q++;
        if (q < bEnd) {
          readCString(d, q, bEnd, unicode, cs);
          p.clientOs = cs.text;
          readCString(d, cs.next, bEnd, unicode, cs);
          p.clientLanman = cs.text;
        }
        break;
      }
      case SMB_COM_TREE_CONNECT_ANDX: {
        if (wc < 4) break;
        let q = bytes + u16(d, words + 6);
        if (q > bEnd) {
          this.ctx.event('malformed', 'TREE_CONNECT_ANDX password past the message', isOrig);
          break;
        }
        if (unicode && ((q - off) & 1) !== 0) q++;
        readCString(d, q, bEnd, unicode, cs);
        p.path = cs.text;
        readCString(d, cs.next, bEnd, false, cs);
        p.service = cs.text;
        break;
      }
      case SMB_COM_NT_CREATE_ANDX: {
        if (wc < 24) break;
        p.disposition = dispositionName(u32(d, words + 35));
        p.createOptions = u32(d, words + 39);
        p.createOptionNames = flagNames(p.createOptions, CREATE_OPTIONS);
        let q = bytes;
        if (unicode && ((q - off) & 1) !== 0) q++;
        const n = u16(d, words + 5);
        const stop = Math.min(bEnd, q + n + (unicode ? 2 : 1));
        readCString(d, q, stop, unicode, cs);
        p.fileName = cs.text;
        break;
      }
      case SMB_COM_OPEN_ANDX: {
        if (wc < 15) break;
        let q = bytes;
        if (unicode && ((q - off) & 1) !== 0) q++;
        readCString(d, q, bEnd, unicode, cs);
        p.fileName = cs.text;
        break;
      }
      case SMB_COM_READ_ANDX:
        if (wc < 10) break;
        p.fileKey = `fid:${u16(d, words + 4)}`;
        p.offset = u32(d, words + 6) + (wc >= 12 ? u32(d, words + 20) * 4294967296 : 0);
        break;
      case SMB_COM_WRITE_ANDX:
        if (wc < 12) break;
        p.fileKey = `fid:${u16(d, words + 4)}`;
        p.offset = u32(d, words + 6) + (wc >= 14 ? u32(d, words + 24) * 4294967296 : 0);
        p.dataLen = u16(d, words + 20) + u16(d, words + 18) * 65536;
        break;
      case SMB_COM_CLOSE:
        if (wc < 3) break;
        p.fileKey = `fid:${u16(d, words)}`;
        break;
      case SMB_COM_TRANSACTION:
      case SMB_COM_TRANSACTION2:
        if (wc >= 15 && d[words + 26] >= 1) {
          const sub = u16(d, words + 28);
          p.subCommand = cmd === SMB_COM_TRANSACTION2 ? (TRANS2_SUB_COMMANDS[sub] ?? `unknown-${sub}`) : (TRANS_SUB_COMMANDS[sub] ?? `unknown-${sub}`);
        }
        break;
      default:
        break;
    }
    if (p.fileKey !== '' && p.fileName === undefined) p.fileName = this.files.get(p.fileKey)?.name;
    p.messageId = h.mid;
    this.addPendingKey(isOrig, key, p);
  }

  private smb1Reply(d: Uint8Array, off: number, signed: boolean): void {
    const h = this.h1;
    const r = this.reply;
    r.ts = this.ctx.ts;
    r.status = h.status;
    r.statusName = smb1StatusName(h.status, (h.flags2 & SMB_FLAGS2_NT_STATUS) !== 0);
    r.signed = signed;
    r.sessionId = `0x${h.uid.toString(16).padStart(4, '0')}`;
    r.treeId = h.tid;
  }

  private smb1Response(isOrig: boolean, d: Uint8Array, off: number, cmd: number, key: number, wc: number, words: number, bytes: number, bEnd: number, unicode: boolean, signed: boolean): void {
    const h = this.h1;
    let p = this.pending.get(key);
    if (p !== undefined && p.command !== cmd) p = undefined;
    if (p !== undefined) this.pending.delete(key);
    else {
      p = new Pending(this.ctx.ts, true, cmd, h.mid, undefined, undefined, false);
      p.fromRequest = false;
    }
    this.smb1Reply(d, off, signed);
    const rec = this.record(p, this.reply);
    const status = h.status;
    const cs = this.cs;
    switch (cmd) {
      case SMB_COM_NEGOTIATE: {
        if (wc < 1) break;
        const idx = u16(d, words);
        this.dialect = idx === 0xffff ? 'none' : (p.dialects?.[idx] ?? `index-${idx}`);
        rec.dialect = this.dialect;
        if (wc >= 17) {
          rec.security_mode = smb1SecurityModeName(d[words + 2]);
          const caps = u32(d, words + 19);
          if ((caps & CAP_EXTENDED_SECURITY) !== 0 && bEnd - bytes >= 16) rec.server_guid = guid(d, bytes);
        }
        break;
      }
      case SMB_COM_SESSION_SETUP_ANDX: {
        let q = bytes;
        if (wc === 4) {
          const n = u16(d, words + 6);
          if (n > bEnd - q) {
            this.ctx.event('malformed', `SESSION_SETUP_ANDX security blob of ${n} bytes past the message`, isOrig);
            break;
          }
          if (n > 0) this.toChild(isOrig, d, q, n);
          q += n;
        } else if (wc !== 3) {
          break;
        }
        if (status !== STATUS_MORE_PROCESSING_REQUIRED) rec.guest = (u16(d, words + 4) & 1) !== 0;
        if (unicode && ((q - off) & 1) !== 0) q++;
        if (q < bEnd) {
          readCString(d, q, bEnd, unicode, cs);
          rec.server_native_os = cs.text;
          readCString(d, cs.next, bEnd, unicode, cs);
          rec.server_native_lanman = cs.text;
          if (cs.next < bEnd) {
            readCString(d, cs.next, bEnd, unicode, cs);
            rec.server_domain = cs.text === '' ? undefined : cs.text;
          }
        }
        break;
      }
      case SMB_COM_TREE_CONNECT_ANDX: {
        if (status !== STATUS_SUCCESS || wc < 3) break;
        readCString(d, bytes, bEnd, false, cs);
        const service = cs.text;
        let q = cs.next;
        if (unicode && ((q - off) & 1) !== 0) q++;
        let fs: string | undefined;
        if (q < bEnd) {
          readCString(d, q, bEnd, unicode, cs);
          fs = cs.text === '' ? undefined : cs.text;
        }
        const share = service === 'IPC' ? 'PIPE' : service.startsWith('LPT') ? 'PRINT' : 'DISK';
        rec.share_type = share;
        rec.tree_id = h.tid;
        this.addTree(isOrig, h.tid, new Tree(p.path, share, service));
        const m: SmbMappingRecord = { path: p.path, service, native_file_system: fs, share_type: share, tree_id: h.tid, session_id: rec.session_id ?? '' };
        this.ctx.record('smb_mapping', m as unknown as Record<string, unknown>, p.ts);
        break;
      }
      case SMB_COM_NT_CREATE_ANDX: {
        if (status !== STATUS_SUCCESS || wc < 34) break;
        const fid = u16(d, words + 5);
        const action = u32(d, words + 7);
        const size = u64(d, words + 55);
        const tree = this.trees.get(h.tid);
        const share = tree?.shareType ?? 'DISK';
        const name = p.fileName === undefined || p.fileName === '' ? '<share_root>' : p.fileName;
        rec.create_action = createActionName(action);
        rec.file_size = size;
        this.addFile(isOrig, `fid:${fid}`, new OpenFile(name, tree?.path, share, size));
        const mod = filetime(d, words + 27);
        const times = mod > 0;
        const f: SmbFilesRecord = {
          fuid: undefined, action: share === 'PRINT' ? 'PRINT_OPEN' : 'FILE_OPEN', path: tree?.path, name, size, prev_name: undefined,
          'times.modified': times ? mod : undefined, 'times.accessed': times ? filetime(d, words + 19) : undefined,
          'times.created': times ? filetime(d, words + 11) : undefined, 'times.changed': times ? filetime(d, words + 35) : undefined,
          create_action: rec.create_action, disposition: p.disposition,
        };
        if (share !== 'PIPE') this.fileRecord(f, p.ts);
        break;
      }
      case SMB_COM_OPEN_ANDX: {
        if (status !== STATUS_SUCCESS || wc < 15) break;
        const fid = u16(d, words + 4);
        const mtime = u32(d, words + 8);
        const size = u32(d, words + 12);
        const action = u16(d, words + 22) & 3;
        const tree = this.trees.get(h.tid);
        const share = tree?.shareType ?? 'DISK';
        const name = p.fileName === undefined || p.fileName === '' ? '<share_root>' : p.fileName;
        // OpenResults: 1 the file existed and was opened, 2 it was created, 3 it was truncated.
        rec.create_action = action === 1 ? 'FILE_OPENED' : action === 2 ? 'FILE_CREATED' : action === 3 ? 'FILE_OVERWRITTEN' : undefined;
        rec.file_size = size;
        this.addFile(isOrig, `fid:${fid}`, new OpenFile(name, tree?.path, share, size));
        if (share !== 'PIPE') {
          this.fileRecord({
            fuid: undefined, action: share === 'PRINT' ? 'PRINT_OPEN' : 'FILE_OPEN', path: tree?.path, name, size, prev_name: undefined,
            'times.modified': mtime > 0 ? mtime : undefined, 'times.accessed': undefined, 'times.created': undefined, 'times.changed': undefined,
            create_action: rec.create_action, disposition: undefined,
          }, p.ts);
        }
        break;
      }
      case SMB_COM_READ_ANDX:
        if (status === STATUS_SUCCESS && wc >= 12) rec.data_len = u16(d, words + 10) + u16(d, words + 14) * 65536;
        break;
      case SMB_COM_CLOSE:
        if (status === STATUS_SUCCESS) this.files.delete(p.fileKey);
        break;
      default:
        break;
    }
    if (cmd === SMB_COM_SESSION_SETUP_ANDX && status !== STATUS_MORE_PROCESSING_REQUIRED) {
      rec.login_success = status === STATUS_SUCCESS;
      this.child?.outcome?.(status === STATUS_SUCCESS, status, this.reply.statusName);
    }
    this.emit(rec, p.ts);
  }

  /** An SMB1 NEGOTIATE request answered by an SMB2 NEGOTIATE response (multi-protocol negotiate). */
  private takeSmb1Negotiate(): Pending | undefined {
    for (const [k, p] of this.pending) {
      if (p.smb1 && p.command === SMB_COM_NEGOTIATE) {
        this.pending.delete(k);
        return p;
      }
    }
    return undefined;
  }

  // ---- state ----

  private direction(isOrig: boolean, isResp: boolean): void {
    if (isOrig !== isResp || this.wrongDirectionReported) return;
    this.wrongDirectionReported = true;
    this.ctx.event('wrong_direction', isResp ? 'a response from the client' : 'a request from the server', isOrig);
  }

  private addPending(isOrig: boolean, p: Pending): void {
    this.addPendingKey(isOrig, p.messageId, p);
  }

  private addPendingKey(isOrig: boolean, key: number, p: Pending): void {
    const old = this.pending.get(key);
    if (old !== undefined) {
      this.pending.delete(key);
      this.write(old, null);
    }
    if (this.pending.size >= MAX_PENDING) {
      this.ctx.event('too_many_pending', `more than ${MAX_PENDING} requests without a response`, isOrig);
      for (const [k, q] of this.pending) {
        this.pending.delete(k);
        this.write(q, null);
        break;
      }
    }
    this.pending.set(key, p);
  }

  private addTree(isOrig: boolean, id: number, t: Tree): void {
    if (!this.trees.has(id) && this.trees.size >= MAX_TREES) {
      this.ctx.event('too_many_trees', `more than ${MAX_TREES} trees`, isOrig);
      for (const k of this.trees.keys()) {
        this.trees.delete(k);
        break;
      }
    }
    this.trees.set(id, t);
  }

  private addFile(isOrig: boolean, key: string, f: OpenFile): void {
    if (!this.files.has(key) && this.files.size >= MAX_FILES) {
      this.ctx.event('too_many_files', `more than ${MAX_FILES} open files`, isOrig);
      for (const k of this.files.keys()) {
        this.files.delete(k);
        break;
      }
    }
    this.files.set(key, f);
  }

  /** smb_files, without repeating an identical record seen in the last 3 minutes (Zeek's recent_files). */
  private fileRecord(f: SmbFilesRecord, ts: number): void {
    if (f['times.modified'] !== undefined) {
      const ident = `${f.action}|${f.name}|${f.path}|${f.size}|${f['times.modified']}|${f['times.accessed']}|${f['times.created']}|${f['times.changed']}`;
      const seen = this.recent.get(ident);
      if (seen !== undefined && ts - seen < RECENT_SECONDS) return;
      if (this.recent.size >= MAX_RECENT) this.recent.clear();
      this.recent.set(ident, ts);
    }
    this.ctx.record('smb_files', f as unknown as Record<string, unknown>, ts);
  }

  // ---- records ----

  private record(p: Pending, r: Reply | null): SmbRecord {
    const treeId = r?.treeId ?? p.treeId;
    const tree = treeId !== undefined ? this.trees.get(treeId) : undefined;
    return {
      version: p.smb1 ? 'SMB1' : 'SMB2',
      command: p.smb1 ? smb1CommandName(p.command) : smb2CommandName(p.command),
      command_code: p.command,
      status: r?.statusName,
      status_code: r?.status,
      dialect: this.dialect,
      message_id: p.messageId,
      session_id: r?.sessionId ?? p.sessionId,
      tree_id: treeId === 0 && !p.smb1 ? undefined : treeId,
      tree: p.path ?? tree?.path,
      share_type: tree?.shareType,
      file_name: p.fileName,
      signed: p.signed || (r?.signed ?? false),
      sub_command: p.subCommand,
      rtt: r !== null && p.fromRequest && p.ts <= r.ts ? r.ts - p.ts : undefined,
      login_success: undefined,
      guest: undefined,
      data_len: p.dataLen,
      offset: p.offset,
      dialects: p.dialects,
      security_mode: p.securityMode,
      capabilities: p.capabilities,
      server_guid: undefined,
      client_guid: p.clientGuid,
      negotiate_contexts: p.contexts,
      encryption_ciphers: p.ciphers,
      server_name: p.serverName,
      disposition: p.disposition,
      create_options: p.createOptionNames,
      create_action: undefined,
      file_size: undefined,
      username: p.username,
      domain: p.domain,
      client_native_os: p.clientOs,
      client_native_lanman: p.clientLanman,
      server_native_os: undefined,
      server_native_lanman: undefined,
      server_domain: undefined,
      messages: undefined,
      bytes: undefined,
    };
  }

  /** Writes an smb record, stamped with its request's time. */
  private emit(rec: SmbRecord, ts: number): void {
    this.ctx.record('smb', rec as unknown as Record<string, unknown>, ts);
  }

  private write(p: Pending, r: Reply | null): void {
    this.emit(this.record(p, r), p.ts);
  }

  private summaries(): void {
    const base = (command: string, ts: number, messages: number, bytes: number, session: string | undefined): void => {
      const rec = this.record(new Pending(ts, false, 0, 0, session, undefined, false), null);
      rec.version = 'SMB3';
      rec.command = command;
      rec.command_code = undefined;
      rec.message_id = undefined;
      rec.messages = messages;
      rec.bytes = bytes;
      this.emit(rec, ts);
    };
    if (this.encMessages > 0) base('ENCRYPTED', this.encTs, this.encMessages, this.encBytes, this.encSession);
    if (this.compMessages > 0) base('COMPRESSED', this.compTs, this.compMessages, this.compBytes, undefined);
  }
}
