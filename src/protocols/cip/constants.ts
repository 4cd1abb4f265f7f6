// CIP wire constants (ODVA, The CIP Networks Library Vol. 1; Vol. 2 for the EtherNet/IP
// items) with their names. Names are those CISA ICSNPP icsnpp-enip logs (scripts/consts.zeek)
// wherever ICSNPP has the code, so records match its cip / cip_identity logs; other names as
// the specification spells them. Unknown codes are data: `unknown-<n>`.

/** The response bit of the service byte. */
export const RESPONSE_BIT = 0x80;

// Common services (Vol. 1 Appendix A) and the ones ICSNPP names.
export const SVC = {
  GET_ATTRIBUTES_ALL: 0x01,
  SET_ATTRIBUTES_ALL: 0x02,
  GET_ATTRIBUTE_LIST: 0x03,
  SET_ATTRIBUTE_LIST: 0x04,
  RESET: 0x05,
  START: 0x06,
  STOP: 0x07,
  MULTIPLE_SERVICE_PACKET: 0x0a,
  GET_ATTRIBUTE_SINGLE: 0x0e,
  SET_ATTRIBUTE_SINGLE: 0x10,
  // Connection Manager (class 0x06) services (Vol. 1 §3-5.5).
  FORWARD_CLOSE: 0x4e,
  UNCONNECTED_SEND: 0x52,
  FORWARD_OPEN: 0x54,
  LARGE_FORWARD_OPEN: 0x5b,
} as const;

export const CLASS_IDENTITY = 0x01;
export const CLASS_MESSAGE_ROUTER = 0x02;
export const CLASS_CONNECTION_MANAGER = 0x06;

const SERVICES = new Map<number, string>([
  [0x01, 'Get Attributes All'],
  [0x02, 'Set Attributes All'],
  [0x03, 'Get Attribute List'],
  [0x04, 'Set Attribute List'],
  [0x05, 'Reset'],
  [0x06, 'Start'],
  [0x07, 'Stop'],
  [0x08, 'Create'],
  [0x09, 'Delete'],
  [0x0a, 'Multiple Service Packet'],
  [0x0d, 'Apply Attributes'],
  [0x0e, 'Get Attributes Single'],
  [0x10, 'Set Attributes Single'],
  [0x11, 'Find Next Object Instance'],
  [0x14, 'Error Response'],
  [0x15, 'Restore'],
  [0x16, 'Save'],
  [0x17, 'No Forward Open'],
  [0x18, 'Get Member'],
  [0x19, 'Set Member'],
  [0x1a, 'Insert Member'],
  [0x1b, 'Remove Member'],
  [0x1c, 'Group Sync'],
  [0x1d, 'Get Connection Point Member List'],
  [0x4b, 'Execute PCCC Service'],
  [0x4c, 'Read Data'],
  [0x4d, 'Write Data'],
  [0x4e, 'Read Write Modify Data'],
  [0x52, 'Read Data Fragmented'],
  [0x53, 'Write Data Fragmented'],
  [0x54, 'Forward Open'],
]);

// Connection Manager object services: their codes overlap other classes' services, so the
// name depends on the class of the request.
const CM_SERVICES = new Map<number, string>([
  [0x4e, 'Forward Close'],
  [0x52, 'Unconnected Send'],
  [0x54, 'Forward Open'],
  [0x56, 'Get Connection Data'],
  [0x57, 'Search Connection Data'],
  [0x5a, 'Get Connection Owner'],
  [0x5b, 'Large Forward Open'],
]);

/** Name of a service code (without the response bit); `classId` is the request's class, -1 when unknown. */
export function serviceName(code: number, classId: number): string {
  if (classId === CLASS_CONNECTION_MANAGER) {
    const n = CM_SERVICES.get(code);
    if (n !== undefined) return n;
  }
  return SERVICES.get(code) ?? `unknown-${code}`;
}

