// IEC 60870-5-104 wire constants: APCI frame formats and U functions (IEC 60870-5-104 §5),
// ASDU type identifications and causes of transmission (IEC 60870-5-101 §7.2), and the
// layout of each type's information element, as the standards spell them.

/** Start octet of every APDU. */
export const START = 0x68;
/** Largest APDU length octet the standard allows (the APDU is then 255 bytes). */
export const MAX_APDU_LENGTH = 253;
/** Length of the APCI control field. */
export const CONTROL_LENGTH = 4;
/** Data unit identifier: type (1), variable structure qualifier (1), COT (2: cause, originator), common address (2). */
export const ASDU_HEADER_LENGTH = 6;
/** Information object address length in IEC 104. */
export const IOA_LENGTH = 3;
/**
 * Bytes a side may carry before its first APDU without that being an anomaly: the keep-alive
 * byte(s) a capture that starts in the middle of a connection begins with.
 */
export const LEADING_JUNK = 8;
/** I-frame sequence numbers count modulo 2^15. */
export const SEQ_MODULO = 32768;

/** APCI formats as the records name them (and tshark's iec60870_104.type numbers). */
export const APCI_I = 0;
export const APCI_S = 1;
export const APCI_U = 3;

/** U-format functions by the first control octet (bits 2..7: one function, bits 0..1 = 11). */
export const U_FUNCTIONS: ReadonlyMap<number, string> = new Map([
  [0x07, 'STARTDT_ACT'],
  [0x0b, 'STARTDT_CON'],
  [0x13, 'STOPDT_ACT'],
  [0x23, 'STOPDT_CON'],
  [0x43, 'TESTFR_ACT'],
  [0x83, 'TESTFR_CON'],
]);

/**
 * How an information element is laid out (after the information object address). Each
 * kind names the elements in order, as IEC 60870-5-101 §7.3 defines them.
 */
export const K = {
  SIQ: 1, SIQ_T24: 2, SIQ_T56: 3,
  DIQ: 4, DIQ_T24: 5, DIQ_T56: 6,
  VTI_QDS: 7, VTI_QDS_T24: 8, VTI_QDS_T56: 9,
  BSI_QDS: 10, BSI_QDS_T24: 11, BSI_QDS_T56: 12,
  NVA_QDS: 13, NVA_QDS_T24: 14, NVA_QDS_T56: 15, NVA: 16,
  SVA_QDS: 17, SVA_QDS_T24: 18, SVA_QDS_T56: 19,
  FLT_QDS: 20, FLT_QDS_T24: 21, FLT_QDS_T56: 22,
  BCR: 23, BCR_T24: 24, BCR_T56: 25,
  SEP_T24: 26, SEP_T56: 27,
  SPE_T24: 28, SPE_T56: 29,
  OCI_T24: 30, OCI_T56: 31,
  SCD_QDS: 32,
  SCO: 33, SCO_T56: 34,
  DCO: 35, DCO_T56: 36,
  RCO: 37, RCO_T56: 38,
  NVA_QOS: 39, NVA_QOS_T56: 40,
  SVA_QOS: 41, SVA_QOS_T56: 42,
  FLT_QOS: 43, FLT_QOS_T56: 44,
  BSI: 45, BSI_T56: 46,
  COI: 47, QOI: 48, QCC: 49, NONE: 50, T56: 51, FBP: 52, QRP: 53, T16: 54, TSC_T56: 55,
  NVA_QPM: 56, SVA_QPM: 57, FLT_QPM: 58, QPA: 59,
  F_FR: 60, F_SR: 61, F_SC: 62, F_LS: 63, F_AF: 64, F_SG: 65, F_DR: 66, F_SC_NB: 67,
} as const;

export interface TypeInfo {
  readonly name: string;
  readonly kind: number;
  /** Bytes of one information element (without the address); for F_SG_NA_1 the fixed part. */
  readonly size: number;
}

const t = (name: string, kind: number, size: number): TypeInfo => ({ name, kind, size });

