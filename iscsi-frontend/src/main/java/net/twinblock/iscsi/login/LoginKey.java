package net.twinblock.iscsi.login;

import java.util.HashMap;
import java.util.Map;

/**
 * Every key of RFC 7143 §12-13 that this target understands, with its result function, when
 * it may be sent, its legal numeric range and its default. Keys not listed here are answered
 * NotUnderstood.
 */
public enum LoginKey {
    // security (§12)
    AUTH_METHOD("AuthMethod", KeyType.LIST, KeyUsage.LO, KeyScope.SECURITY, "None"),
    CHAP_A("CHAP_A", KeyType.LIST, KeyUsage.LO, KeyScope.SECURITY, null),
    CHAP_I("CHAP_I", KeyType.DECLARATIVE, KeyUsage.LO, KeyScope.SECURITY, null),
    CHAP_C("CHAP_C", KeyType.DECLARATIVE, KeyUsage.LO, KeyScope.SECURITY, null),
    CHAP_N("CHAP_N", KeyType.DECLARATIVE, KeyUsage.LO, KeyScope.SECURITY, null),
    CHAP_R("CHAP_R", KeyType.DECLARATIVE, KeyUsage.LO, KeyScope.SECURITY, null),

    // identity (§13.2-13.9, §13.21)
    SESSION_TYPE("SessionType", KeyType.DECLARATIVE, KeyUsage.LO, KeyScope.IDENTITY, "Normal"),
    INITIATOR_NAME("InitiatorName", KeyType.DECLARATIVE, KeyUsage.IO, KeyScope.IDENTITY, null),
    INITIATOR_ALIAS("InitiatorAlias", KeyType.DECLARATIVE, KeyUsage.ALL, KeyScope.IDENTITY, null),
    TARGET_NAME("TargetName", KeyType.DECLARATIVE, KeyUsage.IO, KeyScope.IDENTITY, null),
    TARGET_ALIAS("TargetAlias", KeyType.DECLARATIVE, KeyUsage.ALL, KeyScope.IDENTITY, null),
    TARGET_ADDRESS("TargetAddress", KeyType.DECLARATIVE, KeyUsage.ALL, KeyScope.IDENTITY, null),
    TARGET_PORTAL_GROUP_TAG("TargetPortalGroupTag", KeyType.DECLARATIVE, KeyUsage.IO, KeyScope.IDENTITY, null),
    SEND_TARGETS("SendTargets", KeyType.DECLARATIVE, KeyUsage.FFPO, KeyScope.IDENTITY, null),

