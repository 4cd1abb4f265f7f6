// BACnet wire constants and the names of coded values.
//
// Numbers are ANSI/ASHRAE Standard 135 (BACnet) and its Annex J (BACnet/IP). Names follow
// CISA ICSNPP's icsnpp-bacnet (scripts/consts.zeek, BSD-3-Clause) where it names a value,
// so records read the same as its logs (bvlc_function `Original_Unicast_NPDU`, pdu_type
// `CONFIRMED_REQUEST`, service `read_property`, property `present-value`); values ICSNPP
// has no name for are spelt as the standard's ASN.1 spells them. A code with no name is
// data: `unknown-<n>` (see nameOf).

/** A name from a table indexed by code, or `unknown-<n>`. */
export function nameOf(table: readonly string[], code: number): string {
  const n = code >= 0 && code < table.length ? table[code] : undefined;
  return n === undefined || n === '' ? `unknown-${code}` : n;
}

// ---- BVLC (Annex J.2) ----

export const BVLC_TYPE_BIP = 0x81;

export const BVLC_RESULT = 0x00;
export const BVLC_WRITE_BDT = 0x01;
export const BVLC_READ_BDT = 0x02;
export const BVLC_READ_BDT_ACK = 0x03;
export const BVLC_FORWARDED_NPDU = 0x04;
export const BVLC_REGISTER_FD = 0x05;
export const BVLC_READ_FDT = 0x06;
export const BVLC_READ_FDT_ACK = 0x07;
export const BVLC_DELETE_FDT_ENTRY = 0x08;
export const BVLC_DISTRIBUTE_BROADCAST = 0x09;
export const BVLC_ORIGINAL_UNICAST = 0x0a;
export const BVLC_ORIGINAL_BROADCAST = 0x0b;
export const BVLC_SECURE_BVLL = 0x0c;

export const BVLC_FUNCTIONS: readonly string[] = [
  'BVLC_Result',
  'Write_Broadcast_Table',
  'Read_Broadcast_Table',
  'Read_Broadcast_Table_ACK',
  'Forwarded_NPDU',
  'Register_Foreign_Device',
  'Read_Foreign_Device_Table',
  'Read_Foreign_Device_Table_ACK',
  'Delete_Foreign_Device_Table_Entry',
  'Distribute_Broadcast_to_Network',
  'Original_Unicast_NPDU',
  'Original_Broadcast_NPDU',
  'Secure_BVLL',
];

/** Whether a BVLC function carries an NPDU after its header. */
export function bvlcCarriesNpdu(f: number): boolean {
  return f === BVLC_FORWARDED_NPDU || f === BVLC_DISTRIBUTE_BROADCAST || f === BVLC_ORIGINAL_UNICAST || f === BVLC_ORIGINAL_BROADCAST;
}

/** BVLC-Result codes (J.2.1.1), by code / 16. */
const BVLC_RESULTS: readonly string[] = [
  'Successful_completion',
  'Write-Broadcast-Distribution-Table_NAK',
  'Read-Broadcast-Distribution-Table_NAK',
  'Register-Foreign-Device_NAK',
  'Read-Foreign-Device-Table_NAK',
  'Delete-Foreign-Device-Table-Entry_NAK',
  'Distribute-Broadcast-To-Network_NAK',
];

export function bvlcResultName(code: number): string {
  return (code & 0x0f) === 0 ? nameOf(BVLC_RESULTS, code >> 4) : `unknown-${code}`;
}

// ---- NPDU (clause 6) ----

export const NPDU_VERSION = 0x01;

/** Network layer message types (6.2.4), as ICSNPP names them. */
export const NETWORK_MESSAGES: readonly string[] = [
  'who_is_router_to_network',
  'i_am_router_to_network',
  'i_could_be_router_to_network',
  'reject_message_to_network',
  'router_busy_to_network',
  'router_available_to_network',
  'initialize_routing_table',
  'initialize_routing_table_ack',
  'establish_connection_to_network',
  'disconnect_connection_to_network',
  'challenge_request',
  'security_payload',
  'security_response',
  'request_key_update',
  'update_key_set',
  'update_distribution_key',
  'request_master_key',
  'set_master_key',
  'what_is_network_number',
  'network_number_is',
];

// ---- APDU (clause 20.1) ----

export const PDU_CONFIRMED_REQUEST = 0;
export const PDU_UNCONFIRMED_REQUEST = 1;
export const PDU_SIMPLE_ACK = 2;
export const PDU_COMPLEX_ACK = 3;
export const PDU_SEGMENT_ACK = 4;
export const PDU_ERROR = 5;
export const PDU_REJECT = 6;
export const PDU_ABORT = 7;

