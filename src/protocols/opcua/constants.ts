// OPC UA binary wire constants (OPC 10000-6, UA Part 6: Mappings; Part 4: Services): the
// UA Connection Protocol message types, the numeric ids of the services' binary encodings
// (NodeIds.csv, "..._Encoding_DefaultBinary"), message security modes and status codes
// (StatusCode.csv), with the names the specification gives them.

/** Message header: 3-byte type, 1-byte chunk type, 4-byte size. */
export const HEADER_LENGTH = 8;

/** Message types, as the 3 ASCII letters read little-endian into a 24-bit number. */
export const MSG_HEL = 0x4c4548;
export const MSG_ACK = 0x4b4341;
export const MSG_ERR = 0x525245;
export const MSG_RHE = 0x454852;
export const MSG_OPN = 0x4e504f;
export const MSG_MSG = 0x47534d;
export const MSG_CLO = 0x4f4c43;

export const MESSAGE_TYPES: ReadonlyMap<number, string> = new Map([
  [MSG_HEL, 'HEL'],
  [MSG_ACK, 'ACK'],
  [MSG_ERR, 'ERR'],
  [MSG_RHE, 'RHE'],
  [MSG_OPN, 'OPN'],
  [MSG_MSG, 'MSG'],
  [MSG_CLO, 'CLO'],
]);

/** Chunk types: F final, C intermediate, A abort. HEL/ACK/ERR/RHE always carry F. */
export const CHUNK_F = 0x46;
export const CHUNK_C = 0x43;
export const CHUNK_A = 0x41;

/** Binary encoding ids (namespace 0) of the service requests and responses. */
export const SERVICES: ReadonlyMap<number, string> = new Map([
  [397, 'ServiceFault'],
  [410, 'TestStackRequest'], [413, 'TestStackResponse'],
  [416, 'TestStackExRequest'], [419, 'TestStackExResponse'],
  [422, 'FindServersRequest'], [425, 'FindServersResponse'],
  [428, 'GetEndpointsRequest'], [431, 'GetEndpointsResponse'],
  [437, 'RegisterServerRequest'], [440, 'RegisterServerResponse'],
  [446, 'OpenSecureChannelRequest'], [449, 'OpenSecureChannelResponse'],
  [452, 'CloseSecureChannelRequest'], [455, 'CloseSecureChannelResponse'],
  [461, 'CreateSessionRequest'], [464, 'CreateSessionResponse'],
  [467, 'ActivateSessionRequest'], [470, 'ActivateSessionResponse'],
  [473, 'CloseSessionRequest'], [476, 'CloseSessionResponse'],
  [479, 'CancelRequest'], [482, 'CancelResponse'],
  [488, 'AddNodesRequest'], [491, 'AddNodesResponse'],
  [494, 'AddReferencesRequest'], [497, 'AddReferencesResponse'],
  [500, 'DeleteNodesRequest'], [503, 'DeleteNodesResponse'],
  [506, 'DeleteReferencesRequest'], [509, 'DeleteReferencesResponse'],
  [527, 'BrowseRequest'], [530, 'BrowseResponse'],
  [533, 'BrowseNextRequest'], [536, 'BrowseNextResponse'],
  [554, 'TranslateBrowsePathsToNodeIdsRequest'], [557, 'TranslateBrowsePathsToNodeIdsResponse'],
  [560, 'RegisterNodesRequest'], [563, 'RegisterNodesResponse'],
  [566, 'UnregisterNodesRequest'], [569, 'UnregisterNodesResponse'],
  [615, 'QueryFirstRequest'], [618, 'QueryFirstResponse'],
  [621, 'QueryNextRequest'], [624, 'QueryNextResponse'],
  [631, 'ReadRequest'], [634, 'ReadResponse'],
  [664, 'HistoryReadRequest'], [667, 'HistoryReadResponse'],
  [673, 'WriteRequest'], [676, 'WriteResponse'],
  [700, 'HistoryUpdateRequest'], [703, 'HistoryUpdateResponse'],
  [712, 'CallRequest'], [715, 'CallResponse'],
  [751, 'CreateMonitoredItemsRequest'], [754, 'CreateMonitoredItemsResponse'],
  [763, 'ModifyMonitoredItemsRequest'], [766, 'ModifyMonitoredItemsResponse'],
  [769, 'SetMonitoringModeRequest'], [772, 'SetMonitoringModeResponse'],
  [775, 'SetTriggeringRequest'], [778, 'SetTriggeringResponse'],
  [781, 'DeleteMonitoredItemsRequest'], [784, 'DeleteMonitoredItemsResponse'],
  [787, 'CreateSubscriptionRequest'], [790, 'CreateSubscriptionResponse'],
  [793, 'ModifySubscriptionRequest'], [796, 'ModifySubscriptionResponse'],
  [799, 'SetPublishingModeRequest'], [802, 'SetPublishingModeResponse'],
  [826, 'PublishRequest'], [829, 'PublishResponse'],
  [832, 'RepublishRequest'], [835, 'RepublishResponse'],
  [841, 'TransferSubscriptionsRequest'], [844, 'TransferSubscriptionsResponse'],
  [847, 'DeleteSubscriptionsRequest'], [850, 'DeleteSubscriptionsResponse'],
  [12208, 'FindServersOnNetworkRequest'], [12209, 'FindServersOnNetworkResponse'],
  [12211, 'RegisterServer2Request'], [12212, 'RegisterServer2Response'],
]);

