package net.twinblock.iscsi.reservation;

import java.util.Objects;

/**
 * The two ends of an I_T nexus as reservations see them: the initiator port (iSCSI name and
 * ISID) and this device's relative target port identifier, which differs between the two
 * nodes of a pair. An ISID of {@link #ANY_ISID} stands for every port of the initiator, as a
 * TransportID without ISID (format 00b) names it.
 */
public record InitiatorPort(String initiatorName, long isid, int relativePortId) {

    public static final long ANY_ISID = -1;

    public InitiatorPort {
        Objects.requireNonNull(initiatorName, "initiatorName");
        initiatorName = initiatorName.toLowerCase(java.util.Locale.ROOT); // iSCSI names compare case-insensitively
    }

    /** True if this initiator port reached through {@code relativePortId} is {@code other}. */
    boolean sameInitiatorPort(InitiatorPort other) {
        return initiatorName.equals(other.initiatorName)
                && (isid == ANY_ISID || other.isid == ANY_ISID || isid == other.isid);
    }

    /** "iqn...,i,0x&lt;isid&gt;", the SCSI initiator port name (RFC 7143 §4.2.7). */
    public String portName() {
        return isid == ANY_ISID ? initiatorName : initiatorName + ",i,0x" + String.format("%012x", isid);
    }
}