export const PDU_TYPES: readonly string[] = [
  'CONFIRMED_REQUEST',
  'UNCONFIRMED_REQUEST',
  'SIMPLE_ACK',
  'COMPLEX_ACK',
  'SEGMENT_ACK',
  'ERROR_PDU',
  'REJECT_PDU',
  'ABORT_PDU',
];

/** pdu_type of a network layer message (ICSNPP). */
export const PDU_TYPE_NPDU = 'NPDU';

// Confirmed services (21): the numbers the parser acts on.
export const SVC_ACKNOWLEDGE_ALARM = 0;
export const SVC_ATOMIC_READ_FILE = 6;
export const SVC_ATOMIC_WRITE_FILE = 7;
export const SVC_READ_PROPERTY = 12;
export const SVC_READ_PROPERTY_MULTIPLE = 14;
export const SVC_WRITE_PROPERTY = 15;
export const SVC_WRITE_PROPERTY_MULTIPLE = 16;
export const SVC_DEVICE_COMMUNICATION_CONTROL = 17;
export const SVC_REINITIALIZE_DEVICE = 20;
export const SVC_READ_RANGE = 26;

export const CONFIRMED_SERVICES: readonly string[] = [
  'acknowledge_alarm',
  'confirmed_cov_notification',
  'confirmed_event_notification',
  'get_alarm_summary',
  'get_enrollment_summary',
  'subscribe_cov',
  'atomic_read_file',
  'atomic_write_file',
  'add_list_element',
  'remove_list_element',
  'create_object',
  'delete_object',
  'read_property',
  'read_property_conditional',
  'read_property_multiple',
  'write_property',
  'write_property_multiple',
  'device_communication_control',
  'confirmed_private_transfer',
  'confirmed_text_message',
  'reinitialize_device',
  'vt_open',
  'vt_close',
  'vt_data',
  'authenticate',
  'request_key',
  'read_range',
  'life_safety_operation',
  'subscribe_cov_property',
  'get_event_information',
  'subscribe_cov_property_multiple',
  'confirmed_cov_notification_multiple',
  'confirmed_audit_notification',
  'audit_log_query',
];

// Unconfirmed services (21): the numbers the parser acts on.
export const USVC_I_AM = 0;
export const USVC_I_HAVE = 1;
export const USVC_WHO_HAS = 7;
export const USVC_WHO_IS = 8;
export const USVC_WHO_AM_I = 13;
export const USVC_YOU_ARE = 14;

export const UNCONFIRMED_SERVICES: readonly string[] = [
  'i_am',
  'i_have',
  'unconfirmed_cov_notification',
  'unconfirmed_event_notification',
  'unconfirmed_private_transfer',
  'unconfirmed_text_message',
  'time_synchronization',
  'who_has',
  'who_is',
  'utc_time_synchronization',
  'write_group',
  'unconfirmed_cov_notification_multiple',
  'unconfirmed_audit_notification',
  'who_am_i',
  'you_are',
];

/** pdu_service of a Reject / Abort PDU (ICSNPP: they carry no service choice). */
export const REJECT_SERVICE = 'reject';
export const ABORT_SERVICE = 'abort';

export const ABORT_REASONS: readonly string[] = [
  'other',
  'buffer-overflow',
  'invalid-apdu-in-this-state',
  'preempted-by-higher-priority-task',
  'segmentation-not-supported',
  'security-error',
  'insufficient-security',
  'window-size-out-of-range',
  'application-exceeded-reply-time',
  'out-of-resources',
  'tsm-timeout',
  'apdu-too-long',
];

export const REJECT_REASONS: readonly string[] = [
  'other',
  'buffer-overflow',
  'inconsistent-parameters',
  'invalid-parameter-data-type',
  'invalid-tag',
  'missing-required-parameter',
  'parameter-out-of-range',
  'too-many-arguments',
  'undefined-enumeration',
  'unrecognized-service',
];

export const ERROR_CLASSES: readonly string[] = ['device', 'object', 'property', 'resources', 'security', 'services', 'vt', 'communication'];