export const SERVICE_OPEN_SECURE_CHANNEL_REQUEST = 446;
export const SERVICE_OPEN_SECURE_CHANNEL_RESPONSE = 449;
export const SERVICE_GET_ENDPOINTS_REQUEST = 428;
export const SERVICE_GET_ENDPOINTS_RESPONSE = 431;
export const SERVICE_CREATE_SESSION_REQUEST = 461;
export const SERVICE_CREATE_SESSION_RESPONSE = 464;
export const SERVICE_FIND_SERVERS_RESPONSE = 425;
export const SERVICE_READ_REQUEST = 631;
export const SERVICE_WRITE_REQUEST = 673;
export const SERVICE_CALL_REQUEST = 712;
export const SERVICE_FAULT = 397;

/** The service name of an encoding id: "ReadRequest", or unknown-<n>; a non-zero namespace makes it unknown-<ns>:<n>. */
export function serviceName(ns: number, id: number): string {
  if (ns === 0) return SERVICES.get(id) ?? `unknown-${id}`;
  return `unknown-${ns}:${id}`;
}

/** Whether an encoding id names a response (or ServiceFault), which answers a request. */
export function isResponse(ns: number, id: number): boolean {
  if (ns !== 0) return false;
  if (id === SERVICE_FAULT) return true;
  const n = SERVICES.get(id);
  return n !== undefined && n.endsWith('Response');
}

/** MessageSecurityMode (Part 4 §7.20). */
export function securityModeName(m: number): string {
  switch (m) {
    case 0: return 'Invalid';
    case 1: return 'None';
    case 2: return 'Sign';
    case 3: return 'SignAndEncrypt';
    default: return `unknown-${m}`;
  }
}

export const SECURITY_POLICY_NONE = 'http://opcfoundation.org/UA/SecurityPolicy#None';

/** SecurityTokenRequestType. */
export function requestTypeName(t: number): string {
  return t === 0 ? 'Issue' : t === 1 ? 'Renew' : `unknown-${t}`;
}

/** ApplicationType (Part 4 §7.2). */
export function applicationTypeName(t: number): string {
  switch (t) {
    case 0: return 'Server';
    case 1: return 'Client';
    case 2: return 'ClientAndServer';
    case 3: return 'DiscoveryServer';
    default: return `unknown-${t}`;
  }
}

