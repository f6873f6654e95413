package net.twinblock.iscsi.pdu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.util.HexFormat;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 3720 Appendix B.4 vectors; the expected values are the digest bytes as sent on the wire. */
class Crc32cTest {

    static Stream<Arguments> vectors() {
        byte[] ascending = new byte[32];
        byte[] descending = new byte[32];
        byte[] ones = new byte[32];
        for (int i = 0; i < 32; i++) {
            ascending[i] = (byte) i;
            descending[i] = (byte) (31 - i);
            ones[i] = (byte) 0xff;
        }
        byte[] readCommand = HexFormat.of().parseHex("01c00000000000000000000000000000"
                + "14000000000004000000001400000018" + "28000000000000000200000000000000");
        return Stream.of(
                Arguments.of("32 zeros", new byte[32], "aa36918a"),
                Arguments.of("32 ones", ones, "43aba862"),
                Arguments.of("32 incrementing", ascending, "4e79dd46"),
                Arguments.of("32 decrementing", descending, "5cdb3f11"),
                Arguments.of("iSCSI read command PDU", readCommand, "563a96d9"));
    }

    static Stream<Arguments> vectorsInEveryBufferKind() {
        Function<byte[], ByteBuf> heap = Unpooled::wrappedBuffer;
        Function<byte[], ByteBuf> direct = b -> PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(b);
        Function<byte[], ByteBuf> offset = b -> {
            ByteBuf buf = Unpooled.buffer().writeBytes(new byte[] {9, 9, 9}).writeBytes(b).writeByte(7);
            return buf.setIndex(3, 3 + b.length);
        };
        Function<byte[], ByteBuf> composite = b -> {
            CompositeByteBuf c = Unpooled.compositeBuffer();
            int cut1 = b.length / 3;
            int cut2 = 2 * b.length / 3;
            c.addComponent(true, Unpooled.wrappedBuffer(b, 0, cut1));
            c.addComponent(true, PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(b, cut1, cut2 - cut1));
            c.addComponent(true, Unpooled.wrappedBuffer(b, cut2, b.length - cut2));
            return c;
        };
        return vectors().flatMap(v -> Stream.of(heap, direct, offset, composite)
                .map(kind -> Arguments.of(v.get()[0], v.get()[1], v.get()[2], kind)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorsInEveryBufferKind")
    void digestBytesOnTheWireMatchRfc3720(String name, byte[] input, String wireHex, Function<byte[], ByteBuf> kind) {
        ByteBuf buf = kind.apply(input);
        ByteBuf out = Unpooled.buffer();
        try {
            int before = buf.readerIndex();
            Crc32c.writeDigest(out, Crc32c.compute(buf));
            assertEquals(wireHex, ByteBufUtil.hexDump(out), name);
            assertEquals(before, buf.readerIndex(), "compute must not consume the buffer");
            assertEquals(Crc32c.compute(buf), Crc32c.readDigest(out));
        } finally {
            buf.release();
            out.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void paddingIsCoveredAsZeros(String name, byte[] input, String ignored) {
        ByteBuf data = Unpooled.wrappedBuffer(input, 0, input.length - 3);
        // The data digest covers data + pad; the pad is not in the Pdu's buffer, so it is fed as zeros.
        assertEquals(WirePdu.crc(withZeroTail(input, 3)), Crc32c.computeWithPadding(data, 3));
    }

    private static byte[] withZeroTail(byte[] input, int n) {
        byte[] b = input.clone();
        for (int i = b.length - n; i < b.length; i++) {
            b[i] = 0;
        }
        return b;
    }
}