/** Type identifications of IEC 60870-5-101 and -104 (companion standard), by code. */
export const TYPES: ReadonlyMap<number, TypeInfo> = new Map([
  // Process information in monitor direction
  [1, t('M_SP_NA_1', K.SIQ, 1)],
  [2, t('M_SP_TA_1', K.SIQ_T24, 4)],
  [3, t('M_DP_NA_1', K.DIQ, 1)],
  [4, t('M_DP_TA_1', K.DIQ_T24, 4)],
  [5, t('M_ST_NA_1', K.VTI_QDS, 2)],
  [6, t('M_ST_TA_1', K.VTI_QDS_T24, 5)],
  [7, t('M_BO_NA_1', K.BSI_QDS, 5)],
  [8, t('M_BO_TA_1', K.BSI_QDS_T24, 8)],
  [9, t('M_ME_NA_1', K.NVA_QDS, 3)],
  [10, t('M_ME_TA_1', K.NVA_QDS_T24, 6)],
  [11, t('M_ME_NB_1', K.SVA_QDS, 3)],
  [12, t('M_ME_TB_1', K.SVA_QDS_T24, 6)],
  [13, t('M_ME_NC_1', K.FLT_QDS, 5)],
  [14, t('M_ME_TC_1', K.FLT_QDS_T24, 8)],
  [15, t('M_IT_NA_1', K.BCR, 5)],
  [16, t('M_IT_TA_1', K.BCR_T24, 8)],
  [17, t('M_EP_TA_1', K.SEP_T24, 6)],
  [18, t('M_EP_TB_1', K.SPE_T24, 7)],
  [19, t('M_EP_TC_1', K.OCI_T24, 7)],
  [20, t('M_PS_NA_1', K.SCD_QDS, 5)],
  [21, t('M_ME_ND_1', K.NVA, 2)],
  [30, t('M_SP_TB_1', K.SIQ_T56, 8)],
  [31, t('M_DP_TB_1', K.DIQ_T56, 8)],
  [32, t('M_ST_TB_1', K.VTI_QDS_T56, 9)],
  [33, t('M_BO_TB_1', K.BSI_QDS_T56, 12)],
  [34, t('M_ME_TD_1', K.NVA_QDS_T56, 10)],
  [35, t('M_ME_TE_1', K.SVA_QDS_T56, 10)],
  [36, t('M_ME_TF_1', K.FLT_QDS_T56, 12)],
  [37, t('M_IT_TB_1', K.BCR_T56, 12)],
  [38, t('M_EP_TD_1', K.SEP_T56, 10)],
  [39, t('M_EP_TE_1', K.SPE_T56, 11)],
  [40, t('M_EP_TF_1', K.OCI_T56, 11)],
  // Process information in control direction
  [45, t('C_SC_NA_1', K.SCO, 1)],
  [46, t('C_DC_NA_1', K.DCO, 1)],
  [47, t('C_RC_NA_1', K.RCO, 1)],
  [48, t('C_SE_NA_1', K.NVA_QOS, 3)],
  [49, t('C_SE_NB_1', K.SVA_QOS, 3)],
  [50, t('C_SE_NC_1', K.FLT_QOS, 5)],
  [51, t('C_BO_NA_1', K.BSI, 4)],
  [58, t('C_SC_TA_1', K.SCO_T56, 8)],
  [59, t('C_DC_TA_1', K.DCO_T56, 8)],
  [60, t('C_RC_TA_1', K.RCO_T56, 8)],
  [61, t('C_SE_TA_1', K.NVA_QOS_T56, 10)],
  [62, t('C_SE_TB_1', K.SVA_QOS_T56, 10)],
  [63, t('C_SE_TC_1', K.FLT_QOS_T56, 12)],
  [64, t('C_BO_TA_1', K.BSI_T56, 11)],
  // System information in monitor direction
  [70, t('M_EI_NA_1', K.COI, 1)],
  // System information in control direction
  [100, t('C_IC_NA_1', K.QOI, 1)],
  [101, t('C_CI_NA_1', K.QCC, 1)],
  [102, t('C_RD_NA_1', K.NONE, 0)],
  [103, t('C_CS_NA_1', K.T56, 7)],
  [104, t('C_TS_NA_1', K.FBP, 2)],
  [105, t('C_RP_NA_1', K.QRP, 1)],
  [106, t('C_CD_NA_1', K.T16, 2)],
  [107, t('C_TS_TA_1', K.TSC_T56, 9)],
  // Parameter in control direction
  [110, t('P_ME_NA_1', K.NVA_QPM, 3)],
  [111, t('P_ME_NB_1', K.SVA_QPM, 3)],
  [112, t('P_ME_NC_1', K.FLT_QPM, 5)],
  [113, t('P_AC_NA_1', K.QPA, 1)],
  // File transfer
  [120, t('F_FR_NA_1', K.F_FR, 6)],
  [121, t('F_SR_NA_1', K.F_SR, 7)],
  [122, t('F_SC_NA_1', K.F_SC, 4)],
  [123, t('F_LS_NA_1', K.F_LS, 5)],
  [124, t('F_AF_NA_1', K.F_AF, 4)],
  [125, t('F_SG_NA_1', K.F_SG, 4)],
  [126, t('F_DR_TA_1', K.F_DR, 13)],
  [127, t('F_SC_NB_1', K.F_SC_NB, 16)],
]);

