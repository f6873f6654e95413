package net.twinblock.iscsi.login;

/**
 * The operational parameters a login settled on (RFC 7143 §13), as the full feature phase
 * uses them.
 *
 * @param maxRecvDataSegmentLength the most data WE accept in one PDU (what we declared)
 * @param maxXmitDataSegmentLength the most data we may SEND in one PDU (what the initiator declared)
 * @param firstBurstLength  unsolicited data limit per command
 * @param maxBurstLength    solicited data limit per R2T / Data-In sequence
 * @param initialR2T        true: no unsolicited Data-Out PDUs
 * @param immediateData     true: data may ride in the SCSI Command PDU
 * @param maxOutstandingR2T R2Ts in flight per task
 * @param headerDigest      CRC32C on headers
 * @param dataDigest        CRC32C on data segments
 * @param dataPduInOrder    DataPDUInOrder
 * @param dataSequenceInOrder DataSequenceInOrder
 * @param defaultTime2Wait  DefaultTime2Wait
 * @param defaultTime2Retain DefaultTime2Retain
 * @param errorRecoveryLevel always 0 for us
 */
public record SessionParams(int maxRecvDataSegmentLength, int maxXmitDataSegmentLength,
                            int firstBurstLength, int maxBurstLength, boolean initialR2T,
                            boolean immediateData, int maxOutstandingR2T, boolean headerDigest,
                            boolean dataDigest, boolean dataPduInOrder, boolean dataSequenceInOrder,
                            int defaultTime2Wait, int defaultTime2Retain, int errorRecoveryLevel) {
}
