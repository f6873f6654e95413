package net.twinblock.mirror.witness;

import java.nio.charset.StandardCharsets;

/** Why the sender is about to close, in words for the other side's log (cut to {@value #MAX_MESSAGE_BYTES} bytes). */
public record WitnessError(WitnessErrorCode code, String message) implements WitnessMessage {

    static final int MAX_MESSAGE_BYTES = 1024;

    public WitnessError {
        if (code == null) {
            throw new IllegalArgumentException("error code is missing");
        }
        message = message == null ? "" : message;
        if (message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            // Cut by characters until it fits: never a broken UTF-8 sequence on the wire.
            int n = Math.min(message.length(), MAX_MESSAGE_BYTES);
            while (message.substring(0, n).getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
                n--;
            }
            if (n > 0 && Character.isHighSurrogate(message.charAt(n - 1))) {
                n--;
            }
            message = message.substring(0, n);
        }
    }

    @Override
    public WitnessFrameType type() {
        return WitnessFrameType.ERROR;
    }
}
