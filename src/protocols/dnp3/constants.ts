// DNP3 wire constants (IEEE 1815-2012) and the names records give them. Function code names
// are Zeek's (base/protocols/dnp3/consts.zeek); object, control and status names are
// ICSNPP-DNP3's (scripts/consts.zeek) where it has one, else the specification's meaning in
// the same style. Unknown codes are data: `unknown-<n>` (decimal).

// ---- link layer ----

export const START_0 = 0x05;
export const START_1 = 0x64;
/** Start bytes, length, control, destination, source, header CRC. */
export const LINK_HEADER_LEN = 10;
/** Smallest LEN field: control + destination + source. */
export const LINK_MIN_LEN = 5;
/** User data bytes between two CRCs. */
export const BLOCK_SIZE = 16;
/** Largest link frame: LEN 255 → 250 user data bytes in 16 blocks. */
export const LINK_MAX_FRAME = LINK_HEADER_LEN + 250 + 2 * 16;

export const CTL_DIR = 0x80;
export const CTL_PRM = 0x40;
export const CTL_FUNC = 0x0f;
/** Primary link functions that carry user data (transport segments). */
export const LFC_CONFIRMED_USER_DATA = 3;
export const LFC_UNCONFIRMED_USER_DATA = 4;

// ---- transport layer ----

export const TH_FIN = 0x80;
export const TH_FIR = 0x40;
export const TH_SEQ = 0x3f;

// ---- application layer ----

export const AC_FIR = 0x80;
export const AC_FIN = 0x40;
export const AC_CON = 0x20;
export const AC_UNS = 0x10;
export const AC_SEQ = 0x0f;

export const FC_CONFIRM = 0x00;
export const FC_READ = 0x01;
export const FC_WRITE = 0x02;
export const FC_SELECT = 0x03;
export const FC_OPERATE = 0x04;
export const FC_DIRECT_OPERATE = 0x05;
export const FC_DIRECT_OPERATE_NR = 0x06;
export const FC_IMMED_FREEZE = 0x07;
export const FC_IMMED_FREEZE_NR = 0x08;
export const FC_FREEZE_CLEAR = 0x09;
export const FC_FREEZE_CLEAR_NR = 0x0a;
export const FC_FREEZE_AT_TIME = 0x0b;
export const FC_FREEZE_AT_TIME_NR = 0x0c;
export const FC_ENABLE_UNSOLICITED = 0x14;
export const FC_DISABLE_UNSOLICITED = 0x15;
export const FC_ASSIGN_CLASS = 0x16;
export const FC_AUTHENTICATE_REQ_NR = 0x21;
export const FC_RESPONSE = 0x81;
export const FC_UNSOLICITED_RESPONSE = 0x82;
export const FC_AUTHENTICATE_RESP = 0x83;

const FUNCTION_NAMES: readonly (string | undefined)[] = (() => {
  const t: (string | undefined)[] = new Array(256).fill(undefined);
  const names: [number, string][] = [
    [0x00, 'CONFIRM'], [0x01, 'READ'], [0x02, 'WRITE'], [0x03, 'SELECT'], [0x04, 'OPERATE'],
    [0x05, 'DIRECT_OPERATE'], [0x06, 'DIRECT_OPERATE_NR'], [0x07, 'IMMED_FREEZE'], [0x08, 'IMMED_FREEZE_NR'],
    [0x09, 'FREEZE_CLEAR'], [0x0a, 'FREEZE_CLEAR_NR'], [0x0b, 'FREEZE_AT_TIME'], [0x0c, 'FREEZE_AT_TIME_NR'],
    [0x0d, 'COLD_RESTART'], [0x0e, 'WARM_RESTART'], [0x0f, 'INITIALIZE_DATA'], [0x10, 'INITIALIZE_APPL'],
    [0x11, 'START_APPL'], [0x12, 'STOP_APPL'], [0x13, 'SAVE_CONFIG'], [0x14, 'ENABLE_UNSOLICITED'],
    [0x15, 'DISABLE_UNSOLICITED'], [0x16, 'ASSIGN_CLASS'], [0x17, 'DELAY_MEASURE'], [0x18, 'RECORD_CURRENT_TIME'],
    [0x19, 'OPEN_FILE'], [0x1a, 'CLOSE_FILE'], [0x1b, 'DELETE_FILE'], [0x1c, 'GET_FILE_INFO'],
    [0x1d, 'AUTHENTICATE_FILE'], [0x1e, 'ABORT_FILE'], [0x1f, 'ACTIVATE_CONFIG'], [0x20, 'AUTHENTICATE_REQ'],
    [0x21, 'AUTHENTICATE_REQ_NR'], [0x81, 'RESPONSE'], [0x82, 'UNSOLICITED_RESPONSE'], [0x83, 'AUTHENTICATE_RESP'],
  ];
  for (const [c, n] of names) t[c] = n;
  return t;
})();

