package net.twinblock.mirror.witness;

/** No authenticated connection to the witness when the call was made, or it was lost before the answer came. */
public final class WitnessUnavailableException extends WitnessException {

    private static final long serialVersionUID = 1L;

    public WitnessUnavailableException(String message) {
        super(message);
    }
}
