package net.twinblock.mirror.witness;

/** A witness call got no answer; a refusal is an answer (a {@link Verdict}), not this. */
public class WitnessException extends Exception {

    private static final long serialVersionUID = 1L;

    public WitnessException(String message) {
        super(message);
    }
}
