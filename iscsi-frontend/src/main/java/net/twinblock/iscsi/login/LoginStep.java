package net.twinblock.iscsi.login;

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

    public enum Status {
        CONTINUE, COMPLETE, FAILED
    }
}