    // operational (§13.1, §13.10-13.20, §13.23, §13.26)
    HEADER_DIGEST("HeaderDigest", KeyType.LIST, KeyUsage.IO, "None", false),
    DATA_DIGEST("DataDigest", KeyType.LIST, KeyUsage.IO, "None", false),
    MAX_CONNECTIONS("MaxConnections", KeyType.NUMERICAL_MIN, KeyUsage.LO, 1, 65535, 1, true),
    INITIAL_R2T("InitialR2T", KeyType.BOOLEAN_OR, KeyUsage.LO, "Yes", true),
    IMMEDIATE_DATA("ImmediateData", KeyType.BOOLEAN_AND, KeyUsage.LO, "Yes", true),
    MAX_RECV_DATA_SEGMENT_LENGTH("MaxRecvDataSegmentLength", KeyType.DECLARATIVE, KeyUsage.ALL,
            512, 16777215, 8192, false),
    MAX_BURST_LENGTH("MaxBurstLength", KeyType.NUMERICAL_MIN, KeyUsage.LO, 512, 16777215, 262144, true),
    FIRST_BURST_LENGTH("FirstBurstLength", KeyType.NUMERICAL_MIN, KeyUsage.LO, 512, 16777215, 65536, true),
    DEFAULT_TIME2WAIT("DefaultTime2Wait", KeyType.NUMERICAL_MAX, KeyUsage.LO, 0, 3600, 2, false),
    DEFAULT_TIME2RETAIN("DefaultTime2Retain", KeyType.NUMERICAL_MIN, KeyUsage.LO, 0, 3600, 20, false),
    MAX_OUTSTANDING_R2T("MaxOutstandingR2T", KeyType.NUMERICAL_MIN, KeyUsage.LO, 1, 65535, 1, true),
    DATA_PDU_IN_ORDER("DataPDUInOrder", KeyType.BOOLEAN_OR, KeyUsage.LO, "Yes", true),
    DATA_SEQUENCE_IN_ORDER("DataSequenceInOrder", KeyType.BOOLEAN_OR, KeyUsage.LO, "Yes", true),
    ERROR_RECOVERY_LEVEL("ErrorRecoveryLevel", KeyType.NUMERICAL_MIN, KeyUsage.LO, 0, 2, 0, false),
    TASK_REPORTING("TaskReporting", KeyType.LIST, KeyUsage.LO, "RFC3720", true),
    // Markers were removed by RFC 7143 §13.26: OFMarker/IFMarker may be answered No (what every
    // RFC 3720 peer expects of an AND key we do not support); the intervals must be Rejected.
    OF_MARKER("OFMarker", KeyType.BOOLEAN_AND, KeyUsage.IO, "No", false),
    IF_MARKER("IFMarker", KeyType.BOOLEAN_AND, KeyUsage.IO, "No", false),
    OF_MARK_INT("OFMarkInt", KeyType.OBSOLETE, KeyUsage.IO, null, false),
    IF_MARK_INT("IFMarkInt", KeyType.OBSOLETE, KeyUsage.IO, null, false);

    private static final Map<String, LoginKey> BY_NAME = new HashMap<>();

    static {
        for (LoginKey k : values()) {
            BY_NAME.put(k.wireName, k);
        }
    }

    private final String wireName;
    private final KeyType type;
    private final KeyUsage usage;
    private final KeyScope scope;
    private final String defaultValue;
    private final long min;
    private final long max;
    private final boolean irrelevantInDiscovery;

    LoginKey(String wireName, KeyType type, KeyUsage usage, KeyScope scope, String defaultValue) {
        this(wireName, type, usage, scope, defaultValue, 0, 0, false);
    }

    LoginKey(String wireName, KeyType type, KeyUsage usage, String defaultValue, boolean irrelevantInDiscovery) {
        this(wireName, type, usage, KeyScope.OPERATIONAL, defaultValue, 0, 0, irrelevantInDiscovery);
    }

    LoginKey(String wireName, KeyType type, KeyUsage usage, long min, long max, long defaultValue,
             boolean irrelevantInDiscovery) {
        this(wireName, type, usage, KeyScope.OPERATIONAL, Long.toString(defaultValue), min, max,
                irrelevantInDiscovery);
    }

    LoginKey(String wireName, KeyType type, KeyUsage usage, KeyScope scope, String defaultValue, long min,
             long max, boolean irrelevantInDiscovery) {
        this.wireName = wireName;
        this.type = type;
        this.usage = usage;
        this.scope = scope;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.irrelevantInDiscovery = irrelevantInDiscovery;
    }

    /** @return the key with this exact (case-sensitive, §6.1) name, or null if we do not know it. */
    public static LoginKey of(String wireName) {
        return BY_NAME.get(wireName);
    }

    public String wireName() {
        return wireName;
    }

    public KeyType type() {
        return type;
    }

    public KeyUsage usage() {
        return usage;
    }

    public KeyScope scope() {
        return scope;
    }

    /** The RFC default, in force until negotiated; null where the RFC defines none. */
    public String defaultValue() {
        return defaultValue;
    }

    public boolean numeric() {
        return type == KeyType.NUMERICAL_MIN || type == KeyType.NUMERICAL_MAX || max > 0;
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    /** RFC 7143 §13: keys that only matter to a normal session are answered Irrelevant in discovery. */
    public boolean irrelevantInDiscovery() {
        return irrelevantInDiscovery;
    }
}
