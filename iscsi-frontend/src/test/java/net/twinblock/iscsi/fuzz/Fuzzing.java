package net.twinblock.iscsi.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;

/** How a decoder fuzz target feeds its pipeline, and what it allows to be thrown. */
final class Fuzzing {

    private Fuzzing() {
    }

    /**
     * Writes the rest of {@code in} into {@code ch} in chunks of the fuzzer's choosing (as TCP
     * may split a stream), hands each decoded message to {@code check} and releases it, until the
     * input ends or the pipeline closed the connection (a refusal too). Only a DecoderException
     * caused by {@code refusal} may be thrown; the channel's leftovers are released at the end.
     */
    static void feed(EmbeddedChannel ch, FuzzedDataProvider in, Class<? extends Throwable> refusal,
            Consumer<Object> check) {
        try {
            while (in.remainingBytes() > 0 && ch.isOpen()) {
                byte[] chunk = in.consumeBytes(in.consumeInt(1, 300));
                try {
                    ch.writeInbound(Unpooled.wrappedBuffer(chunk)); // the pipeline owns the buffer now
                } catch (DecoderException e) {
                    expect(e, refusal);
                }
                for (Object m = ch.readInbound(); m != null; m = ch.readInbound()) {
                    try {
                        check.accept(m);
                    } finally {
                        ReferenceCountUtil.release(m);
                    }
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** Rethrows {@code e} unless it is, or was caused by, an {@code expected}. */
    static void expect(RuntimeException e, Class<? extends Throwable> expected) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (expected.isInstance(t)) {
                return;
            }
        }
        throw e;
    }
}
