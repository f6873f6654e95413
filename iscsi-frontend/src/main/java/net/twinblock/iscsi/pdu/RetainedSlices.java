package net.twinblock.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Cuts a payload out of the decoder's cumulation without copying it.
 *
 * <p>Why not just {@code in.retainedSlice(...)}: when {@code in} is the decoder's
 * CompositeByteBuf, that slice would retain the composite itself. ByteToMessageDecoder's
 * cumulators treat a cumulation with refCnt &gt; 1 as shared: they stop appending to it and
 * stop discarding its read components (the merge cumulator even copies everything into a new
 * buffer). Slicing the composite's components instead leaves the cumulation at refCnt 1, so
 * it keeps growing in place and freeing what was read, while each payload slice pins only the
 * socket buffers its own bytes live in.
 *
 * <p>One exception: a payload scattered over more than {@value #MAX_PIECES} socket reads is
 * copied into one buffer. That only happens when the peer trickles tiny segments; there every
 * piece would pin a whole receive buffer (memory amplification a slow sender could abuse) and a
 * many-piece composite costs more to walk than one copy.
 */
final class RetainedSlices {
    static final int MAX_PIECES = 16;

    private RetainedSlices() {
    }

    /**
     * @return a buffer of {@code length} bytes sharing memory with {@code in} at absolute
     *     {@code index}, holding its own reference(s); the caller owns it (release once).
     */
    static ByteBuf retainedSlice(ByteBuf in, int index, int length, ByteBufAllocator alloc) {
        if (!(in instanceof CompositeByteBuf composite)) {
            return in.retainedSlice(index, length);
        }
        int first = composite.toComponentIndex(index);
        int last = composite.toComponentIndex(index + length - 1);
        if (first == last) {
            return componentSlice(composite, first, index, length);
        }
        if (last - first + 1 > MAX_PIECES) {
            ByteBuf copy = alloc.buffer(length, length);
            return copy.writeBytes(composite, index, length);
        }
        // The payload straddles a few socket reads: gather the pieces, still without copying bytes.
        CompositeByteBuf pieces = alloc.compositeBuffer(last - first + 1);
        try {
            int at = index;
            int remaining = length;
            for (int c = first; c <= last; c++) {
                int componentEnd = composite.toByteIndex(c) + composite.internalComponent(c).readableBytes();
                int n = Math.min(remaining, componentEnd - at);
                // addComponent(true, ..) takes ownership of the retained piece.
                pieces.addComponent(true, componentSlice(composite, c, at, n));
                at += n;
                remaining -= n;
            }
            return pieces;
        } catch (RuntimeException | Error e) {
            pieces.release();
            throw e;
        }
    }

    private static ByteBuf componentSlice(CompositeByteBuf composite, int component, int index, int length) {
        // internalComponent is a view whose readable bytes are exactly this component's bytes.
        ByteBuf part = composite.internalComponent(component);
        int offsetInPart = index - composite.toByteIndex(component);
        return part.retainedSlice(part.readerIndex() + offsetInPart, length);
    }
}
