package net.twinblock.mirror.witness;

import io.netty.handler.codec.DecoderException;

/** The other side sent a frame that is not the witness protocol: the connection is closed, nothing after it is trusted. */
public class WitnessFrameException extends DecoderException {

    private static final long serialVersionUID = 1L;

    public WitnessFrameException(String message) {
        super(message);
    }
}
