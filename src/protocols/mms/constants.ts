// Wire constants of MMS (ISO 9506-2) and of the OSI layers it rides on: the ISO 8327-1
// session SPDU identifiers, the ACSE (ISO 8650-1) APDU tags, the MMS PDU tags, the confirmed
// and unconfirmed service numbers, object classes, error classes and codes, reject reasons
// and data access errors, named as ISO 9506-2 spells them.

/** Session SPDU identifiers (SI), ISO 8327-1 8.3. */
export const SPDU_CONNECT = 13;
export const SPDU_ACCEPT = 14;
export const SPDU_REFUSE = 12;
export const SPDU_FINISH = 9;
export const SPDU_DISCONNECT = 10;
export const SPDU_NOT_FINISHED = 8;
export const SPDU_ABORT = 25;
export const SPDU_ABORT_ACCEPT = 26;
/** DATA TRANSFER; the same code is GIVE TOKENS, which precedes it in a basic concatenation. */
export const SPDU_DATA_TRANSFER = 1;
export const SPDU_PLEASE_TOKENS = 2;
export const SPDU_EXPEDITED = 5;
export const SPDU_TYPED_DATA = 33;

export const SPDU_NAMES: Readonly<Record<number, string>> = {
  1: 'DATA TRANSFER',
  2: 'PLEASE TOKENS',
  5: 'EXPEDITED',
  8: 'NOT FINISHED',
  9: 'FINISH',
  10: 'DISCONNECT',
  12: 'REFUSE',
  13: 'CONNECT',
  14: 'ACCEPT',
  25: 'ABORT',
  26: 'ABORT ACCEPT',
  33: 'TYPED DATA',
};

/** Session parameter group / parameter identifiers that carry user data (ISO 8327-1 8.3.1). */
export const PGI_USER_DATA = 193;
export const PGI_EXTENDED_USER_DATA = 194;

/** Presentation (ISO 8823): CP-type/CPA-type PPDU (SET), fully-encoded user data ([APPLICATION 1]). */
export const PRES_CP_TYPE = 0x31;
export const PRES_CPR_TYPE = 0x30;
export const PRES_FULLY_ENCODED = 0x61;

/** ACSE APDUs: [APPLICATION 0..4]. */
export const ACSE_AARQ = 0x60;
export const ACSE_AARE = 0x61;
export const ACSE_RLRQ = 0x62;
export const ACSE_RLRE = 0x63;
export const ACSE_ABRT = 0x64;

/** MMSpdu CHOICE tag numbers (context class). */
export const PDU_CONFIRMED_REQUEST = 0;
export const PDU_CONFIRMED_RESPONSE = 1;
export const PDU_CONFIRMED_ERROR = 2;
export const PDU_UNCONFIRMED = 3;
export const PDU_REJECT = 4;
export const PDU_CANCEL_REQUEST = 5;
export const PDU_CANCEL_RESPONSE = 6;
export const PDU_CANCEL_ERROR = 7;
export const PDU_INITIATE_REQUEST = 8;
export const PDU_INITIATE_RESPONSE = 9;
export const PDU_INITIATE_ERROR = 10;
export const PDU_CONCLUDE_REQUEST = 11;
export const PDU_CONCLUDE_RESPONSE = 12;
export const PDU_CONCLUDE_ERROR = 13;

export const PDU_NAMES: readonly string[] = [
  'confirmed-RequestPDU',
  'confirmed-ResponsePDU',
  'confirmed-ErrorPDU',
  'unconfirmed-PDU',
  'rejectPDU',
  'cancel-RequestPDU',
  'cancel-ResponsePDU',
  'cancel-ErrorPDU',
  'initiate-RequestPDU',
  'initiate-ResponsePDU',
  'initiate-ErrorPDU',
  'conclude-RequestPDU',
  'conclude-ResponsePDU',
  'conclude-ErrorPDU',
];

/** Whether each MMSpdu alternative is constructed (SEQUENCE) on the wire; the others are primitive. */
export const PDU_CONSTRUCTED: readonly boolean[] = [true, true, true, true, true, false, false, true, true, true, true, false, false, true];

