package net.twinblock.iscsi.session;

/**
 * One logged-in session as the admin status shows it.
 *
 * @param initiatorName the InitiatorName key
 * @param isid          the ISID, as 12 hex digits
 * @param tsih          the TSIH we assigned
 * @param type          "normal" or "discovery"
 * @param remoteAddress the initiator's address and port
 * @param commands      SCSI commands received so far
 * @param connections   its open connections (MaxConnections=1: 1, or 0 while it ends)
 * @param inFlight      commands received and not yet answered
 */
public record SessionInfo(String initiatorName, String isid, int tsih, String type, String remoteAddress,
                          long commands, int connections, int inFlight) {
}