const UNKNOWN_NAMES: readonly string[] = Array.from({ length: 256 }, (_, i) => `unknown-${i}`);

/** Whether `fc` is a function code the specification defines. */
export function isKnownFunction(fc: number): boolean {
  return FUNCTION_NAMES[fc & 0xff] !== undefined;
}

/** Zeek's name of an application function code; `unknown-<n>` otherwise. */
export function functionName(fc: number): string {
  return FUNCTION_NAMES[fc & 0xff] ?? UNKNOWN_NAMES[fc & 0xff];
}

/** Requests that expect no response (they do not count towards `flooded`). */
export function expectsResponse(fc: number): boolean {
  return !(
    fc === FC_CONFIRM || fc === FC_DIRECT_OPERATE_NR || fc === FC_IMMED_FREEZE_NR || fc === FC_FREEZE_CLEAR_NR ||
    fc === FC_FREEZE_AT_TIME_NR || fc === FC_AUTHENTICATE_REQ_NR
  );
}

/**
 * Internal indications, as the 16-bit number Zeek logs (IIN1 × 256 + IIN2): bit 15 is IIN1.7.
 * Names as IEEE 1815 spells them.
 */
export const IIN_NAMES: readonly string[] = [
  // IIN2.0 … IIN2.7 (bits 0-7)
  'NO_FUNC_CODE_SUPPORT', 'OBJECT_UNKNOWN', 'PARAMETER_ERROR', 'EVENT_BUFFER_OVERFLOW',
  'ALREADY_EXECUTING', 'CONFIG_CORRUPT', 'RESERVED_2', 'RESERVED_1',
  // IIN1.0 … IIN1.7 (bits 8-15)
  'BROADCAST', 'CLASS_1_EVENTS', 'CLASS_2_EVENTS', 'CLASS_3_EVENTS',
  'NEED_TIME', 'LOCAL_CONTROL', 'DEVICE_TROUBLE', 'DEVICE_RESTART',
];

/** The names of the bits set in `iin`, IIN1 first (bit 15 down to bit 0). */
export function iinFlags(iin: number): string[] {
  const out: string[] = [];
  for (let b = 15; b >= 0; b--) if ((iin & (1 << b)) !== 0) out.push(IIN_NAMES[b]);
  return out;
}

// ---- object headers ----

/** Bytes of the range field, by range code (qualifier & 0x0f); -1: reserved code. */
export const RANGE_FIELD_SIZE: readonly number[] = [2, 4, 8, 1, 2, 4, 0, 1, 2, 4, -1, 1, -1, -1, -1, -1];
/** Bytes of each object's prefix, by prefix code ((qualifier >> 4) & 7); -1: reserved. Codes 1-3 are indexes, 4-6 sizes. */
export const PREFIX_SIZE: readonly number[] = [0, 1, 2, 4, 1, 2, 4, -1];

/** Size of one object (its data, without prefix), by group and variation. */
export const SIZE_VARIABLE = -1; // no fixed size: needs a size prefix, or a per-group rule (g0, g110-g113)
export const SIZE_UNKNOWN = -2; // a variation we cannot size: parsing of the fragment stops
export const SIZE_NONE = -3; // no data (class objects, "any variation")

