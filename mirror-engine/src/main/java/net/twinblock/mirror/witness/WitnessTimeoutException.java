package net.twinblock.mirror.witness;

/** The witness did not answer within the call's time-out; the client drops the connection and reconnects. */
public final class WitnessTimeoutException extends WitnessException {

    private static final long serialVersionUID = 1L;

    public WitnessTimeoutException(String message) {
        super(message);
    }
}