// Status codes: name=upper 16 bits of the code (the lower 16 are flags and info bits).
const STATUS_TABLE =
  'Good=0000 Uncertain=4000 Bad=8000 BadUnexpectedError=8001 BadInternalError=8002 BadOutOfMemory=8003 ' +
  'BadResourceUnavailable=8004 BadCommunicationError=8005 BadEncodingError=8006 BadDecodingError=8007 ' +
  'BadEncodingLimitsExceeded=8008 BadRequestTooLarge=80b8 BadResponseTooLarge=80b9 ' +
  'BadUnknownResponse=8009 BadTimeout=800a BadServiceUnsupported=800b BadShutdown=800c ' +
  'BadServerNotConnected=800d BadServerHalted=800e BadNothingToDo=800f BadTooManyOperations=8010 ' +
  'BadTooManyMonitoredItems=80db BadDataTypeIdUnknown=8011 BadCertificateInvalid=8012 ' +
  'BadSecurityChecksFailed=8013 BadCertificatePolicyCheckFailed=8114 BadCertificateTimeInvalid=8014 ' +
  'BadCertificateIssuerTimeInvalid=8015 BadCertificateHostNameInvalid=8016 ' +
  'BadCertificateUriInvalid=8017 BadCertificateUseNotAllowed=8018 ' +
  'BadCertificateIssuerUseNotAllowed=8019 BadCertificateUntrusted=801a ' +
  'BadCertificateRevocationUnknown=801b BadCertificateIssuerRevocationUnknown=801c ' +
  'BadCertificateRevoked=801d BadCertificateIssuerRevoked=801e BadCertificateChainIncomplete=810d ' +
  'BadUserAccessDenied=801f BadIdentityTokenInvalid=8020 BadIdentityTokenRejected=8021 ' +
  'BadSecureChannelIdInvalid=8022 BadInvalidTimestamp=8023 BadNonceInvalid=8024 ' +
  'BadSessionIdInvalid=8025 BadSessionClosed=8026 BadSessionNotActivated=8027 ' +
  'BadSubscriptionIdInvalid=8028 BadRequestHeaderInvalid=802a BadTimestampsToReturnInvalid=802b ' +
  'BadRequestCancelledByClient=802c BadTooManyArguments=80e5 BadLicenseExpired=810e ' +
  'BadLicenseLimitsExceeded=810f BadLicenseNotAvailable=8110 BadServerTooBusy=80ee ' +
  'GoodPasswordChangeRequired=00ef GoodSubscriptionTransferred=002d GoodCompletesAsynchronously=002e ' +
  'GoodOverload=002f GoodClamped=0030 BadNoCommunication=8031 BadWaitingForInitialData=8032 ' +
  'BadNodeIdInvalid=8033 BadNodeIdUnknown=8034 BadAttributeIdInvalid=8035 BadIndexRangeInvalid=8036 ' +
  'BadIndexRangeNoData=8037 BadIndexRangeDataMismatch=80ea BadDataEncodingInvalid=8038 ' +
  'BadDataEncodingUnsupported=8039 BadNotReadable=803a BadNotWritable=803b BadOutOfRange=803c ' +
  'BadNotSupported=803d BadNotFound=803e BadObjectDeleted=803f BadNotImplemented=8040 ' +
  'BadMonitoringModeInvalid=8041 BadMonitoredItemIdInvalid=8042 BadMonitoredItemFilterInvalid=8043 ' +
  'BadMonitoredItemFilterUnsupported=8044 BadFilterNotAllowed=8045 BadStructureMissing=8046 ' +
  'BadEventFilterInvalid=8047 BadContentFilterInvalid=8048 BadFilterOperatorInvalid=80c1 ' +
  'BadFilterOperatorUnsupported=80c2 BadFilterOperandCountMismatch=80c3 BadFilterOperandInvalid=8049 ' +
  'BadFilterElementInvalid=80c4 BadFilterLiteralInvalid=80c5 BadContinuationPointInvalid=804a ' +
  'BadNoContinuationPoints=804b BadReferenceTypeIdInvalid=804c BadBrowseDirectionInvalid=804d ' +
  'BadNodeNotInView=804e BadNumericOverflow=8112 BadLocaleNotSupported=80ed BadNoValue=80f0 ' +
  'BadServerUriInvalid=804f BadServerNameMissing=8050 BadDiscoveryUrlMissing=8051 ' +
  'BadSempahoreFileMissing=8052 BadRequestTypeInvalid=8053 BadSecurityModeRejected=8054 ' +
  'BadSecurityPolicyRejected=8055 BadTooManySessions=8056 BadUserSignatureInvalid=8057 ' +
  'BadApplicationSignatureInvalid=8058 BadNoValidCertificates=8059 BadIdentityChangeNotSupported=80c6 ' +
  'BadRequestCancelledByRequest=805a BadParentNodeIdInvalid=805b BadReferenceNotAllowed=805c ' +
  'BadNodeIdRejected=805d BadNodeIdExists=805e BadNodeClassInvalid=805f BadBrowseNameInvalid=8060 ' +
  'BadBrowseNameDuplicated=8061 BadNodeAttributesInvalid=8062 BadTypeDefinitionInvalid=8063 ' +
  'BadSourceNodeIdInvalid=8064 BadTargetNodeIdInvalid=8065 BadDuplicateReferenceNotAllowed=8066 ' +
  'BadInvalidSelfReference=8067 BadReferenceLocalOnly=8068 BadNoDeleteRights=8069 ' +
  'UncertainReferenceNotDeleted=40bc BadServerIndexInvalid=806a BadViewIdUnknown=806b ' +
  'BadViewTimestampInvalid=80c9 BadViewParameterMismatch=80ca BadViewVersionInvalid=80cb ' +
  'UncertainNotAllNodesAvailable=40c0 GoodResultsMayBeIncomplete=00ba BadNotTypeDefinition=80c8 ' +
  'UncertainReferenceOutOfServer=406c BadTooManyMatches=806d BadQueryTooComplex=806e BadNoMatch=806f ' +
  'BadMaxAgeInvalid=8070 BadSecurityModeInsufficient=80e6 BadHistoryOperationInvalid=8071 ' +
  'BadHistoryOperationUnsupported=8072 BadInvalidTimestampArgument=80bd BadWriteNotSupported=8073 ' +
  'BadTypeMismatch=8074 BadMethodInvalid=8075 BadArgumentsMissing=8076 BadNotExecutable=8111 ' +
  'BadTooManySubscriptions=8077 BadTooManyPublishRequests=8078 BadNoSubscription=8079 ' +
  'BadSequenceNumberUnknown=807a GoodRetransmissionQueueNotSupported=00df BadMessageNotAvailable=807b ' +
  'BadInsufficientClientProfile=807c BadStateNotActive=80bf BadAlreadyExists=8115 ' +
  'BadTcpServerTooBusy=807d BadTcpMessageTypeInvalid=807e BadTcpSecureChannelUnknown=807f ' +
  'BadTcpMessageTooLarge=8080 BadTcpNotEnoughResources=8081 BadTcpInternalError=8082 ' +
  'BadTcpEndpointUrlInvalid=8083 BadRequestInterrupted=8084 BadRequestTimeout=8085 ' +
  'BadSecureChannelClosed=8086 BadSecureChannelTokenUnknown=8087 BadSequenceNumberInvalid=8088 ' +
  'BadProtocolVersionUnsupported=80be BadConfigurationError=8089 BadNotConnected=808a ' +
  'BadDeviceFailure=808b BadSensorFailure=808c BadOutOfService=808d BadDeadbandFilterInvalid=808e ' +
  'UncertainNoCommunicationLastUsableValue=408f UncertainLastUsableValue=4090 ' +
  'UncertainSubstituteValue=4091 UncertainInitialValue=4092 UncertainSensorNotAccurate=4093 ' +
  'UncertainEngineeringUnitsExceeded=4094 UncertainSubNormal=4095 GoodLocalOverride=0096 ' +
  'GoodSubNormal=00eb BadRefreshInProgress=8097 BadConditionAlreadyDisabled=8098 ' +
  'BadConditionAlreadyEnabled=80cc BadConditionDisabled=8099 BadEventIdUnknown=809a ' +
  'BadEventNotAcknowledgeable=80bb BadDialogNotActive=80cd BadDialogResponseInvalid=80ce ' +
  'BadConditionBranchAlreadyAcked=80cf BadConditionBranchAlreadyConfirmed=80d0 ' +
  'BadConditionAlreadyShelved=80d1 BadConditionNotShelved=80d2 BadShelvingTimeOutOfRange=80d3 ' +
  'BadNoData=809b BadBoundNotFound=80d7 BadBoundNotSupported=80d8 BadDataLost=809d ' +
  'BadDataUnavailable=809e BadEntryExists=809f BadNoEntryExists=80a0 BadTimestampNotSupported=80a1 ' +
  'GoodEntryInserted=00a2 GoodEntryReplaced=00a3 UncertainDataSubNormal=40a4 GoodNoData=00a5 ' +
  'GoodMoreData=00a6 BadAggregateListMismatch=80d4 BadAggregateNotSupported=80d5 ' +
  'BadAggregateInvalidInputs=80d6 BadAggregateConfigurationRejected=80da GoodDataIgnored=00d9 ' +
  'BadRequestNotAllowed=80e4 BadRequestNotComplete=8113 BadTransactionPending=80e8 ' +
  'BadTicketRequired=811f BadTicketInvalid=8120 BadLocked=80e9 BadRequiresLock=80ec GoodEdited=00dc ' +
  'GoodPostActionFailed=00dd UncertainDominantValueChanged=40de GoodDependentValueChanged=00e0 ' +
  'BadDominantValueChanged=80e1 UncertainDependentValueChanged=40e2 BadDependentValueChanged=80e3 ' +
  'GoodCommunicationEvent=00a7 GoodShutdownEvent=00a8 GoodCallAgain=00a9 GoodNonCriticalTimeout=00aa ' +
  'BadInvalidArgument=80ab BadConnectionRejected=80ac BadDisconnect=80ad BadConnectionClosed=80ae ' +
  'BadInvalidState=80af BadEndOfStream=80b0 BadNoDataAvailable=80b1 BadWaitingForResponse=80b2 ' +
  'BadOperationAbandoned=80b3 BadExpectedStreamToBlock=80b4 BadWouldBlock=80b5 BadSyntaxError=80b6 ' +
  'BadMaxConnectionsReached=80b7 BadDataSetIdInvalid=80e7 ';