const FIXED_SIZES: Record<number, readonly number[]> = {
  // group: sizes of variations 1, 2, … (bits for packed variations are in PACKED_BITS)
  1: [0, 1],
  2: [1, 7, 3],
  3: [0, 1],
  4: [1, 7, 3],
  10: [0, 1],
  11: [1, 7],
  12: [11, 11, 0],
  13: [1, 7],
  20: [5, 3, 5, 3, 4, 2, 4, 2],
  21: [5, 3, 5, 3, 11, 9, 11, 9, 4, 2, 4, 2],
  22: [5, 3, 5, 3, 11, 9, 11, 9],
  23: [5, 3, 5, 3, 11, 9, 11, 9],
  30: [5, 3, 4, 2, 5, 9],
  31: [5, 3, 11, 9, 4, 2, 5, 9],
  32: [5, 3, 11, 9, 5, 9, 11, 15],
  33: [5, 3, 11, 9, 5, 9, 11, 15],
  34: [2, 4, 4],
  40: [5, 3, 5, 9],
  41: [5, 3, 5, 9],
  42: [5, 3, 11, 9, 5, 9, 11, 15],
  43: [5, 3, 11, 9, 5, 9, 11, 15],
  50: [6, 10, 6, 11],
  51: [6, 6],
  52: [2, 2],
  80: [0],
  101: [2, 4, 8],
  102: [1],
  121: [7],
  122: [7, 13],
};

/** Packed variations: bits per point (the points of a header share bytes). */
function packedBits(group: number, variation: number): number {
  if (group === 12) return variation === 3 ? 1 : 0;
  if (variation !== 1) return 0;
  if (group === 1 || group === 10 || group === 80) return 1;
  if (group === 3) return 2;
  return 0;
}

/** Bits per point for a packed variation, 0 otherwise. */
export function objectPackedBits(group: number, variation: number): number {
  return packedBits(group, variation);
}

/**
 * Bytes of one object's data: > 0 a fixed size; SIZE_VARIABLE, SIZE_UNKNOWN or SIZE_NONE.
 * Packed variations report 0 (see objectPackedBits).
 */
export function objectSize(group: number, variation: number): number {
  if (group === 60) return SIZE_NONE;
  if (variation === 0 && group !== 110 && group !== 111 && group !== 112 && group !== 113) return SIZE_NONE;
  if (packedBits(group, variation) > 0) return 0;
  if (group === 0 || group === 70 || group === 82 || group === 83 || group === 85 || group === 86 || group === 87 || group === 88 || group === 90 || group === 91 || group === 120) {
    return SIZE_VARIABLE;
  }
  // Octet strings and virtual terminal blocks: the variation is the length.
  if (group >= 110 && group <= 113) return variation === 0 ? SIZE_NONE : variation;
  const sizes = FIXED_SIZES[group];
  if (sizes === undefined || variation > sizes.length) return SIZE_UNKNOWN;
  const s = sizes[variation - 1];
  return s > 0 ? s : SIZE_UNKNOWN;
}

// ---- object names (dnp3_objects.object_type) ----

