package net.twinblock.iscsi.login;

/**
 * What a successful login leaves for the full feature phase.
 *
 * @param type          discovery or normal
 * @param initiatorName InitiatorName key
 * @param initiatorAlias InitiatorAlias key, or null
 * @param isid          the 48-bit ISID
 * @param tsih          the TSIH the target assigned (non-zero)
 * @param cid           connection id
 * @param params        negotiated operational parameters
 * @param expCmdSn      the CmdSN the first full-feature command will carry
 * @param statSn        the next StatSN the target will use
 * @param reinstated    true when this login replaced an existing session with the same ISID
 */
public record LoginResult(SessionType type, String initiatorName, String initiatorAlias, long isid,
                          int tsih, int cid, SessionParams params, int expCmdSn, int statSn,
                          boolean reinstated) {
}
