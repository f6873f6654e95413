package net.twinblock.it;

import static net.twinblock.it.ReservationTest.assertGood;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;

/**
 * The SCSI commands cluster hosts send, built byte by byte as the standards lay them out, for
 * tests that drive a pair with {@link IscsiConnection}: reading reservations, COMPARE AND WRITE
 * (VMFS's atomic test-and-set) and EXTENDED COPY (LID1) between two LUs named by their NAA.
 */
final class ClusterCommands {

    static final int RESERVATION_CONFLICT = 0x18;

    private ClusterCommands() {
    }

    /** PERSISTENT RESERVE IN, READ KEYS: the registered keys. */
    static long[] readKeys(IscsiConnection c) throws IOException {
        ScsiResult r = c.command(0, new byte[] {0x5e, 0x00, 0, 0, 0, 0, 0, 0x10, 0, 0}, 4096, null);
        assertGood(r);
        ByteBuffer b = ByteBuffer.wrap(r.data());
        long[] keys = new long[b.getInt(4) / 8];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = b.getLong(8 + 8 * i);
        }
        return keys;
    }

    /** PERSISTENT RESERVE IN, READ RESERVATION: {key, type} of the reservation held, or null if none. */
    static long[] readReservation(IscsiConnection c) throws IOException {
        ScsiResult r = c.command(0, new byte[] {0x5e, 0x01, 0, 0, 0, 0, 0, 0, 24, 0}, 24, null);
        assertGood(r);
        ByteBuffer b = ByteBuffer.wrap(r.data());
        return b.getInt(4) == 0 ? null : new long[] {b.getLong(8), r.data()[21] & 0x0f};
    }

    /** Fails unless a reservation of {@code type} is held, with reservation key {@code key}. */
    static void assertHeldBy(IscsiConnection c, long key, int type) throws IOException {
        long[] held = readReservation(c);
        if (held == null) {
            fail("no reservation is held; expected type " + type + " with key " + Long.toHexString(key));
        }
        assertEquals(key, held[0], "the holder's key");
        assertEquals(type, held[1], "the reservation's type");
    }

    /** COMPARE AND WRITE of one 512-byte block: {@code expected} then {@code replacement}. */
    static ScsiResult compareAndWrite(IscsiConnection c, int lun, long lba, byte[] expected, byte[] replacement)
            throws IOException {
        ByteBuffer cdb = ByteBuffer.allocate(16);
        cdb.put(0, (byte) 0x89).putLong(2, lba).put(13, (byte) 1);
        byte[] data = Arrays.copyOf(expected, expected.length + replacement.length);
        System.arraycopy(replacement, 0, data, expected.length, replacement.length);
        return c.command(lun, cdb.array(), 0, data);
    }

    /** The LU's NAA designator from its Device Identification VPD page (0x83). */
    static byte[] naa(IscsiConnection c, int lun) throws IOException {
        ScsiResult r = c.inquiry(lun, true, 0x83, 512);
        assertGood(r);
        byte[] p = r.data();
        int end = Math.min(p.length, 4 + ((p[2] & 0xff) << 8 | (p[3] & 0xff)));
        for (int at = 4; at + 4 <= end; at += 4 + (p[at + 3] & 0xff)) {
            boolean binary = (p[at] & 0x0f) == 1;
            boolean naaOfLu = (p[at + 1] & 0x3f) == 0x03; // association LU (00b), designator type NAA (3)
            if (binary && naaOfLu) {
                return Arrays.copyOfRange(p, at + 4, at + 4 + (p[at + 3] & 0xff));
            }
        }
        throw new AssertionError("LUN " + lun + " reports no NAA designator");
    }

    /**
     * EXTENDED COPY (LID1) of one block-to-block segment: {@code blocks} source blocks from the
     * LU named {@code sourceNaa} (blocks of {@code sourceBlock} bytes) at {@code sourceLba} to
     * the one named {@code destinationNaa} at {@code destinationLba}; status held under {@code listId}.
     */
    static ScsiResult extendedCopy(IscsiConnection c, int listId, byte[] sourceNaa, int sourceBlock, long sourceLba,
                                   byte[] destinationNaa, int destinationBlock, long destinationLba, int blocks)
            throws IOException {
        ByteBuffer list = ByteBuffer.allocate(16 + 2 * 32 + 28);
        list.put(0, (byte) listId).put(1, (byte) 0); // LIST ID USAGE 00b: hold the status for RECEIVE COPY RESULTS
        list.putShort(2, (short) 64).putInt(8, 28).putInt(12, 0);
        identification(list, 16, sourceNaa, sourceBlock);
        identification(list, 48, destinationNaa, destinationBlock);
        int s = 80;
        list.put(s, (byte) 0x02).putShort(s + 2, (short) 0x18); // block to block, its length
        list.putShort(s + 4, (short) 0).putShort(s + 6, (short) 1).putShort(s + 10, (short) blocks);
        list.putLong(s + 12, sourceLba).putLong(s + 20, destinationLba);
        ByteBuffer cdb = ByteBuffer.allocate(16);
        cdb.put(0, (byte) 0x83).putInt(10, list.capacity());
        return c.command(0, cdb.array(), 0, list.array());
    }

    /** An identification CSCD descriptor (0xE4) naming a block device by its NAA. */
    private static void identification(ByteBuffer list, int at, byte[] naa, int blockSize) {
        list.put(at, (byte) 0xe4);
        list.put(at + 4, (byte) 0x01).put(at + 5, (byte) 0x03).put(at + 7, (byte) naa.length);
        list.put(at + 8, naa);
        list.put(at + 29, (byte) (blockSize >>> 16)).put(at + 30, (byte) (blockSize >>> 8)).put(at + 31, (byte) blockSize);
    }

    /** RECEIVE COPY RESULTS, COPY STATUS: {copy manager status, segments processed, bytes copied}. */
    static long[] copyStatus(IscsiConnection c, int listId) throws IOException {
        ByteBuffer cdb = ByteBuffer.allocate(16);
        cdb.put(0, (byte) 0x84).put(1, (byte) 0x00).put(2, (byte) listId).putInt(10, 12);
        ScsiResult r = c.command(0, cdb.array(), 12, null);
        assertGood(r);
        ByteBuffer b = ByteBuffer.wrap(r.data());
        long count = (b.getInt(8) & 0xffffffffL) << (10 * b.get(7));
        return new long[] {b.get(4) & 0x7f, b.getShort(5) & 0xffff, count};
    }
}