// BACnetErrorCode (21, ErrorCode). 33 was removed from the standard.
export const ERROR_CODES: readonly string[] = [
  'other', 'authentication-failed', 'configuration-in-progress', 'device-busy', 'dynamic-creation-not-supported',
  'file-access-denied', 'incompatible-security-levels', 'inconsistent-parameters', 'inconsistent-selection-criterion',
  'invalid-data-type', 'invalid-file-access-method', 'invalid-file-start-position', 'invalid-operator-name',
  'invalid-parameter-data-type', 'invalid-time-stamp', 'key-generation-error', 'missing-required-parameter',
  'no-objects-of-specified-type', 'no-space-for-object', 'no-space-to-add-list-element', 'no-space-to-write-property',
  'no-vt-sessions-available', 'property-is-not-a-list', 'object-deletion-not-permitted', 'object-identifier-already-exists',
  'operational-problem', 'password-failure', 'read-access-denied', 'security-not-supported', 'service-request-denied',
  'timeout', 'unknown-object', 'unknown-property', '', 'unknown-vt-class', 'unknown-vt-session',
  'unsupported-object-type', 'value-out-of-range', 'vt-session-already-closed', 'vt-session-termination-failure',
  'write-access-denied', 'character-set-not-supported', 'invalid-array-index', 'cov-subscription-failed',
  'not-cov-property', 'optional-functionality-not-supported', 'invalid-configuration-data', 'datatype-not-supported',
  'duplicate-name', 'duplicate-object-id', 'property-is-not-an-array',
  // 51
  'abort-buffer-overflow', 'abort-invalid-apdu-in-this-state', 'abort-preempted-by-higher-priority-task',
  'abort-segmentation-not-supported', 'abort-proprietary', 'abort-other', 'invalid-tag', 'network-down',
  'reject-buffer-overflow', 'reject-inconsistent-parameters', 'reject-invalid-parameter-data-type', 'reject-invalid-tag',
  'reject-missing-required-parameter', 'reject-parameter-out-of-range', 'reject-too-many-arguments',
  'reject-undefined-enumeration', 'reject-unrecognized-service', 'reject-proprietary', 'reject-other', 'unknown-device',
  'unknown-route', 'value-not-initialized',
  // 73
  'invalid-event-state', 'no-alarm-configured', 'log-buffer-full', 'logged-value-purged', 'no-property-specified',
  'not-configured-for-triggered-logging', 'unknown-subscription', 'parameter-out-of-range', 'list-element-not-found',
  'busy', 'communication-disabled', 'success', 'access-denied', 'bad-destination-address', 'bad-destination-device-id',
  'bad-signature', 'bad-source-address', 'bad-timestamp', 'cannot-use-key', 'cannot-verify-message-id',
  'correct-key-revision', 'destination-device-id-required', 'duplicate-message', 'encryption-not-configured',
  'encryption-required', 'incorrect-key', 'invalid-key-data', 'key-update-in-progress', 'malformed-message',
  'not-key-server', 'security-not-configured', 'source-security-required', 'too-many-keys',
  'unknown-authentication-type', 'unknown-key', 'unknown-key-revision', 'unknown-source-message', 'not-router-to-dnet',
  'router-busy', 'unknown-network-message', 'message-too-long', 'security-error', 'addressing-error',
  'write-bdt-failed', 'read-bdt-failed', 'register-foreign-device-failed', 'read-fdt-failed', 'delete-fdt-entry-failed',
  'distribute-broadcast-failed', 'unknown-file-size', 'abort-apdu-too-long', 'abort-application-exceeded-reply-time',
  'abort-out-of-resources', 'abort-tsm-timeout', 'abort-window-size-out-of-range', 'file-full',
  'inconsistent-configuration', 'inconsistent-object-type', 'internal-error', 'not-configured', 'out-of-memory',
  'value-too-long', 'abort-insufficient-security', 'abort-security-error', 'duplicate-entry',
  'invalid-value-in-this-state',
];

// ---- application data (clause 20.2) ----

export const APP_NULL = 0;
export const APP_BOOLEAN = 1;
export const APP_UNSIGNED = 2;
export const APP_SIGNED = 3;
export const APP_REAL = 4;
export const APP_DOUBLE = 5;
export const APP_OCTET_STRING = 6;
export const APP_CHARACTER_STRING = 7;
export const APP_BIT_STRING = 8;
export const APP_ENUMERATED = 9;
export const APP_DATE = 10;
export const APP_TIME = 11;
export const APP_OBJECT_ID = 12;

/** Application tag names, as the `value_type` field gives them. */
export const APP_TAGS: readonly string[] = [
  'null', 'boolean', 'unsigned', 'signed', 'real', 'double', 'octet-string', 'character-string', 'bit-string',
  'enumerated', 'date', 'time', 'object-identifier',
];