const STATUSES = [
  'Success',
  'Connection Failure',
  'Resource Unavailable',
  'Invalid Parameter Value',
  'Path Segment Error',
  'Path Destination Unknown',
  'Partial Transfer',
  'Connection Lost',
  'Service Not Supported',
  'Invalid Attribute Value',
  'Attribute List Error',
  'Already In Requested Mode/State',
  'Object State Conflict',
  'Object Already Exists',
  'Attribute Not Settable',
  'Privilege Violation',
  'Device State Conflict',
  'Reply Data Too Large',
  'Fragmentation Of A Primitive Value',
  'Not Enough Data',
  'Attribute Not Supported',
  'Too Much Data',
  'Object Does Not Exist',
  'Service Fragmentation Sequence Not In Progress',
  'No Stored Attribute Data',
  'Store Operation Failure',
  'Routing Failure, Request Packet Too Large',
  'Routing Failure, Response Packet Too Large',
  'Missing Attribute List Entry Data',
  'Invalid Attribute Value List',
  'Embedded Service Error',
  'Vendor Specific Error',
  'Invalid Parameter',
  'Write-Once Value Or Medium Already Written',
  'Invalid Reply Received',
  'Buffer Overflow',
  'Invalid Message Format',
  'Key Failure In Path',
  'Path Size Invalid',
  'Unexpected Attribute In List',
  'Invalid Member ID',
  'Member Not Settable',
  'Group 2 Only Server General Failure',
  'Unknown Modbus Error',
  'Attribute Not Gettable',
];

/** Name of a general status code (Vol. 1 Appendix B). */
export function statusName(code: number): string {
  if (code < STATUSES.length) return STATUSES[code];
  if (code === 0xff) return 'Still Processing';
  return `unknown-${code}`;
}