const STATUS_NAMES = new Map<number, string>();
for (const e of STATUS_TABLE.split(' ')) {
  if (e === '') continue;
  const [name, hi] = e.split('=');
  STATUS_NAMES.set(parseInt(hi, 16), name);
}

/** The name of a status code by its upper 16 bits ("Good", "BadSessionIdInvalid"), unknown-<n> otherwise. */
export function statusName(code: number): string {
  return STATUS_NAMES.get(code >>> 16) ?? `unknown-${code >>> 0}`;
}

/** Attribute ids (Part 6 §A.1) of the attributes reads and writes name most. */
export function attributeName(id: number): string {
  const n = ATTRIBUTES[id];
  return n !== undefined ? n : `unknown-${id}`;
}

const ATTRIBUTES: readonly string[] = [
  '', 'NodeId', 'NodeClass', 'BrowseName', 'DisplayName', 'Description', 'WriteMask', 'UserWriteMask',
  'IsAbstract', 'Symmetric', 'InverseName', 'ContainsNoLoops', 'EventNotifier', 'Value', 'DataType',
  'ValueRank', 'ArrayDimensions', 'AccessLevel', 'UserAccessLevel', 'MinimumSamplingInterval',
  'Historizing', 'Executable', 'UserExecutable', 'DataTypeDefinition', 'RolePermissions',
  'UserRolePermissions', 'AccessRestrictions', 'AccessLevelEx',
];
