package net.twinblock.mirror.link;

import io.netty.handler.codec.DecoderException;

/**
 * The peer sent something this node cannot accept. The link is closed: once one frame is wrong
 * nothing after it can be trusted to be framed right, and a mirror must never guess.
 */
public class PeerFrameException extends DecoderException {

    private static final long serialVersionUID = 1L;

    public PeerFrameException(String message) {
        super(message);
    }

    public PeerFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
