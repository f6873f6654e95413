package net.twinblock.mirror.resync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(LeakGuard.class)
class ChecksumAlgorithmTest {

    /** Published check values: CRC-32C of "123456789", the RFC 1321 / FIPS 180 "abc" digests. */
    @ParameterizedTest
    @CsvSource({
        "CRC32C, 123456789, e3069283",
        "MD5,    abc,       900150983cd24fb0d6963f7d28e17f72",
        "SHA1,   abc,       a9993e364706816aba3e25717850c26c9cd0d89d",
        "SHA256, abc,       ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    })
    void knownValues(ChecksumAlgorithm algorithm, String input, String hex) {
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer();
        try {
            direct.writeBytes(input.getBytes(StandardCharsets.US_ASCII));
            assertEquals(hex, ByteBufUtil.hexDump(algorithm.hash(direct)));
            assertEquals(0, direct.readerIndex(), "hashing must not consume the buffer");
            assertEquals(algorithm.hashLength(), hex.length() / 2);
        } finally {
            direct.release();
        }
    }

    /** Read buffers and PDU payloads come in pieces: the hash must not depend on how the bytes are split. */
    @ParameterizedTest
    @EnumSource(ChecksumAlgorithm.class)
    void piecesHashLikeTheWhole(ChecksumAlgorithm algorithm) {
        byte[] data = new byte[10_000];
        new Random(1).nextBytes(data);
        CompositeByteBuf composite = PooledByteBufAllocator.DEFAULT.compositeBuffer();
        try {
            ByteBuf d = PooledByteBufAllocator.DEFAULT.directBuffer();
            d.writeBytes(data, 0, 3000);
            composite.addComponent(true, d);
            composite.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(data, 3000, 7001)));
            ByteBuf d2 = PooledByteBufAllocator.DEFAULT.directBuffer();
            d2.writeBytes(data, 7001, data.length - 7001);
            composite.addComponent(true, d2);
            byte[] whole = algorithm.hash(Unpooled.wrappedBuffer(data));
            assertArrayEquals(whole, algorithm.hash(composite));

            // A part of the buffer, into an offset of a shared output array, with a reused hasher.
            ChecksumAlgorithm.Hasher hasher = algorithm.newHasher();
            byte[] out = new byte[2 * algorithm.hashLength()];
            hasher.hash(composite, 2500, 5000, out, 0);
            hasher.hash(composite, 0, data.length, out, algorithm.hashLength());
            assertArrayEquals(algorithm.hash(Unpooled.wrappedBuffer(data, 2500, 5000)),
                    Arrays.copyOfRange(out, 0, algorithm.hashLength()));
            assertArrayEquals(whole, Arrays.copyOfRange(out, algorithm.hashLength(), out.length));
        } finally {
            composite.release();
        }
    }

    @Test
    void oneFlippedBitChangesEveryHash() {
        byte[] data = new byte[4096];
        new Random(2).nextBytes(data);
        byte[] flipped = data.clone();
        flipped[1234] ^= 0x10;
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            assertFalse(Arrays.equals(a.hash(Unpooled.wrappedBuffer(data)), a.hash(Unpooled.wrappedBuffer(flipped))),
                    a.name());
        }
    }

    @Test
    void configNames() {
        assertEquals(ChecksumAlgorithm.CRC32C, ChecksumAlgorithm.fromConfig("resync.checksum", "crc32c"));
        assertEquals(ChecksumAlgorithm.SHA256, ChecksumAlgorithm.fromConfig("resync.checksum", "SHA-256"));
        assertEquals(ChecksumAlgorithm.SHA1, ChecksumAlgorithm.fromConfig("resync.checksum", " sha1 "));
        assertEquals(ChecksumAlgorithm.MD5, ChecksumAlgorithm.fromConfig("resync.checksum", "md5"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChecksumAlgorithm.fromConfig("resync.checksum", "xxhash"));
        assertTrue(e.getMessage().startsWith("resync.checksum"), e.getMessage());
        assertTrue(e.getMessage().contains("xxhash"), e.getMessage());
    }
}