/** ConfirmedServiceRequest / ConfirmedServiceResponse CHOICE, by tag number. */
export const CONFIRMED_SERVICES: readonly string[] = [
  'status', 'getNameList', 'identify', 'rename', 'read', 'write', 'getVariableAccessAttributes', 'defineNamedVariable',
  'defineScatteredAccess', 'getScatteredAccessAttributes', 'deleteVariableAccess', 'defineNamedVariableList',
  'getNamedVariableListAttributes', 'deleteNamedVariableList', 'defineNamedType', 'getNamedTypeAttributes',
  'deleteNamedType', 'input', 'output', 'takeControl', 'relinquishControl', 'defineSemaphore', 'deleteSemaphore',
  'reportSemaphoreStatus', 'reportPoolSemaphoreStatus', 'reportSemaphoreEntryStatus', 'initiateDownloadSequence',
  'downloadSegment', 'terminateDownloadSequence', 'initiateUploadSequence', 'uploadSegment', 'terminateUploadSequence',
  'requestDomainDownload', 'requestDomainUpload', 'loadDomainContent', 'storeDomainContent', 'deleteDomain',
  'getDomainAttributes', 'createProgramInvocation', 'deleteProgramInvocation', 'start', 'stop', 'resume', 'reset', 'kill',
  'getProgramInvocationAttributes', 'obtainFile', 'defineEventCondition', 'deleteEventCondition',
  'getEventConditionAttributes', 'reportEventConditionStatus', 'alterEventConditionMonitoring', 'triggerEvent',
  'defineEventAction', 'deleteEventAction', 'getEventActionAttributes', 'reportEventActionStatus', 'defineEventEnrollment',
  'deleteEventEnrollment', 'alterEventEnrollment', 'reportEventEnrollmentStatus', 'getEventEnrollmentAttributes',
  'acknowledgeEventNotification', 'getAlarmSummary', 'getAlarmEnrollmentSummary', 'readJournal', 'writeJournal',
  'initializeJournal', 'reportJournalStatus', 'createJournal', 'deleteJournal', 'getCapabilityList', 'fileOpen', 'fileRead',
  'fileClose', 'fileRename', 'fileDelete', 'fileDirectory',
];

export const SVC_GET_NAME_LIST = 1;
export const SVC_IDENTIFY = 2;
export const SVC_RENAME = 3;
export const SVC_READ = 4;
export const SVC_WRITE = 5;
export const SVC_GET_VARIABLE_ACCESS_ATTRIBUTES = 6;
export const SVC_DEFINE_NAMED_VARIABLE_LIST = 11;
export const SVC_GET_NAMED_VARIABLE_LIST_ATTRIBUTES = 12;
export const SVC_DELETE_NAMED_VARIABLE_LIST = 13;
export const SVC_TAKE_CONTROL = 19;
export const SVC_RELINQUISH_CONTROL = 20;
export const SVC_INITIATE_DOWNLOAD_SEQUENCE = 26;
export const SVC_DOWNLOAD_SEGMENT = 27;
export const SVC_TERMINATE_DOWNLOAD_SEQUENCE = 28;
export const SVC_INITIATE_UPLOAD_SEQUENCE = 29;
export const SVC_UPLOAD_SEGMENT = 30;
export const SVC_TERMINATE_UPLOAD_SEQUENCE = 31;
export const SVC_REQUEST_DOMAIN_DOWNLOAD = 32;
export const SVC_REQUEST_DOMAIN_UPLOAD = 33;
export const SVC_LOAD_DOMAIN_CONTENT = 34;
export const SVC_STORE_DOMAIN_CONTENT = 35;
export const SVC_DELETE_DOMAIN = 36;
export const SVC_GET_DOMAIN_ATTRIBUTES = 37;
export const SVC_CREATE_PROGRAM_INVOCATION = 38;
export const SVC_DELETE_PROGRAM_INVOCATION = 39;
export const SVC_START = 40;
export const SVC_STOP = 41;
export const SVC_RESUME = 42;
export const SVC_RESET = 43;
export const SVC_KILL = 44;
export const SVC_GET_PROGRAM_INVOCATION_ATTRIBUTES = 45;
export const SVC_OBTAIN_FILE = 46;
export const SVC_FILE_OPEN = 72;
export const SVC_FILE_READ = 73;
export const SVC_FILE_CLOSE = 74;
export const SVC_FILE_RENAME = 75;
export const SVC_FILE_DELETE = 76;
export const SVC_FILE_DIRECTORY = 77;

/** UnconfirmedService CHOICE. */
export const UNCONFIRMED_SERVICES: readonly string[] = ['informationReport', 'unsolicitedStatus', 'eventNotification'];
export const USVC_INFORMATION_REPORT = 0;

/** ObjectClass (getNameList). */
export const OBJECT_CLASSES: readonly string[] = [
  'namedVariable', 'scatteredAccess', 'namedVariableList', 'namedType', 'semaphore', 'eventCondition', 'eventAction',
  'eventEnrollment', 'journal', 'domain', 'programInvocation', 'operatorStation',
];

