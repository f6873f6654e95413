package net.twinblock.iscsi.scsi;

/**
 * An I_T nexus: one initiator port (iSCSI name plus ISID) talking to this target portal
 * group. Unit attentions and reservations are kept per nexus.
 */
public record Nexus(String initiatorName, long isid, int targetPortalGroupTag) {
    /** The SCSI initiator port name, "iqn...,i,0x&lt;isid&gt;" (RFC 7143 §4.2.7). */
    public String initiatorPortName() {
        return initiatorName + ",i,0x" + String.format("%012x", isid);
    }
}