const EXTENDED = new Map<number, string>([
  [0x100, 'Connection in use or duplicate Forward Open'],
  [0x103, 'Transport class and trigger combination not supported'],
  [0x106, 'Ownership conflict'],
  [0x107, 'Target connection not found'],
  [0x108, 'Invalid network connection parameter'],
  [0x109, 'Invalid connection size'],
  [0x110, 'Target for connection not configured'],
  [0x111, 'RPI not supported'],
  [0x112, 'RPI value(s) not acceptable'],
  [0x113, 'Out of connections'],
  [0x114, 'Vendor ID or product code mismatch'],
  [0x115, 'Device type mismatch'],
  [0x116, 'Revision mismatch'],
  [0x117, 'Invalid produced or consumed application path'],
  [0x118, 'Invalid or inconsistent configuration application path'],
  [0x119, 'Non-listen only connection not opened'],
  [0x11a, 'Target object out of connections'],
  [0x11b, 'RPI is smaller than the production inhibit time'],
  [0x11c, 'Transport class not supported'],
  [0x11d, 'Production trigger not supported'],
  [0x11e, 'Direction not supported'],
  [0x11f, 'Invalid O->T Fixed/Variable'],
  [0x120, 'Invalid T->O Fixed/Variable'],
  [0x121, 'Invalid O->T Priority'],
  [0x122, 'Invalid T->O Priority'],
  [0x123, 'Invalid O->T connection type'],
  [0x124, 'Invalid T->O connection type'],
  [0x125, 'Invalid O->T redundant owner'],
  [0x126, 'Invalid configuration size'],
  [0x127, 'Invalid O->T size'],
  [0x128, 'Invalid T->O size'],
  [0x129, 'Invalid configuration application path'],
  [0x12a, 'Invalid consuming application path'],
  [0x12b, 'Invalid producing application path'],
  [0x12c, 'Configuration symbol does not exist'],
  [0x12d, 'Consuming symbol does not exist'],
  [0x12e, 'Producing symbol does not exist'],
  [0x12f, 'Inconsistent application path combination'],
  [0x130, 'Inconsistent consume data format'],
  [0x131, 'Inconsistent produce data format'],
  [0x132, 'NULL ForwardOpen not supported'],
  [0x203, 'Connection timed out'],
  [0x204, 'Unconnected request timed out'],
  [0x205, 'Parameter error in unconnected request'],
  [0x206, 'Message too large for UnconnectedSend'],
  [0x207, 'Unconnected acknowledged without reply'],
  [0x301, 'No buffer memory available'],
  [0x302, 'Network bandwidth not available for data'],
  [0x303, 'No consumed connection ID filter available'],
  [0x304, 'Not configured to send scheduled priority data'],
  [0x305, 'Schedule signature mismatch'],
  [0x306, 'Schedule signature validation not possible'],
  [0x311, 'Port not available'],
  [0x312, 'Link address not valid'],
  [0x315, 'Invalid segment in connection path'],
  [0x316, 'ForwardClose connection path mismatch'],
  [0x317, 'Scheduling not specified'],
  [0x318, 'Link address to self invalid'],
  [0x319, 'Secondary resources unavailable'],
  [0x31a, 'Rack connection already established'],
  [0x31b, 'Module connection already established'],
  [0x31c, 'Miscellaneous'],
  [0x31d, 'Redundant connection mismatch'],
  [0x31e, 'No more user configurable link consumer resources available in the producing module'],
  [0x31f, 'No more user configurable link consumer resources configured in the producing module'],
  [0x800, 'Network link offline'],
  [0x801, 'Incompatible Multicast RPI'],
  [0x802, 'Invalid Safety Connection Size'],
  [0x803, 'Invalid Safety Connection Format'],
  [0x804, 'Invalid Time Correction Connection Parameters'],
  [0x805, 'Invalid Ping Interval EPI Multiplier'],
  [0x806, 'Time Coordination Msg Min Multiplier'],
  [0x807, 'Network Time Expectation Multiplier'],
  [0x808, 'Timeout Multiplier'],
  [0x809, 'Invalid Max Consumer Number'],
  [0x80a, 'Invalid CPCRC'],
  [0x80b, 'Time Correction Connection ID Invalid'],
  [0x80c, 'SCID Mismatch'],
  [0x80d, 'TUNID not set'],
  [0x80e, 'TUNID Mismatch'],
  [0x80f, 'Configuration operation not allowed'],
  [0x810, 'No target application data available'],
  [0x811, 'No originator application data available'],
  [0x812, 'Node address has changed since the network was scheduled'],
  [0x813, 'Not configured for off-subnet multicast'],
  [0x814, 'Invalid produce/consume data format'],
]);

/** Name of an extended status word (the first additional status word; Connection Manager codes, Vol. 1 Table 3-5.33). */
export function extendedStatusName(code: number): string {
  return EXTENDED.get(code) ?? `unknown-${code}`;
}