/** BACnetObjectType. 0–127 are the standard's, 128–1023 proprietary. */
export const OBJECT_TYPES: readonly string[] = [
  'analog-input', 'analog-output', 'analog-value', 'binary-input', 'binary-output', 'binary-value', 'calendar', 'command',
  'device', 'event-enrollment', 'file', 'group', 'loop', 'multi-state-input', 'multi-state-output', 'notification-class',
  'program', 'schedule', 'averaging', 'multi-state-value', 'trend-log', 'life-safety-point', 'life-safety-zone',
  'accumulator', 'pulse-converter', 'event-log', 'global-group', 'trend-log-multiple', 'load-control', 'structured-view',
  'access-door', 'timer', 'access-credential', 'access-point', 'access-rights', 'access-user', 'access-zone',
  'credential-data-input', 'network-security', 'bitstring-value', 'characterstring-value', 'date-pattern-value',
  'date-value', 'datetime-pattern-value', 'datetime-value', 'integer-value', 'large-analog-value', 'octetstring-value',
  'positive-integer-value', 'time-pattern-value', 'time-value', 'notification-forwarder', 'alert-enrollment', 'channel',
  'lighting-output', 'binary-lighting-output', 'network-port', 'elevator-group', 'escalator', 'lift', 'staging',
  'audit-log', 'audit-reporter', 'color', 'color-temperature',
];

export const OBJECT_DEVICE = 8;
export const OBJECT_FILE = 10;

