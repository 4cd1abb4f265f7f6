// Kerberos V5 wire constants (RFC 4120 5.10 application tags and message types, 7.5.9 error
// codes, RFC 3961/3962/4757/8009/6803 encryption types, RFC 4120 7.5.2 and RFC 4556 pre-
// authentication types). Error and cipher names are Zeek's (base/protocols/krb/consts.zeek),
// with the RFC 8009 types Zeek's table lacks added as the RFC spells them.

export const KRB_PORT = 88;

export const KRB_AS_REQ = 10;
export const KRB_AS_REP = 11;
export const KRB_TGS_REQ = 12;
export const KRB_TGS_REP = 13;
export const KRB_AP_REQ = 14;
export const KRB_AP_REP = 15;
export const KRB_SAFE = 20;
export const KRB_PRIV = 21;
export const KRB_CRED = 22;
export const KRB_ERROR = 30;

export const MESSAGE_TYPES: Readonly<Record<number, string>> = {
  10: 'AS-REQ', 11: 'AS-REP', 12: 'TGS-REQ', 13: 'TGS-REP', 14: 'AP-REQ', 15: 'AP-REP', 20: 'KRB-SAFE', 21: 'KRB-PRIV',
  22: 'KRB-CRED', 30: 'KRB-ERROR',
};

export function messageTypeName(t: number): string {
  return MESSAGE_TYPES[t] ?? `unknown-${t}`;
}

/** Zeek's KRB::error_msg. */
export const ERROR_NAMES: Readonly<Record<number, string>> = {
  0: 'KDC_ERR_NONE', 1: 'KDC_ERR_NAME_EXP', 2: 'KDC_ERR_SERVICE_EXP', 3: 'KDC_ERR_BAD_PVNO', 4: 'KDC_ERR_C_OLD_MAST_KVNO',
  5: 'KDC_ERR_S_OLD_MAST_KVNO', 6: 'KDC_ERR_C_PRINCIPAL_UNKNOWN', 7: 'KDC_ERR_S_PRINCIPAL_UNKNOWN',
  8: 'KDC_ERR_PRINCIPAL_NOT_UNIQUE', 9: 'KDC_ERR_NULL_KEY', 10: 'KDC_ERR_CANNOT_POSTDATE', 11: 'KDC_ERR_NEVER_VALID',
  12: 'KDC_ERR_POLICY', 13: 'KDC_ERR_BADOPTION', 14: 'KDC_ERR_ETYPE_NOSUPP', 15: 'KDC_ERR_SUMTYPE_NOSUPP',
  16: 'KDC_ERR_PADATA_TYPE_NOSUPP', 17: 'KDC_ERR_TRTYPE_NOSUPP', 18: 'KDC_ERR_CLIENT_REVOKED', 19: 'KDC_ERR_SERVICE_REVOKED',
  20: 'KDC_ERR_TGT_REVOKED', 21: 'KDC_ERR_CLIENT_NOTYET', 22: 'KDC_ERR_SERVICE_NOTYET', 23: 'KDC_ERR_KEY_EXPIRED',
  24: 'KDC_ERR_PREAUTH_FAILED', 25: 'KDC_ERR_PREAUTH_REQUIRED', 26: 'KDC_ERR_SERVER_NOMATCH', 27: 'KDC_ERR_MUST_USE_USER2USER',
  28: 'KDC_ERR_PATH_NOT_ACCEPTED', 29: 'KDC_ERR_SVC_UNAVAILABLE', 31: 'KRB_AP_ERR_BAD_INTEGRITY', 32: 'KRB_AP_ERR_TKT_EXPIRED',
  33: 'KRB_AP_ERR_TKT_NYV', 34: 'KRB_AP_ERR_REPEAT', 35: 'KRB_AP_ERR_NOT_US', 36: 'KRB_AP_ERR_BADMATCH', 37: 'KRB_AP_ERR_SKEW',
  38: 'KRB_AP_ERR_BADADDR', 39: 'KRB_AP_ERR_BADVERSION', 40: 'KRB_AP_ERR_MSG_TYPE', 41: 'KRB_AP_ERR_MODIFIED',
  42: 'KRB_AP_ERR_BADORDER', 44: 'KRB_AP_ERR_BADKEYVER', 45: 'KRB_AP_ERR_NOKEY', 46: 'KRB_AP_ERR_MUT_FAIL',
  47: 'KRB_AP_ERR_BADDIRECTION', 48: 'KRB_AP_ERR_METHOD', 49: 'KRB_AP_ERR_BADSEQ', 50: 'KRB_AP_ERR_INAPP_CKSUM',
  51: 'KRB_AP_PATH_NOT_ACCEPTED', 52: 'KRB_ERR_RESPONSE_TOO_BIG', 60: 'KRB_ERR_GENERIC', 61: 'KRB_ERR_FIELD_TOOLONG',
  62: 'KDC_ERROR_CLIENT_NOT_TRUSTED', 63: 'KDC_ERROR_KDC_NOT_TRUSTED', 64: 'KDC_ERROR_INVALID_SIG', 65: 'KDC_ERR_KEY_TOO_WEAK',
  66: 'KDC_ERR_CERTIFICATE_MISMATCH', 67: 'KRB_AP_ERR_NO_TGT', 68: 'KDC_ERR_WRONG_REALM', 69: 'KRB_AP_ERR_USER_TO_USER_REQUIRED',
  70: 'KDC_ERR_CANT_VERIFY_CERTIFICATE', 71: 'KDC_ERR_INVALID_CERTIFICATE', 72: 'KDC_ERR_REVOKED_CERTIFICATE',
  73: 'KDC_ERR_REVOCATION_STATUS_UNKNOWN', 74: 'KDC_ERR_REVOCATION_STATUS_UNAVAILABLE', 75: 'KDC_ERR_CLIENT_NAME_MISMATCH',
  76: 'KDC_ERR_KDC_NAME_MISMATCH',
};