const CLASSES = new Map<number, string>([
  [0x01, 'Identity'],
  [0x02, 'Message Router'],
  [0x03, 'DeviceNet'],
  [0x04, 'Assembly'],
  [0x05, 'Connection'],
  [0x06, 'Connection Manager'],
  [0x07, 'Register'],
  [0x08, 'Discrete Input Point'],
  [0x09, 'Discrete Output Point'],
  [0x0a, 'Analog Input Point'],
  [0x0b, 'Analog Output Point'],
  [0x0e, 'Presence Sensing'],
  [0x0f, 'Parameter'],
  [0x10, 'Parameter Group'],
  [0x12, 'Group'],
  [0x1d, 'Discrete Input Group'],
  [0x1e, 'Discrete Output Group'],
  [0x1f, 'Discrete Group'],
  [0x20, 'Analog Input Group'],
  [0x21, 'Analog Output Group'],
  [0x22, 'Analog Group'],
  [0x23, 'Position Sensor'],
  [0x24, 'Position Controller Supervisor'],
  [0x25, 'Position Controller'],
  [0x26, 'Block Sequencer'],
  [0x27, 'Command Block'],
  [0x28, 'Motor Data'],
  [0x29, 'Control Supervisor'],
  [0x2a, 'AC/DC Drive'],
  [0x2b, 'Acknowledge Handler'],
  [0x2c, 'Overload'],
  [0x2d, 'Softstart'],
  [0x2e, 'Selection'],
  [0x30, 'S-Device Supervisor'],
  [0x31, 'S-Analog Sensor'],
  [0x32, 'S-Analog Actuator'],
  [0x33, 'S-Single Stage Controller'],
  [0x34, 'S-Gas Calibration'],
  [0x35, 'Trip Point'],
  [0x37, 'File'],
  [0x38, 'S-Partial Pressure'],
  [0x39, 'Safety Supervisor'],
  [0x3a, 'Safety Validator'],
  [0x3b, 'Safety Discrete Output Point'],
  [0x3c, 'Safety Discrete Output Group'],
  [0x3d, 'Safety Discrete Input Point'],
  [0x3e, 'Safety Discrete Input Group'],
  [0x3f, 'Safety Dual Channel Output'],
  [0x40, 'S-Sensor Calibration'],
  [0x41, 'Event Log'],
  [0x42, 'Motion Device Axis'],
  [0x43, 'Time Sync'],
  [0x44, 'Modbus'],
  [0x45, 'Originator Connection List'],
  [0x46, 'Modbus Serial Link'],
  [0x47, 'Device Level Ring (DLR)'],
  [0x48, 'QoS'],
  [0x49, 'Safety Analog Input Point'],
  [0x4a, 'Safety Analog Input Group'],
  [0x4b, 'Safety Dual Channel Analog Input'],
  [0x4c, 'SERCOS III Link'],
  [0x4d, 'Target Connection List'],
  [0x4e, 'Base Energy'],
  [0x4f, 'Electrical Energy'],
  [0x50, 'Non-Electrical Energy'],
  [0x51, 'Base Switch'],
  [0x52, 'SNMP'],
  [0x53, 'Power Management'],
  [0x54, 'RSTP Bridge'],
  [0x55, 'RSTP Port'],
  [0x56, 'PRP/HSR Protocol'],
  [0x57, 'PRP/HSR Nodes Table'],
  [0x58, 'Safety Feedback'],
  [0x59, 'Safety Dual Channel Feedback'],
  [0x5a, 'Safety Stop Functions'],
  [0x5b, 'Safety Limit Functions'],
  [0x5c, 'Power Curtailment'],
  [0x5d, 'CIP Security'],
  [0x5e, 'EtherNet/IP Security'],
  [0x5f, 'Certificate Management'],
  [0x67, 'PCCC Class'],
  [0xf0, 'ControlNet'],
  [0xf1, 'ControlNet Keeper'],
  [0xf2, 'ControlNet Scheduling'],
  [0xf3, 'Connection Configuration'],
  [0xf4, 'Port'],
  [0xf5, 'TCP/IP Interface'],
  [0xf6, 'Ethernet Link'],
  [0xf7, 'CompoNet'],
  [0xf8, 'CompoNet Repeater'],
]);

/** Name of an object class id (Vol. 1 Table 5-1.1). */
export function className(id: number): string {
  return CLASSES.get(id) ?? `unknown-${id}`;
}