/** BACnetPropertyIdentifier 0–351 as ICSNPP names them (its spellings kept), then the standard's. */
const PROPERTIES_ICSNPP: readonly string[] = [
  'acked-transition', 'ack-required', 'action', 'action-text', 'active-text', 'active-vt-session', 'alarm-value',
  'alarm-values', 'all', 'all-write-successful', 'apdu-segment-timeout', 'apdu-timeout', 'application-software-version',
  'archive', 'bias', 'change-of-state-count', 'change-of-state-time', 'notification-class',
  'the property in this place was deleted', 'controlled-variable-reference', 'controlled-variable-units',
  'controlled-variable-value', 'cov-increment', 'datelist', 'daylights-savings-status', 'deadband',
  'derivative-constant', 'derivative-constant-units', 'description', 'description-of-halt', 'device-address-binding',
  'device-type', 'effective-period', 'elapsed-active-time', 'error-limit', 'event-enable', 'event-state', 'event-type',
  'exception-schedule', 'fault-values', 'feedback-value', 'file-access-method', 'file-size', 'file-type',
  'firmware-revision', 'high-limit', 'inactive-text', 'in-progress', 'instance-of', 'integral-constant',
  'integral-constant-units', 'issue-confirmed-notifications', 'limit-enable', 'list-of-group-members',
  'list-of-object-property-references', 'list-of-session-keys', 'local-date', 'local-time', 'location', 'low-limit',
  'manipulated-variable-reference', 'maximum-output', 'max-apdu-length-accepted', 'max-info-frames', 'max-master',
  'max-pres-value', 'minimum-off-time', 'minimum-on-time', 'minimum-output', 'min-pres-value', 'model-name',
  'modification-date', 'notify-type', 'number-of-APDU-retries', 'number-of-states', 'object-identifier', 'object-list',
  'object-name', 'object-property-reference', 'object-type', 'optional', 'out-of-service', 'output-units',
  'event-parameters', 'polarity', 'present-value', 'priority', 'priority-array', 'priority-for-writing',
  'process-identifier', 'program-change', 'program-location', 'program-state', 'proportional-constant',
  'proportional-constant-units', 'protocol-conformance-class', 'protocol-object-types-supported',
  'protocol-services-supported', 'protocol-version', 'read-only', 'reason-for-halt', 'recipient', 'recipient-list',
  'reliability', 'relinquish-default', 'required', 'resolution', 'segmentation-supported', 'setpoint',
  'setpoint-reference', 'state-text', 'status-flags', 'system-status', 'time-delay', 'time-of-active-time-reset',
  'time-of-state-count-reset', 'time-synchronization-recipients', 'units', 'update-interval', 'utc-offset',
  'vendor-identifier', 'vendor-name', 'vt-class-supported', 'weekly-schedule', 'attempted-samples', 'average-value',
  'buffer-size', 'client-cov-increment', 'cov-resubscription-interval', 'current-notify-time', 'event-time-stamp',
  'log-buffer', 'log-device-object-property', 'enable', 'log-interval', 'maximum-value', 'minimum-value',
  'notification-threshold', 'previous-notify-time', 'protocol-revision', 'records-since-notification', 'record-count',
  'start-time', 'stop-time', 'stop-when-full', 'total-record-count', 'valid-samples', 'window-interval',
  'window-samples', 'maximum-value-time-stamp', 'minimum-value-time-stamp', 'variance-value',
  'active-cov-subscriptions', 'backup-failure-timeout', 'configuration-files', 'database-revision', 'direct-reading',
  'last-restore-time', 'maintenance-required', 'member-of', 'mode', 'operation-expected', 'setting', 'silenced',
  'tracking-value', 'zone-members', 'life-safety-alarm-values', 'max-segments-accepted', 'profile-name',
  'auto-slave-discovery', 'manual-slave-address-binding', 'slave-address-binding', 'slave-proxy-enable',
  'last-notify-record', 'schedule-default', 'accepted-modes', 'adjust-value', 'count', 'count-before-change',
  'count-change-time', 'cov-period', 'input-reference', 'limit-monitoring-interval', 'logging-device',
  'logging-record', 'prescale', 'pulse-rate', 'scale', 'scale-factor', 'update-time', 'value-before-change',
  'value-set', 'value-change-time', 'align-intervals', 'group-member-names', 'interval-offset', 'last-restart-reason',
  'logging-type', 'member-status-flags', 'notification-period', 'previous-notify-record', 'requested-update-interval',
  'restart-notification-recipients', 'time-of-device-restart', 'time-synchronization-interval', 'trigger',
  'UTC-time-synchronization-recipients', 'node-subtype', 'node-type', 'structured-object-list',
  'subordinate-annotations', 'subordinate-list', 'actual-shed-level', 'duty-window', 'expected-shed-level',
  'full-duty-baseline', 'node-subtype', 'node-type', 'requested-shed-level', 'shed-duration',
  'shed-level-descriptions', 'shed-levels', 'state-description', '', '', '', 'door-alarm-state',
  'door-extended-pulse-time', 'door-members', 'door-open-too-long-time', 'door-pulse-time', 'door-status',
  'door-unlock-delay-time', 'lock-status', 'masked-alarm-values', 'secured-status', '', '', '', '', '', '', '', '',
  // 244
  'absentee-limit', 'access-alarm-events', 'access-doors', 'access-event', 'access-event-authentication-factor',
  'access-event-credential', 'access-event-time', 'access-transaction-events', 'accompaniment', 'accompaniment-time',
  'activation-time', 'active-authentication-policy', 'assigned-access-rights', 'authentication-factors',
  'authentication-policy-list', 'authentication-policy-names', 'authentication-status', 'authorization-mode',
  'belongs-to', 'credential-disable', 'credential-status', 'credentials', 'credentials-in-zone', 'days-remaining',
  'entry-points', 'exit-points', 'expiry-time', 'extended-time-enable', 'failed-attempt-events', 'failed-attempts',
  'failed-attempts-time', 'last-access-event', 'last-access-point', 'last-credential-added',
  'last-credential-added-time', 'last-credential-removed', 'last-credential-removed-time', 'last-use-time', 'lockout',
  'lockout-relinquish-time', 'master-exemption', 'max-failed-attempts', 'members', 'muster-point',
  'negative-access-rules', 'number-of-authentication-policies', 'occupancy-count', 'occupancy-count-adjust',
  'occupancy-count-enable', 'occupancy-exemption', 'occupancy-lower-limit', 'occupancy-lower-limit-enforced',
  'occupancy-state', 'occupancy-upper-limit', 'occupancy-upper-limit-enforced', 'passback-exemption', 'passback-mode',
  'passback-timeout', 'positive-access-rules', 'reason-for-disable', 'supported-formats', 'supported-format-classes',
  'threat-authority', 'threat-level', 'trace-flag', 'transaction-notification-class', 'user-external-identifier',
  'user-information-reference', '', '', '', '', '', 'user-name', 'user-type', 'uses-remaining', 'zone-from', 'zone-to',
  'access-event-tag', 'global-identifier', '', '', 'verification-time', 'base-device-security-policy',
  'distribution-key-revision', 'do-not-hide', 'key-sets', 'last-key-server', 'network-access-security-policies',
  'packet-reorder-time', 'security-pdu-timeout', 'security-time-window', 'supported-security-algorithms',
  'update-key-set-timeout', 'backup-and-restore-state', 'backup-preparation-time', 'restore-completion-time',
  'restore-preparation-time', 'bit-mask', 'bit-text', 'is-utc', 'group-members', 'group-member-names',
  'member-status-flags', 'requested-update-interval', 'covu-period', 'covu-recipients', 'event-message-texts',
];

