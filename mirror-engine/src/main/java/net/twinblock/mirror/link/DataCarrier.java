package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * A message that owns write data. Its reference count is the data's: releasing the message
 * releases the data, so Netty's usual "whoever consumes a message releases it" rule applies.
 */
public interface DataCarrier extends ReferenceCounted {

    ByteBuf data();

    @Override
    default int refCnt() {
        return data().refCnt();
    }

    @Override
    default DataCarrier retain() {
        data().retain();
        return this;
    }

    @Override
    default DataCarrier retain(int increment) {
        data().retain(increment);
        return this;
    }

    @Override
    default DataCarrier touch() {
        data().touch();
        return this;
    }

    @Override
    default DataCarrier touch(Object hint) {
        data().touch(hint);
        return this;
    }

    @Override
    default boolean release() {
        return data().release();
    }

    @Override
    default boolean release(int decrement) {
        return data().release(decrement);
    }
}