const OBJECT_NAMES = new Map<number, string>([
  // ICSNPP-DNP3's names
  [0x0100, 'Binary Input Default Variation'], [0x0101, 'Single-bit Binary Input'], [0x0102, 'Binary Input With Status'],
  [0x0200, 'Binary Input Change Default Variation'], [0x0201, 'Binary Input Change Without Time'],
  [0x0202, 'Binary Input Change With Time'], [0x0203, 'Binary Input Change With Relative Time'],
  [0x0300, 'Double-bit Input Default Variation'], [0x0301, 'Double-bit Input No Flags'], [0x0302, 'Double-bit Input With Status'],
  [0x0400, 'Double-bit Input Change Default Variation'], [0x0401, 'Double-bit Input Change Without Time'],
  [0x0402, 'Double-bit Input Change With Time'], [0x0403, 'Double-bit Input Change With Relative Time'],
  [0x0a00, 'Binary Output Default Variation'], [0x0a01, 'Binary Output'], [0x0a02, 'Binary Output Status'],
  [0x0b00, 'Binary Output Change Default Variation'], [0x0b01, 'Binary Output Change Without Time'],
  [0x0b02, 'Binary Output Change With Time'],
  [0x1400, 'Binary Counter Default Variation'], [0x1401, '32-Bit Binary Counter'], [0x1402, '16-Bit Binary Counter'],
  [0x1403, '32-Bit Delta Counter'], [0x1404, '16-Bit Delta Counter'], [0x1405, '32-Bit Binary Counter Without Flag'],
  [0x1406, '16-Bit Binary Counter Without Flag'], [0x1407, '32-Bit Delta Counter Without Flag'],
  [0x1408, '16-Bit Delta Counter Without Flag'],
  [0x1500, 'Frozen Binary Counter Default Variation'], [0x1501, '32-Bit Frozen Counter'], [0x1502, '16-Bit Frozen Counter'],
  [0x1503, '32-Bit Frozen Delta Counter'], [0x1504, '16-Bit Frozen Delta Counter'],
  [0x1505, '32-Bit Frozen Counter w/ Time of Freeze'], [0x1506, '16-Bit Frozen Counter w/ Time of Freeze'],
  [0x1507, '32-Bit Frozen Delta Counter w/ Time of Freeze'], [0x1508, '16-Bit Frozen Delta Counter w/ Time of Freeze'],
  [0x1509, '32-Bit Frozen Counter Without Flag'], [0x150a, '16-Bit Frozen Counter Without Flag'],
  [0x150b, '32-Bit Frozen Delta Counter Without Flag'], [0x150c, '16-Bit Frozen Delta Counter Without Flag'],
  [0x1600, 'Counter Change Event Default Variation'], [0x1601, '32-Bit Counter Change Event w/o Time'],
  [0x1602, '16-Bit Counter Change Event w/o Time'], [0x1603, '32-Bit Delta Counter Change Event w/o Time'],
  [0x1604, '16-Bit Delta Counter Change Event w/o Time'], [0x1605, '32-Bit Counter Change Event with Time'],
  [0x1606, '16-Bit Counter Change Event with Time'], [0x1607, '32-Bit Delta Counter Change Event with Time'],
  [0x1608, '16-Bit Delta Counter Change Event with Time'],
  [0x1700, 'Frozen Binary Counter Change Event Default Variation'], [0x1701, '32-Bit Frozen Counter Change Event'],
  [0x1702, '16-Bit Frozen Counter Change Event'], [0x1703, '32-Bit Frozen Delta Counter Change Event'],
  [0x1704, '16-Bit Frozen Delta Counter Change Event'], [0x1705, '32-Bit Frozen Counter Change Event w/ Time of Freeze'],
  [0x1706, '16-Bit Frozen Counter Change Event w/ Time of Freeze'],
  [0x1707, '32-Bit Frozen Delta Counter Change Event w/ Time of Freeze'],
  [0x1708, '16-Bit Frozen Delta Counter Change Event w/ Time of Freeze'],
  [0x1e00, 'Analog Input Default Variation'], [0x1e01, '32-Bit Analog Input'], [0x1e02, '16-Bit Analog Input'],
  [0x1e03, '32-Bit Analog Input Without Flag'], [0x1e04, '16-Bit Analog Input Without Flag'],
  [0x1e05, '32-Bit Floating Point Input'], [0x1e06, '64-Bit Floating Point Input'],
  [0x1f01, '32-Bit Frozen Analog Input'], [0x1f02, '16-Bit Frozen Analog Input'],
  [0x1f03, '32-Bit Frozen Analog Input w/ Time of Freeze'], [0x1f04, '16-Bit Frozen Analog Input w/ Time of Freeze'],
  [0x1f05, '32-Bit Frozen Analog Input Without Flag'], [0x1f06, '16-Bit Frozen Analog Input Without Flag'],
  [0x1f07, '32-Bit Frozen Floating Point Input'], [0x1f08, '64-Bit Frozen Floating Point Input'],
  [0x2000, 'Analog Input Change Default Variation'], [0x2001, '32-Bit Analog Change Event w/o Time'],
  [0x2002, '16-Bit Analog Change Event w/o Time'], [0x2003, '32-Bit Analog Change Event w/ Time'],
  [0x2004, '16-Bit Analog Change Event w/ Time'], [0x2005, '32-Bit Floating Point Change Event w/o Time'],
  [0x2006, '64-Bit Floating Point Change Event w/o Time'], [0x2007, '32-Bit Floating Point Change Event w/ Time'],
  [0x2008, '64-Bit Floating Point Change Event w/ Time'],
  [0x2101, '32-Bit Frozen Analog Event w/o Time'], [0x2102, '16-Bit Frozen Analog Event w/o Time'],
  [0x2103, '32-Bit Frozen Analog Event w/ Time'], [0x2104, '16-Bit Frozen Analog Event w/ Time'],
  [0x2105, '32-Bit Floating Point Frozen Change Event w/o Time'], [0x2106, '64-Bit Floating Point Frozen Change Event w/o Time'],
  [0x2107, '32-Bit Floating Point Frozen Change Event w/ Time'], [0x2108, '64-Bit Floating Point Frozen Change Event w/ Time'],
  [0x2800, 'Analog Output Default Variation'], [0x2801, '32-Bit Analog Output Status'], [0x2802, '16-Bit Analog Output Status'],
  [0x2803, '32-Bit Floating Point Output Status'], [0x2804, '64-Bit Floating Point Output Status'],
  [0x2901, '32-Bit Analog Output Block'], [0x2902, '16-Bit Analog Output Block'],
  [0x2903, '32-Bit Floating Point Output Block'], [0x2904, '64-Bit Floating Point Output Block'],
  [0x2a00, 'Analog Output Event Default Variation'], [0x2a01, '32-Bit Analog Output Event w/o Time'],
  [0x2a02, '16-Bit Analog Output Event w/o Time'], [0x2a03, '32-Bit Analog Output Event w/ Time'],
  [0x2a04, '16-Bit Analog Output Event w/ Time'], [0x2a05, '32-Bit Floating Point Output Event w/o Time'],
  [0x2a06, '64-Bit Floating Point Output Event w/o Time'], [0x2a07, '32-Bit Floating Point Output Event w/ Time'],
  [0x2a08, '64-Bit Floating Point Output Event w/ Time'],
  [0x3c01, 'Class 0 Data'], [0x3c02, 'Class 1 Data'], [0x3c03, 'Class 2 Data'], [0x3c04, 'Class 3 Data'],
  // Groups ICSNPP does not name, in its style (IEEE 1815-2012 Annex A)
  [0x0000, 'Device Attributes Default Variation'],
  [0x0c00, 'Binary Output Command Default Variation'], [0x0c01, 'Control Relay Output Block'],
  [0x0c02, 'Pattern Control Block'], [0x0c03, 'Pattern Mask'],
  [0x0d00, 'Binary Output Command Event Default Variation'], [0x0d01, 'Binary Output Command Event Without Time'],
  [0x0d02, 'Binary Output Command Event With Time'],
  [0x1f00, 'Frozen Analog Input Default Variation'], [0x2100, 'Frozen Analog Input Change Default Variation'],
  [0x2200, 'Analog Input Deadband Default Variation'], [0x2201, '16-Bit Analog Input Deadband'],
  [0x2202, '32-Bit Analog Input Deadband'], [0x2203, '32-Bit Floating Point Analog Input Deadband'],
  [0x2900, 'Analog Output Block Default Variation'],
  [0x2b00, 'Analog Output Command Event Default Variation'], [0x2b01, '32-Bit Analog Output Command Event w/o Time'],
  [0x2b02, '16-Bit Analog Output Command Event w/o Time'], [0x2b03, '32-Bit Analog Output Command Event w/ Time'],
  [0x2b04, '16-Bit Analog Output Command Event w/ Time'], [0x2b05, '32-Bit Floating Point Output Command Event w/o Time'],
  [0x2b06, '64-Bit Floating Point Output Command Event w/o Time'], [0x2b07, '32-Bit Floating Point Output Command Event w/ Time'],
  [0x2b08, '64-Bit Floating Point Output Command Event w/ Time'],
  [0x3200, 'Time and Date Default Variation'], [0x3201, 'Time and Date'], [0x3202, 'Time and Date with Interval'],
  [0x3203, 'Time and Date Last Recorded Time'], [0x3204, 'Indexed Absolute Time and Long Interval'],
  [0x3300, 'Common Time of Occurrence Default Variation'], [0x3301, 'Time and Date CTO'], [0x3302, 'Unsynchronized Time and Date CTO'],
  [0x3400, 'Time Delay Default Variation'], [0x3401, 'Time Delay Coarse'], [0x3402, 'Time Delay Fine'],
  [0x3c00, 'Class Data Default Variation'],
  [0x4600, 'File Control Default Variation'], [0x4601, 'File Identifier'], [0x4602, 'File Authentication'],
  [0x4603, 'File Command'], [0x4604, 'File Command Status'], [0x4605, 'File Transport'],
  [0x4606, 'File Transport Status'], [0x4607, 'File Descriptor'], [0x4608, 'File Specification String'],
  [0x5000, 'Internal Indications Default Variation'], [0x5001, 'Internal Indications'],
  [0x5201, 'Device Profile'], [0x5301, 'Private Registration Object'], [0x5302, 'Private Registration Object Descriptor'],
  [0x5501, 'Data Set Prototype'], [0x5601, 'Data Set Descriptor'], [0x5602, 'Data Set Characteristics'],
  [0x5701, 'Present Value Data Set'], [0x5801, 'Data Set Snapshot Event'],
  [0x5a01, 'Application Identifier'], [0x5b01, 'Status of Requested Operation'],
  [0x6501, 'Small Packed BCD'], [0x6502, 'Medium Packed BCD'], [0x6503, 'Large Packed BCD'],
  [0x6601, 'Unsigned 8-Bit Integer'],
  [0x7801, 'Authentication Challenge'], [0x7802, 'Authentication Reply'], [0x7803, 'Authentication Aggressive Mode Request'],
  [0x7804, 'Authentication Session Key Status Request'], [0x7805, 'Authentication Session Key Status'],
  [0x7806, 'Authentication Session Key Change'], [0x7807, 'Authentication Error'], [0x7808, 'Authentication User Certificate'],
  [0x7809, 'Authentication MAC'], [0x780a, 'Authentication User Status Change'], [0x780b, 'Authentication Update Key Change Request'],
  [0x780c, 'Authentication Update Key Change Reply'], [0x780d, 'Authentication Update Key Change'],
  [0x780e, 'Authentication Update Key Change Signature'], [0x780f, 'Authentication Update Key Change Confirmation'],
  [0x7901, 'Security Statistic'], [0x7a01, 'Security Statistic Event'], [0x7a02, 'Security Statistic Event w/ Time'],
]);