export function errorName(c: number): string {
  return ERROR_NAMES[c] ?? `unknown-${c}`;
}

/** The error a KDC sends to ask for pre-authentication: Zeek's default `ignored_errors` leaves these exchanges out of kerberos.log. */
export const KDC_ERR_PREAUTH_REQUIRED = 25;
/** Errors that mean a wrong or refused login (for docs and tests). */
export const KDC_ERR_PREAUTH_FAILED = 24;

/** Zeek's KRB::cipher_name, plus RFC 8009 (19, 20). */
export const CIPHER_NAMES: Readonly<Record<number, string>> = {
  1: 'des-cbc-crc', 2: 'des-cbc-md4', 3: 'des-cbc-md5', 5: 'des3-cbc-md5', 7: 'des3-cbc-sha1', 9: 'dsaWithSHA1-CmsOID',
  10: 'md5WithRSAEncryption-CmsOID', 11: 'sha1WithRSAEncryption-CmsOID', 12: 'rc2CBC-EnvOID', 13: 'rsaEncryption-EnvOID',
  14: 'rsaES-OAEP-ENV-OID', 15: 'des-ede3-cbc-Env-OID', 16: 'des3-cbc-sha1-kd', 17: 'aes128-cts-hmac-sha1-96',
  18: 'aes256-cts-hmac-sha1-96', 19: 'aes128-cts-hmac-sha256-128', 20: 'aes256-cts-hmac-sha384-192', 23: 'rc4-hmac',
  24: 'rc4-hmac-exp', 25: 'camellia128-cts-cmac', 26: 'camellia256-cts-cmac', 65: 'subkey-keymaterial',
};

export function cipherName(e: number): string {
  return CIPHER_NAMES[e] ?? `unknown-${e}`;
}

/** Pre-authentication data types (RFC 4120 7.5.2, RFC 4556, RFC 6113, MS-KILE). */
export const PADATA_NAMES: Readonly<Record<number, string>> = {
  1: 'PA-TGS-REQ', 2: 'PA-ENC-TIMESTAMP', 3: 'PA-PW-SALT', 11: 'PA-ETYPE-INFO', 14: 'PA-PK-AS-REQ_OLD', 15: 'PA-PK-AS-REP_OLD',
  16: 'PA-PK-AS-REQ', 17: 'PA-PK-AS-REP', 19: 'PA-ETYPE-INFO2', 20: 'PA-SVR-REFERRAL-INFO', 128: 'PA-PAC-REQUEST',
  129: 'PA-FOR-USER', 130: 'PA-FOR-X509-USER', 133: 'PA-FX-COOKIE', 136: 'PA-FX-FAST', 137: 'PA-FX-ERROR',
  138: 'PA-ENCRYPTED-CHALLENGE', 147: 'PA-OTP-REQUEST', 149: 'PA-REQ-ENC-PA-REP', 150: 'PA-AS-FRESHNESS',
  165: 'PA-SUPPORTED-ENCTYPES', 167: 'PA-PAC-OPTIONS',
};
export const PA_PK_AS_REQ_OLD = 14;
export const PA_PK_AS_REP_OLD = 15;
export const PA_PK_AS_REQ = 16;
export const PA_PK_AS_REP = 17;

export function padataName(t: number): string {
  return PADATA_NAMES[t] ?? `unknown-${t}`;
}

/** KDCOptions bits (RFC 4120 5.4.1), numbered from the most significant bit of the first octet. */
export const KDC_OPT_FORWARDABLE = 1;
export const KDC_OPT_RENEWABLE = 8;

/** X.500 attribute types for certificate subjects (RFC 4514 short names). */
export const X500_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.9': 'STREET', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '1.2.840.113549.1.9.1': 'emailAddress', '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

/** Names read from one principal, etypes and padata from one request. */
export const MAX_NAME_PARTS = 8;
export const MAX_LIST = 16;
