package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * A complete write as the secondary applies it, whichever way it arrived. Owns {@code data}
 * (for a large write a CompositeByteBuf of the received chunks, still not copied).
 */
public record MirroredWrite(int sequence, long offset, boolean fua, ByteBuf data, int frames) implements DataCarrier {
}
