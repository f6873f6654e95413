package net.twinblock.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
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
 * Cost of turning socket bytes into one SCSI Command PDU carrying a write's immediate data: the
 * decoder's per-PDU work on the write path (header parse, zero-copy payload slice, optional
 * CRC32C digests). Includes one EmbeddedChannel pipeline hop, as the real decoder has one too.
 *
 * <p>{@code readSize} 0 hands the whole PDU over in one read; 16384 splits it into 16 KiB reads,
 * as a 128 KiB write arrives from a real socket, so the payload straddles cumulated buffers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class PduDecodeBenchmark {
    @Param({"4096", "131072"})
    int dataLength;

    @Param({"false", "true"})
    boolean digests;

    @Param({"0", "16384"})
    int readSize;

    /** The PDU as it arrives, one pooled direct buffer per socket read; never consumed. */
    private final List<ByteBuf> reads = new ArrayList<>();
    private EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setUp() {
        ByteBuf wire = WirePdus.scsiWriteCommand(PooledByteBufAllocator.DEFAULT, dataLength, digests);
        int chunk = readSize == 0 ? wire.readableBytes() : readSize;
        for (int at = 0; at < wire.readableBytes(); at += chunk) {
            int n = Math.min(chunk, wire.readableBytes() - at);
            reads.add(PooledByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(wire, at, n));
        }
        wire.release();
        PduDecoder decoder = new PduDecoder();
        decoder.setMaxRecvDataSegmentLength(262144);
        decoder.setDigests(digests, digests);
        channel = new EmbeddedChannel(decoder);
    }

    @Benchmark
    public int decode() {
        for (ByteBuf read : reads) {
            // The decoder owns (and releases) what it is given: a retained view, not our original.
            channel.writeInbound(read.retainedDuplicate());
        }
        Pdu pdu = channel.readInbound();
        int length = pdu.dataSegmentLength();
        pdu.release();
        return length;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        reads.forEach(ByteBuf::release);
        reads.clear();
    }
}