/** ServiceError errorClass CHOICE, and the codes of each class. */
export const ERROR_CLASSES: readonly string[] = [
  'vmd-state', 'application-reference', 'definition', 'resource', 'service', 'service-preempt', 'time-resolution', 'access',
  'initiate', 'conclude', 'cancel', 'file', 'others',
];

export const ERROR_CODES: readonly (readonly string[])[] = [
  ['other', 'vmd-state-conflict', 'vmd-operational-problem', 'domain-transfer-problem', 'state-machine-id-invalid'],
  ['other', 'application-unreachable', 'connection-lost', 'application-reference-invalid', 'context-unsupported'],
  ['other', 'object-undefined', 'invalid-address', 'type-unsupported', 'type-inconsistent', 'object-exists', 'object-attribute-inconsistent'],
  ['other', 'memory-unavailable', 'processor-resource-unavailable', 'mass-storage-unavailable', 'capability-unavailable', 'capability-unknown'],
  ['other', 'primitives-out-of-sequence', 'object-state-conflict', 'pdu-size', 'continuation-invalid', 'object-constraint-conflict'],
  ['other', 'timeout', 'deadlock', 'cancel'],
  ['other', 'unsupportable-time-resolution'],
  ['other', 'object-access-unsupported', 'object-non-existent', 'object-access-denied', 'object-invalidated'],
  [
    'other', 'version-incompatible', 'max-segment-insufficient', 'max-services-outstanding-calling-insufficient',
    'max-services-outstanding-called-insufficient', 'service-CBB-insufficient', 'parameter-CBB-insufficient',
    'nesting-level-insufficient',
  ],
  ['other', 'further-communication-required'],
  ['other', 'invoke-id-unknown', 'cancel-not-possible'],
  [
    'other', 'filename-ambiguous', 'file-busy', 'filename-syntax-error', 'content-type-invalid', 'position-invalid',
    'file-access-denied', 'file-non-existent', 'duplicate-filename', 'insufficient-space-in-filestore',
  ],
  [],
];

/** RejectPDU rejectReason CHOICE (tag number) and each alternative's codes. */
export const REJECT_REASONS: readonly string[] = [
  'unknown-0', 'confirmed-requestPDU', 'confirmed-responsePDU', 'confirmed-errorPDU', 'unconfirmedPDU', 'pdu-error',
  'cancel-requestPDU', 'cancel-responsePDU', 'cancel-errorPDU', 'conclude-requestPDU', 'conclude-responsePDU',
  'conclude-errorPDU',
];

export const REJECT_CODES: readonly (readonly string[])[] = [
  [],
  ['other', 'unrecognized-service', 'unrecognized-modifier', 'invalid-invokeID', 'invalid-argument', 'invalid-modifier', 'max-serv-outstanding-exceeded', 'unknown-7', 'max-recursion-exceeded', 'value-out-of-range'],
  ['other', 'unrecognized-service', 'invalid-invokeID', 'invalid-result', 'unknown-4', 'max-recursion-exceeded', 'value-out-of-range'],
  ['other', 'unrecognized-service', 'invalid-invokeID', 'invalid-serviceError', 'value-out-of-range'],
  ['other', 'unrecognized-service', 'invalid-argument', 'max-recursion-exceeded', 'value-out-of-range'],
  ['unknown-pdu-type', 'invalid-pdu', 'illegal-acse-mapping'],
  ['other', 'invalid-invokeID'],
  ['other', 'invalid-invokeID'],
  ['other', 'invalid-invokeID', 'invalid-serviceError', 'value-out-of-range'],
  ['other', 'invalid-argument'],
  ['other', 'invalid-result'],
  ['other', 'invalid-serviceError', 'value-out-of-range'],
];

/** DataAccessError (AccessResult failure, Write-Response failure). */
export const DATA_ACCESS_ERRORS: readonly string[] = [
  'object-invalidated', 'hardware-fault', 'temporarily-unavailable', 'object-access-denied', 'object-undefined',
  'invalid-address', 'type-unsupported', 'type-inconsistent', 'object-attribute-inconsistent', 'object-access-unsupported',
  'object-non-existent', 'object-value-invalid',
];

/** A name from a table, or `unknown-<n>` for codes the table does not have. */
export function nameOf(table: readonly string[], n: number): string {
  return n >= 0 && n < table.length ? table[n] : `unknown-${n}`;
}