/** Device attribute variations of group 0 (identity values for the asset inventory). */
const ATTRIBUTE_NAMES = new Map<number, string>([
  [209, 'Secure Authentication Version'], [210, 'Number of Security Statistics per Association'],
  [211, 'Support for User-specific Attributes'], [212, 'Number of Master-defined Data Set Prototypes'],
  [213, 'Number of Outstation-defined Data Set Prototypes'], [214, 'Number of Master-defined Data Sets'],
  [215, 'Number of Outstation-defined Data Sets'], [216, 'Max Binary Output Objects per Request'],
  [217, 'Local Timing Accuracy'], [218, 'Duration of Time Accuracy'], [219, 'Support for Analog Output Events'],
  [220, 'Max Analog Output Index'], [221, 'Number of Analog Outputs'], [222, 'Support for Binary Output Events'],
  [223, 'Max Binary Output Index'], [224, 'Number of Binary Outputs'], [225, 'Support for Frozen Counter Events'],
  [226, 'Support for Frozen Counters'], [227, 'Support for Counter Events'], [228, 'Max Counter Index'],
  [229, 'Number of Counter Points'], [230, 'Support for Frozen Analog Inputs'], [231, 'Support for Analog Input Events'],
  [232, 'Max Analog Input Index'], [233, 'Number of Analog Input Points'], [234, 'Support for Double-bit Binary Input Events'],
  [235, 'Max Double-bit Binary Input Index'], [236, 'Number of Double-bit Binary Input Points'],
  [237, 'Support for Binary Input Events'], [238, 'Max Binary Input Index'], [239, 'Number of Binary Input Points'],
  [240, 'Max Transmit Fragment Size'], [241, 'Max Receive Fragment Size'], [242, 'Device Manufacturer Software Version'],
  [243, 'Device Manufacturer Hardware Version'], [244, 'User-assigned Owner Name'], [245, 'User-assigned Location Name'],
  [246, 'User-assigned ID Code'], [247, 'User-assigned Device Name'], [248, 'Device Serial Number'],
  [249, 'DNP3 Subset and Conformance'], [250, 'Device Manufacturer Product Name and Model'],
  [252, 'Device Manufacturer Name'], [254, 'Non-specific All Attributes Request'], [255, 'List of Attribute Variations'],
]);

