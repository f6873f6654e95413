package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One mirrored write across the peer link's codec: framing on the primary (WriteFramer), the
 * encoder, then the secondary's decoder. A 4 KiB write takes the small-write path (one frame); a
 * 128 KiB write the large-write path (begin, data, end), so the two figures show what the extra
 * frames of the large path cost per write, apart from the bytes themselves.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class MirrorFrameBenchmark {
    @Param({"4096", "131072"})
    int length;

    private final WriteFramer framer = new WriteFramer();
    /** The host's write data; every mirrored write gets its own retained slice of it. */
    private ByteBuf payload;
    private EmbeddedChannel primary;
    private EmbeddedChannel secondary;
    private int sequence;

    @Setup(Level.Trial)
    public void setUp() {
        payload = PooledByteBufAllocator.DEFAULT.directBuffer(length).writeZero(length);
        primary = new EmbeddedChannel(new PeerFrameEncoder());
        secondary = new EmbeddedChannel(new PeerFrameDecoder());
    }

    @Benchmark
    public int mirrorOneWrite() {
        // The slice's reference passes to the frames; the encoder releases each frame it writes.
        List<PeerMessage> frames = framer.frames(sequence++, 1L << 20, payload.retainedSlice(), false);
        for (PeerMessage frame : frames) {
            primary.write(frame);
        }
        primary.flush();
        ByteBuf wire;
        while ((wire = primary.readOutbound()) != null) {
            // The decoder owns what it is given.
            secondary.writeInbound(wire);
        }
        int received = 0;
        Object msg;
        while ((msg = secondary.readInbound()) != null) {
            received++;
            ReferenceCountUtil.release(msg);
        }
        return received;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        primary.finishAndReleaseAll();
        secondary.finishAndReleaseAll();
        payload.release();
    }
}
