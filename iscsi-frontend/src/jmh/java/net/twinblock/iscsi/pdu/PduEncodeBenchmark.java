package net.twinblock.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
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
 * Cost of putting one Data-In PDU (a read's payload, with status) on the wire: building the PDU
 * around a retained slice of the payload, then the encoder's header, pad and optional CRC32C
 * digests. The payload is never copied, so without digests the cost should not grow with size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class PduEncodeBenchmark {
    @Param({"4096", "131072"})
    int dataLength;

    @Param({"false", "true"})
    boolean digests;

    /** Stands for the block data a read produced; each PDU gets its own retained slice. */
    private ByteBuf payload;
    private EmbeddedChannel channel;
    private int itt;

    @Setup(Level.Trial)
    public void setUp() {
        payload = PooledByteBufAllocator.DEFAULT.directBuffer(dataLength).writeZero(dataLength);
        PduEncoder encoder = new PduEncoder();
        encoder.setDigests(digests, digests);
        channel = new EmbeddedChannel(encoder);
    }

    @Benchmark
    public int encode() {
        // The retained slice's reference passes to the Pdu; the encoder releases the Pdu.
        Pdu pdu = Pdu.create(channel.alloc(), IscsiOpcode.SCSI_DATA_IN, payload.retainedSlice());
        pdu.setFlags(Bhs.FLAG_FINAL | Bhs.DataIn.FLAG_STATUS).setItt(itt++);
        pdu.u32(Bhs.DataIn.TTT, Pdu.RESERVED_TAG);
        channel.writeOutbound(pdu);
        ByteBuf wire = channel.readOutbound();
        int length = wire.readableBytes();
        wire.release();
        return length;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        payload.release();
    }
}