// 352–491, as the standard spells them.
const PROPERTIES_LATER: readonly string[] = [
  'event-message-texts-config', 'event-detection-enable', 'event-algorithm-inhibit', 'event-algorithm-inhibit-ref',
  'time-delay-normal', 'reliability-evaluation-inhibit', 'fault-parameters', 'fault-type', 'local-forwarding-only',
  'process-identifier-filter', 'subscribed-recipients', 'port-filter', 'authorization-exemptions',
  'allow-group-delay-inhibit', 'channel-number', 'control-groups', 'execution-delay', 'last-priority', 'write-status',
  'property-list', 'serial-number', 'blink-warn-enable', 'default-fade-time', 'default-ramp-rate',
  'default-step-increment', 'egress-time', 'in-progress', 'instantaneous-power', 'lighting-command',
  'lighting-command-default-priority', 'max-actual-value', 'min-actual-value', 'power', 'transition', 'egress-active',
  'interface-value', 'fault-high-limit', 'fault-low-limit', 'low-diff-limit', 'strike-count',
  'time-of-strike-count-reset', 'default-timeout', 'initial-timeout', 'last-state-change', 'state-change-values',
  'timer-running', 'timer-state', 'apdu-length', 'ip-address', 'ip-default-gateway', 'ip-dhcp-enable',
  'ip-dhcp-lease-time', 'ip-dhcp-lease-time-remaining', 'ip-dhcp-server', 'ip-dns-server', 'bacnet-ip-global-address',
  'bacnet-ip-mode', 'bacnet-ip-multicast-address', 'bacnet-ip-nat-traversal', 'ip-subnet-mask', 'bacnet-ip-udp-port',
  'bbmd-accept-fd-registrations', 'bbmd-broadcast-distribution-table', 'bbmd-foreign-device-table', 'changes-pending',
  'command', 'fd-bbmd-address', 'fd-subscription-lifetime', 'link-speed', 'link-speeds', 'link-speed-autonegotiate',
  'mac-address', 'network-interface-name', 'network-number', 'network-number-quality', 'network-type',
  'routing-table', 'virtual-mac-address-table', 'command-time-array', 'current-command-priority', 'last-command-time',
  'value-source', 'value-source-array', 'bacnet-ipv6-mode', 'ipv6-address', 'ipv6-prefix-length',
  'bacnet-ipv6-udp-port', 'ipv6-default-gateway', 'bacnet-ipv6-multicast-address', 'ipv6-dns-server',
  'ipv6-auto-addressing-enable', 'ipv6-dhcp-lease-time', 'ipv6-dhcp-lease-time-remaining', 'ipv6-dhcp-server',
  'ipv6-zone-index', 'assigned-landing-calls', 'car-assigned-direction', 'car-door-command', 'car-door-status',
  'car-door-text', 'car-door-zone', 'car-drive-status', 'car-load', 'car-load-units', 'car-mode',
  'car-moving-direction', 'car-position', 'elevator-group', 'energy-meter', 'energy-meter-ref', 'escalator-mode',
  'fault-signals', 'floor-text', 'group-id', '', 'group-mode', 'higher-deck', 'installation-id', 'landing-calls',
  'landing-call-control', 'landing-door-status', 'lower-deck', 'machine-room-id', 'making-car-call',
  'next-stopping-floor', 'operation-direction', 'passenger-alarm', 'power-mode', 'registered-car-call',
  'active-cov-multiple-subscriptions', 'protocol-level', 'reference-port', 'deployed-profile-location',
  'profile-location', 'tags', 'subordinate-node-types', 'subordinate-tags', 'subordinate-relationships',
  'default-subordinate-relationship', 'represents',
];

export const PROPERTIES: readonly string[] = [...PROPERTIES_ICSNPP, ...PROPERTIES_LATER];

export const PROP_EVENT_STATE = 36;
export const PROP_NOTIFY_TYPE = 72;
export const PROP_OBJECT_LIST = 76;
export const PROP_OBJECT_NAME = 77;
export const PROP_OBJECT_TYPE = 79;
export const PROP_RELIABILITY = 103;
export const PROP_SEGMENTATION_SUPPORTED = 107;
export const PROP_SYSTEM_STATUS = 112;
export const PROP_UNITS = 117;
export const PROP_LOGGING_TYPE = 197;

/** Property names; 512 and above are proprietary, named as ICSNPP names them. */
export function propertyName(p: number): string {
  if (p >= 512) return `Vendor Specific (${p})`;
  return nameOf(PROPERTIES, p);
}