const objectNameCache = new Map<number, string>();

/** The name of object type `group`/`variation` (dnp3_objects.object_type); `unknown-<group*256+variation>` when unnamed. */
export function objectName(group: number, variation: number): string {
  const t = (group << 8) | variation;
  let n = objectNameCache.get(t);
  if (n !== undefined) return n;
  n = OBJECT_NAMES.get(t);
  if (n === undefined && group === 0) {
    const a = ATTRIBUTE_NAMES.get(variation);
    n = a !== undefined ? `Device Attribute ${a}` : `Device Attribute ${variation}`;
  }
  if (n === undefined && group >= 110 && group <= 113) {
    n = ['Octet String', 'Octet String Event', 'Virtual Terminal Output Block', 'Virtual Terminal Event Data'][group - 110];
  }
  n ??= `unknown-${t}`;
  objectNameCache.set(t, n);
  return n;
}

// ---- control blocks (dnp3_control) ----

export const BLOCK_CROB = 'Control Relay Output Block';
export const BLOCK_PCB = 'Pattern Control Block';

/** ICSNPP's trip/close code names (control code bits 7-6). */
export function tripCodeName(code: number): string {
  return code === 0 ? 'Nul' : code === 1 ? 'Close' : code === 2 ? 'Trip' : UNKNOWN_NAMES[code];
}

