package net.twinblock.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.concurrent.ThreadLocalRandom;
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
 * The data digest over a 4 KiB and a 128 KiB segment, for each buffer shape the codec meets:
 * heap (tests, small control PDUs), direct (socket reads and pooled writes) and composite (a
 * payload that straddled socket reads, 16 KiB pieces). Divide the size by the time for GB/s; the
 * JDK's CRC32C is intrinsic, so all three should stay close.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class Crc32cBenchmark {
    @Param({"4096", "131072"})
    int size;

    @Param({"heap", "direct", "composite"})
    String kind;

    private ByteBuf buf;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        switch (kind) {
            case "heap" -> buf = Unpooled.wrappedBuffer(bytes);
            case "direct" -> buf = PooledByteBufAllocator.DEFAULT.directBuffer(size).writeBytes(bytes);
            case "composite" -> {
                CompositeByteBuf composite = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(64);
                for (int at = 0; at < size; at += 16384) {
                    int n = Math.min(16384, size - at);
                    composite.addComponent(true, PooledByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(bytes, at, n));
                }
                buf = composite;
            }
            default -> throw new IllegalArgumentException("kind: heap, direct or composite, got " + kind);
        }
    }

    @Benchmark
    public int compute() {
        return Crc32c.compute(buf);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        buf.release();
    }
}
