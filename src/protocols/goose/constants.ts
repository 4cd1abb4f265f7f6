// IEC 61850-8-1 GOOSE wire constants: the EtherType, the APDU tags and the goosePdu field
// tags (clause A.3, IECGoosePdu). allData holds MMS Data values (src/dissect/mms-data.ts).

export const ETHERTYPE_GOOSE = 0x88b8;

/** Length of the GOOSE header before the APDU: APPID, Length, Reserved 1, Reserved 2. */
export const GOOSE_HEADER_LEN = 8;

/** Reserved 1, bit 15 (IEC 61850-8-1 Ed. 2): the frame is simulated. */
export const RESERVED1_SIMULATED = 0x8000;

/** GOOSEpdu CHOICE: [APPLICATION 0] gseMngtPdu, [APPLICATION 1] goosePdu. */
export const TAG_GSE_MNGT_PDU = 0x60;
export const TAG_GOOSE_PDU = 0x61;

/** IECGoosePdu fields: context-specific tag numbers. */
export const F_GOCB_REF = 0;
export const F_TIME_ALLOWED_TO_LIVE = 1;
export const F_DAT_SET = 2;
export const F_GO_ID = 3;
export const F_T = 4;
export const F_ST_NUM = 5;
export const F_SQ_NUM = 6;
export const F_SIMULATION = 7;
export const F_CONF_REV = 8;
export const F_NDS_COM = 9;
export const F_NUM_DAT_SET_ENTRIES = 10;
export const F_ALL_DATA = 11;

/** Fields every goosePdu must carry (goID is OPTIONAL; simulation and ndsCom have DEFAULT FALSE). */
export const REQUIRED_FIELDS =
  (1 << F_GOCB_REF) | (1 << F_TIME_ALLOWED_TO_LIVE) | (1 << F_DAT_SET) | (1 << F_T) | (1 << F_ST_NUM) |
  (1 << F_SQ_NUM) | (1 << F_CONF_REV) | (1 << F_NUM_DAT_SET_ENTRIES) | (1 << F_ALL_DATA);

export const FIELD_NAMES = [
  'gocbRef', 'timeAllowedtoLive', 'datSet', 'goID', 't', 'stNum', 'sqNum', 'simulation', 'confRev', 'ndsCom',
  'numDatSetEntries', 'allData',
] as const;