/** ICSNPP's operation type names (control code bits 3-0). */
const OPERATION_NAMES = ['Nul', 'Pulse On', 'Pulse Off', 'Latch On', 'Latch Off'];
export function operationTypeName(op: number): string {
  return OPERATION_NAMES[op] ?? UNKNOWN_NAMES[op & 0xff];
}

/**
 * Control status names, ICSNPP's spelling. ICSNPP maps 5 to "Latch Off" and 6-7 one code off
 * against IEEE 1815's control status table (5 ALREADY_ACTIVE, 6 HARDWARE_ERROR, 7 LOCAL): we
 * follow the specification (docs/protocols/dnp3.md lists the difference).
 */
const STATUS_NAMES = new Map<number, string>([
  [0, 'Success'], [1, 'Timeout'], [2, 'No Select'], [3, 'Format Error'], [4, 'Not Supported'],
  [5, 'Already Active'], [6, 'Hardware Error'], [7, 'Local'], [8, 'Too Many Objs'], [9, 'Not Authorized'],
  [10, 'Automation Inhibit'], [11, 'Processing Limited'], [12, 'Out of Range'], [13, 'Downstream Local'],
  [14, 'Already Complete'], [15, 'Blocked'], [16, 'Cancelled'], [17, 'Blocked Other Master'],
  [18, 'Downstream Fail'], [126, 'Non Participating'], [127, 'Undefined'],
]);
export function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? UNKNOWN_NAMES[status & 0xff];
}