export const EVENT_STATES: readonly string[] = ['normal', 'fault', 'offnormal', 'high-limit', 'low-limit', 'life-safety-alarm'];
export const NOTIFY_TYPES: readonly string[] = ['alarm', 'event', 'ack-notification'];
export const SEGMENTATION: readonly string[] = ['segmented-both', 'segmented-transmit', 'segmented-receive', 'no-segmentation'];
export const DEVICE_STATUS: readonly string[] = [
  'operational', 'operational-read-only', 'download-required', 'download-in-progress', 'non-operational', 'backup-in-progress',
];
export const LOGGING_TYPES: readonly string[] = ['polled', 'cov', 'triggered'];
export const RELIABILITY: readonly string[] = [
  'no-fault-detected', 'no-sensor', 'over-range', 'under-range', 'open-loop', 'shorted-loop', 'no-output',
  'unreliable-other', 'process-error', 'multi-state-fault', 'configuration-error', '', 'communication-failure',
  'member-fault', 'monitored-object-fault', 'tripped', 'lamp-failure', 'activation-failure', 'renew-dhcp-failure',
  'renew-fd-registration-failure', 'restart-auto-negotiation-failure', 'restart-failure', 'proprietary-command-failure',
  'faults-listed', 'referenced-object-fault',
];

/** BACnetEngineeringUnits 0–244. */
export const UNITS: readonly string[] = [
  'square-meters', 'square-feet', 'milliamperes', 'amperes', 'ohms', 'volts', 'kilovolts', 'megavolts', 'volt-amperes',
  'kilovolt-amperes', 'megavolt-amperes', 'volt-amperes-reactive', 'kilovolt-amperes-reactive',
  'megavolt-amperes-reactive', 'degrees-phase', 'power-factor', 'joules', 'kilojoules', 'watt-hours', 'kilowatt-hours',
  'btus', 'therms', 'ton-hours', 'joules-per-kilogram-dry-air', 'btus-per-pound-dry-air', 'cycles-per-hour',
  'cycles-per-minute', 'hertz', 'grams-of-water-per-kilogram-dry-air', 'percent-relative-humidity', 'millimeters',
  'meters', 'inches', 'feet', 'watts-per-square-foot', 'watts-per-square-meter', 'lumens', 'luxes', 'foot-candles',
  'kilograms', 'pounds-mass', 'tons', 'kilograms-per-second', 'kilograms-per-minute', 'kilograms-per-hour',
  'pounds-mass-per-minute', 'pounds-mass-per-hour', 'watts', 'kilowatts', 'megawatts', 'btus-per-hour', 'horsepower',
  'tons-refrigeration', 'pascals', 'kilopascals', 'bars', 'pounds-force-per-square-inch', 'centimeters-of-water',
  'inches-of-water', 'millimeters-of-mercury', 'centimeters-of-mercury', 'inches-of-mercury', 'degrees-celsius',
  'degrees-kelvin', 'degrees-fahrenheit', 'degree-days-celsius', 'degree-days-fahrenheit', 'years', 'months', 'weeks',
  'days', 'hours', 'minutes', 'seconds', 'meters-per-second', 'kilometers-per-hour', 'feet-per-second',
  'feet-per-minute', 'miles-per-hour', 'cubic-feet', 'cubic-meters', 'imperial-gallons', 'liters', 'us-gallons',
  'cubic-feet-per-minute', 'cubic-meters-per-second', 'imperial-gallons-per-minute', 'liters-per-second',
  'liters-per-minute', 'us-gallons-per-minute', 'degrees-angular', 'degrees-celsius-per-hour',
  'degrees-celsius-per-minute', 'degrees-fahrenheit-per-hour', 'degrees-fahrenheit-per-minute', 'no-units',
  'parts-per-million', 'parts-per-billion', 'percent', 'percent-per-second', 'per-minute', 'per-second',
  'psi-per-degree-fahrenheit', 'radians', 'revolutions-per-minute', 'currency1', 'currency2', 'currency3', 'currency4',
  'currency5', 'currency6', 'currency7', 'currency8', 'currency9', 'currency10', 'square-inches', 'square-centimeters',
  'btus-per-pound', 'centimeters', 'pounds-mass-per-second', 'delta-degrees-fahrenheit', 'delta-degrees-kelvin',
  'kilohms', 'megohms', 'millivolts', 'kilojoules-per-kilogram', 'megajoules', 'joules-per-degree-kelvin',
  'joules-per-kilogram-degree-kelvin', 'kilohertz', 'megahertz', 'per-hour', 'milliwatts', 'hectopascals', 'millibars',
  'cubic-meters-per-hour', 'liters-per-hour', 'kilowatt-hours-per-square-meter', 'kilowatt-hours-per-square-foot',
  'megajoules-per-square-meter', 'megajoules-per-square-foot', 'watts-per-square-meter-degree-kelvin',
  'cubic-feet-per-second', 'percent-obscuration-per-foot', 'percent-obscuration-per-meter', 'milliohms',
  'megawatt-hours', 'kilo-btus', 'mega-btus', 'kilojoules-per-kilogram-dry-air', 'megajoules-per-kilogram-dry-air',
  'kilojoules-per-degree-kelvin', 'megajoules-per-degree-kelvin', 'newton', 'grams-per-second', 'grams-per-minute',
  'tons-per-hour', 'kilo-btus-per-hour', 'hundredths-seconds', 'milliseconds', 'newton-meters',
  'millimeters-per-second', 'millimeters-per-minute', 'meters-per-minute', 'meters-per-hour',
  'cubic-meters-per-minute', 'meters-per-second-per-second', 'amperes-per-meter', 'amperes-per-square-meter',
  'ampere-square-meters', 'farads', 'henrys', 'ohm-meters', 'siemens', 'siemens-per-meter', 'teslas',
  'volts-per-degree-kelvin', 'volts-per-meter', 'webers', 'candelas', 'candelas-per-square-meter',
  'degrees-kelvin-per-hour', 'degrees-kelvin-per-minute', 'joule-seconds', 'radians-per-second',
  'square-meters-per-newton', 'kilograms-per-cubic-meter', 'newton-seconds', 'newtons-per-meter',
  'watts-per-meter-per-degree-kelvin', 'micro-siemens', 'cubic-feet-per-hour', 'us-gallons-per-hour', 'kilometers',
  'micrometers', 'grams', 'milligrams', 'milliliters', 'milliliters-per-second', 'decibels', 'decibels-millivolt',
  'decibels-volt', 'millisiemens', 'watt-hours-reactive', 'kilowatt-hours-reactive', 'megawatt-hours-reactive',
  'millimeters-of-water', 'per-mille', 'grams-per-gram', 'kilograms-per-kilogram', 'grams-per-kilogram',
  'milligrams-per-gram', 'milligrams-per-kilogram', 'grams-per-milliliter', 'grams-per-liter', 'milligrams-per-liter',
  'micrograms-per-liter', 'grams-per-cubic-meter', 'milligrams-per-cubic-meter', 'micrograms-per-cubic-meter',
  'nanograms-per-cubic-meter', 'grams-per-cubic-centimeter', 'becquerels', 'kilobecquerels', 'megabecquerels', 'gray',
  'milligray', 'microgray', 'sieverts', 'millisieverts', 'microsieverts', 'microsieverts-per-hour', 'decibels-a',
  'nephelometric-turbidity-unit', 'pH', 'grams-per-square-meter', 'minutes-per-degree-kelvin',
  'ohm-meter-squared-per-meter', 'ampere-seconds', 'volt-ampere-hours', 'kilovolt-ampere-hours',
  'megavolt-ampere-hours', 'volt-ampere-hours-reactive', 'kilovolt-ampere-hours-reactive',
  'megavolt-ampere-hours-reactive',
];