/** Causes of transmission (6 bits), abbreviated as IEC 60870-5-101 §7.2.3 does, in snake case. */
export const CAUSES: ReadonlyMap<number, string> = new Map([
  [1, 'per_cyc'],
  [2, 'back'],
  [3, 'spont'],
  [4, 'init'],
  [5, 'req'],
  [6, 'act'],
  [7, 'actcon'],
  [8, 'deact'],
  [9, 'deactcon'],
  [10, 'actterm'],
  [11, 'retrem'],
  [12, 'retloc'],
  [13, 'file'],
  [20, 'inrogen'],
  ...Array.from({ length: 16 }, (_, i) => [21 + i, `inro${i + 1}`] as [number, string]),
  [37, 'reqcogen'],
  [38, 'reqco1'],
  [39, 'reqco2'],
  [40, 'reqco3'],
  [41, 'reqco4'],
  [44, 'unknown_type_id'],
  [45, 'unknown_cause'],
  [46, 'unknown_common_address'],
  [47, 'unknown_ioa'],
]);

/** Double point / double command / regulating step states (2 bits). */
export const DPI_NAMES = ['INTERMEDIATE', 'OFF', 'ON', 'INDETERMINATE'] as const;
export const DCS_NAMES = ['NOT_PERMITTED', 'OFF', 'ON', 'NOT_PERMITTED'] as const;
export const RCS_NAMES = ['NOT_PERMITTED', 'LOWER', 'HIGHER', 'NOT_PERMITTED'] as const;
export const SPI_NAMES = ['OFF', 'ON'] as const;

/** Qualifier of command QU (5 bits, SCO/DCO/RCO). */
export function quName(qu: number): string {
  switch (qu) {
    case 0: return 'no_additional_definition';
    case 1: return 'short_pulse';
    case 2: return 'long_pulse';
    case 3: return 'persistent';
    default: return `unknown-${qu}`;
  }
}

/** Qualifier of interrogation QOI (20 station, 21..36 groups 1..16). */
export function qoiName(qoi: number): string {
  if (qoi === 20) return 'station';
  if (qoi >= 21 && qoi <= 36) return `group_${qoi - 20}`;
  return qoi === 0 ? 'not_used' : `unknown-${qoi}`;
}

/** Request part RQT of the qualifier of counter interrogation QCC (6 bits). */
export function rqtName(rqt: number): string {
  if (rqt === 0) return 'no_counter_requested';
  if (rqt >= 1 && rqt <= 4) return `group_${rqt}`;
  if (rqt === 5) return 'general';
  return `unknown-${rqt}`;
}

/** Qualifier of reset process QRP. */
export function qrpName(qrp: number): string {
  if (qrp === 0) return 'not_used';
  if (qrp === 1) return 'general_reset';
  if (qrp === 2) return 'reset_event_buffer';
  return `unknown-${qrp}`;
}

/** Cause of initialization COI (7 bits). */
export function coiName(coi: number): string {
  if (coi === 0) return 'local_power_on';
  if (coi === 1) return 'local_manual_reset';
  if (coi === 2) return 'remote_reset';
  return `unknown-${coi}`;
}

export function typeName(code: number): string {
  return TYPES.get(code)?.name ?? `unknown-${code}`;
}

export function causeName(code: number): string {
  return CAUSES.get(code) ?? `unknown-${code}`;
}

export function uFunctionName(code: number): string {
  return U_FUNCTIONS.get(code) ?? `unknown-${code}`;
}
