package net.twinblock.iscsi.login;

import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.Pdu;

/**
 * What one Login Request produced.
 *
 * @param response the Login Response to write; ownership passes to the caller (write it, and the
 *                 encoder releases it)
 * @param status   CONTINUE: wait for the next Login Request; COMPLETE: switch to the full feature
 *                 phase after writing; FAILED: write, then close the connection
 * @param result   the negotiated session when COMPLETE, else null
 */
public record LoginStep(Pdu response, Status status, LoginResult result) {

    /**
     * True for a refusal because of who the initiator is (authentication or authorization
     * failure): what a prober guessing names or secrets gets.
     */
    public boolean deniesAccess() {
        if (status != Status.FAILED) {
            return false;
        }
        int code = response.u8(Bhs.Login.STATUS_CLASS) << 8 | response.u8(Bhs.Login.STATUS_DETAIL);
        return code == LoginStatus.AUTHENTICATION_FAILURE.code() || code == LoginStatus.AUTHORIZATION_FAILURE.code();
    }

    public enum Status {
        CONTINUE, COMPLETE, FAILED
    }
}
