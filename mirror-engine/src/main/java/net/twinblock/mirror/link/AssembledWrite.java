package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/** A large write put together from its frames: {@code data} is a CompositeByteBuf of the received chunks, not copied. */
public record AssembledWrite(int sequence, long offset, boolean fua, ByteBuf data, int frames) implements MirroredWrite {
}