/**
 * The enumerations ICSNPP names in a property value (bacnet_property `value`), by property;
 * the values of other enumerated properties stay numbers (as in ICSNPP's logs).
 */
export function enumTableFor(property: number): readonly string[] | null {
  switch (property) {
    case PROP_EVENT_STATE: return EVENT_STATES;
    case PROP_NOTIFY_TYPE: return NOTIFY_TYPES;
    case PROP_OBJECT_TYPE: return OBJECT_TYPES;
    case PROP_RELIABILITY: return RELIABILITY;
    case PROP_SEGMENTATION_SUPPORTED: return SEGMENTATION;
    case PROP_SYSTEM_STATUS: return DEVICE_STATUS;
    case PROP_UNITS: return UNITS;
    case PROP_LOGGING_TYPE: return LOGGING_TYPES;
    default: return null;
  }
}

// ---- device control (16.1, 16.4) ----

export const DCC_STATES: readonly string[] = ['enable', 'disable', 'disable-initiation'];
export const REINIT_STATES: readonly string[] = [
  'coldstart', 'warmstart', 'startbackup', 'endbackup', 'startrestore', 'endrestore', 'abortrestore', 'activate-changes',
];

/** Max-APDU-length-accepted of a Confirmed-Request header (20.1.2.5), by its 4-bit code. */
export const MAX_APDU_OCTETS: readonly number[] = [50, 128, 206, 480, 1024, 1476];

/** UDP ports of BACnet/IP (Annex J: 47808 = 0xBAC0, and the next ones used for more B/IP networks). */
export const BACNET_UDP_PORTS: readonly number[] = Array.from({ length: 16 }, (_, i) => 47808 + i);