const DEVICE_TYPES = new Map<number, string>([
  [0, 'Generic Device (deprecated)'],
  [1, 'Control Station (deprecated)'],
  [2, 'AC Drive Device'],
  [3, 'Motor Overload'],
  [4, 'Limit Switch'],
  [5, 'Inductive Proximity Switch'],
  [6, 'Photoelectric Sensor'],
  [7, 'General Purpose Discrete I/O'],
  [8, 'Encoder (deprecated)'],
  [9, 'Resolver'],
  [10, 'General Purpose Analog I/O (deprecated)'],
  [12, 'Communications Adapter'],
  [13, 'Barcode Scanner (deprecated)'],
  [14, 'Programmable Logic Controller'],
  [16, 'Position Controller'],
  [17, 'Weigh Scale (deprecated)'],
  [18, 'Message Display (deprecated)'],
  [19, 'DC Drive'],
  [20, 'Servo Drives (deprecated)'],
  [21, 'Contactor'],
  [22, 'Motor Starter'],
  [23, 'Softstart Starter'],
  [24, 'Human-Machine Interface'],
  [25, 'Pneumatic Valve(s) (deprecated)'],
  [26, 'Mass Flow Controller'],
  [27, 'Pneumatic Valve(s)'],
  [28, 'Vacuum Pressure Gauge'],
  [29, 'Process Control Value'],
  [30, 'Residual Gas Analyzer'],
  [31, 'DC Power Generator'],
  [32, 'RF Power Generator'],
  [33, 'Turbomolecular Vacuum Pump'],
  [34, 'Encoder'],
  [35, 'Safety Discrete I/O Device'],
  [36, 'Fluid Flow Controller'],
  [37, 'CIP Motion Drive'],
  [38, 'CompoNet Repeater'],
  [39, 'Mass Flow Controller Enhanced'],
  [40, 'CIP Modbus Device'],
  [41, 'CIP Modbus Translator'],
  [42, 'Safety Analog I/O Device'],
  [43, 'Generic Device (keyable)'],
  [44, 'Managed Ethernet Switch'],
  [45, 'CIP Motion Safety Drive Device'],
  [46, 'Safety Drive Device'],
  [47, 'CIP Motion Encoder'],
  [48, 'CIP Motion Converter'],
  [49, 'CIP Motion I/O'],
  [50, 'ControlNet Physical Layer Component'],
  [100, 'In-Sight 2000 Series'],
  [150, 'PowerFlex 525'],
  [200, 'Embedded Component'],
  [773, 'DataMan Series Reader'],
]);

/** Name of a device type (device profile, Vol. 1 Table 6-7.1). */
export function deviceTypeName(id: number): string {
  return DEVICE_TYPES.get(id) ?? `unknown-${id}`;
}

// Common Packet Format item type ids (Vol. 2 §2-6).
export const ITEM = {
  NULL_ADDRESS: 0x0000,
  LIST_IDENTITY: 0x000c,
  CONNECTED_ADDRESS: 0x00a1,
  CONNECTED_DATA: 0x00b1,
  UNCONNECTED_DATA: 0x00b2,
  LIST_SERVICES: 0x0100,
  SOCKADDR_O_T: 0x8000,
  SOCKADDR_T_O: 0x8001,
  SEQUENCED_ADDRESS: 0x8002,
} as const;

// EPATH segment types (Vol. 1 Appendix C), the top three bits of the segment byte.
export const SEG_PORT = 0;
export const SEG_LOGICAL = 1;
export const SEG_NETWORK = 2;
export const SEG_SYMBOLIC = 3;
export const SEG_DATA = 4;

/** Logical segment types (bits 4..2 of a logical segment byte). */
export const LOGICAL_NAMES = ['class', 'instance', 'member', 'connpoint', 'attribute', 'special', 'service'] as const;

const CONN_TYPES = ['null', 'multicast', 'point-to-point', 'reserved'];
const PRIORITIES = ['low', 'high', 'scheduled', 'urgent'];
/** Connection type (bits 13..14 of 16-bit network connection parameters; 29..30 of 32-bit ones). */
export function connectionTypeName(t: number): string {
  return CONN_TYPES[t & 3];
}
export function priorityName(p: number): string {
  return PRIORITIES[p & 3];
}
const TRIGGERS = ['cyclic', 'change-of-state', 'application'];
/** Production trigger (bits 4..6 of the transport class and trigger byte). */
export function triggerName(t: number): string {
  return TRIGGERS[t] ?? `unknown-${t}`;
}
