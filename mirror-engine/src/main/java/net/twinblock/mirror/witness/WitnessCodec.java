package net.twinblock.mirror.witness;

import io.netty.buffer.ByteBuf;
import net.twinblock.mirror.link.FrameHeader;

/**
 * Reads and writes the frames of one message type. The frame is the peer link's 16-byte
 * {@link FrameHeader} (opcode, payload length, sequence = request id, a 64-bit argument) and a
 * small body; a codec says what its type puts in the sequence and argument and lays out the body.
 */
interface WitnessCodec<M extends WitnessMessage> {

    /** The header of {@code m}'s frame: its type's opcode, the body length, sequence and argument. */
    FrameHeader header(M m);

    /** Writes exactly the body length {@link #header} announced. */
    void writeBody(M m, ByteBuf out);

    /**
     * Reads the message from its header and its whole body (the type and the body length are
     * already checked against the type's bounds).
     *
     * @throws IllegalArgumentException if the frame is malformed (the decoder closes the connection)
     */
    M read(FrameHeader header, ByteBuf body);
}
