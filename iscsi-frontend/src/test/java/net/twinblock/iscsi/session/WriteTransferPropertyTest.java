package net.twinblock.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.twinblock.iscsi.login.SessionParams;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;

/**
 * Data-Out bookkeeping against every way a well-behaved host may cut a write into PDUs
 * (immediate data, an unsolicited burst that may stop short, R2T sequences answered in pieces of
 * any size), and against the same streams reordered or with a PDU moved: a correct stream
 * completes exactly once, at its last PDU, with the host's bytes; any other is refused at the
 * first PDU that breaks the rules (we negotiate DataPDUInOrder and DataSequenceInOrder), and
 * nothing is held afterwards.
 */
class WriteTransferPropertyTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final int NO_TTT = Pdu.RESERVED_TAG;

    /** One Data-Out as the host would send it. */
    record DataOut(int ttt, int dataSn, int offset, byte[] payload, boolean last) {
    }

    @Property(tries = 200)
    void anySplitOfACorrectStreamCompletesOnceWithTheHostsBytes(
            @ForAll @IntRange(min = 1, max = 16_000) int edtl,
            @ForAll @IntRange(min = 1, max = 16) int firstBurstKiB,
            @ForAll @IntRange(min = 1, max = 16) int maxBurstKiB,
            @ForAll boolean initialR2T, @ForAll boolean immediateData,
            @ForAll @IntRange(min = 1, max = 4) int maxOutstandingR2T, @ForAll long seed) throws Exception {
        SessionParams params = params(firstBurstKiB * 512, maxBurstKiB * 512, initialR2T, immediateData,
                maxOutstandingR2T);
        Random rnd = new Random(seed);
        byte[] data = TargetHarness.pattern(edtl, (int) seed);
        Host host = new Host(params, data, rnd);
        UnsolicitedBudget budget = new UnsolicitedBudget(UnsolicitedBudget.DEFAULT_LIMIT);
        Pdu command = host.command();
        WriteTransfer t;
        try {
            t = new WriteTransfer(edtl, edtl, params, ALLOC, command, host.finalBit, budget);
        } finally {
            command.release();
        }
        List<DataOut> unsolicited = host.unsolicited();
        int sent = 0;
        for (DataOut d : unsolicited) {
            assertFalse(t.complete(), "complete before the last Data-Out");
            send(t, d);
            sent++;
        }
        AtomicInteger tags = new AtomicInteger(1000);
        ArrayDeque<WriteTransfer.Solicitation> asked = new ArrayDeque<>();
        while (true) {
            List<WriteTransfer.Solicitation> r2ts = t.solicit(tags::getAndIncrement);
            asked.addAll(r2ts);
            assertTrue(asked.size() <= maxOutstandingR2T, "at most MaxOutstandingR2T outstanding");
            for (WriteTransfer.Solicitation s : r2ts) {
                assertTrue(s.length() <= params.maxBurstLength(), "an R2T asks for at most MaxBurstLength");
            }
            WriteTransfer.Solicitation head = asked.pollFirst();
            if (head == null) {
                break;
            }
            for (DataOut d : host.answer(head)) {
                assertFalse(t.complete(), "complete before the last Data-Out");
                send(t, d);
                sent++;
            }
        }
        assertTrue(t.complete(), "a whole stream completes (" + sent + " Data-Out PDUs)");
        ByteBuf all = t.take();
        try {
            assertArrayEquals(data, ByteBufUtil.getBytes(all));
        } finally {
            all.release();
        }
        assertEquals(0, budget.held(), "the unsolicited allowance is given back");
    }

    @Property(tries = 200)
    void aReorderedOrShiftedStreamIsRefusedAtTheFirstBadPdu(
            @ForAll @IntRange(min = 2, max = 8_192) int edtl, @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 2) int fault) throws Exception {
        // One unsolicited sequence carries all of it (InitialR2T=No, FirstBurstLength >= EDTL).
        SessionParams params = params(8192, 8192, false, false, 1);
        Random rnd = new Random(seed);
        byte[] data = TargetHarness.pattern(edtl, (int) seed);
        List<DataOut> stream = split(NO_TTT, 0, data, 0, edtl, rnd, 1 + rnd.nextInt(Math.min(edtl, 12)));
        int bad;
        List<DataOut> sent = new ArrayList<>(stream);
        if (fault == 0 && stream.size() > 1) {
            Collections.shuffle(sent, rnd);
            bad = 0;
            while (bad < sent.size() && sent.get(bad) == stream.get(bad)) {
                bad++;
            }
        } else {
            // Move one PDU's offset (an overlap or a gap), or let the last one run past the EDTL.
            bad = rnd.nextInt(stream.size());
            DataOut d = stream.get(bad);
            if (fault == 1 || bad != stream.size() - 1) {
                int delta = (rnd.nextBoolean() ? 1 : -1) * (1 + rnd.nextInt(d.offset() + 1 + 64));
                sent.set(bad, new DataOut(d.ttt(), d.dataSn(), d.offset() + delta, d.payload(), d.last()));
            } else {
                byte[] longer = Arrays.copyOf(d.payload(), d.payload().length + 1 + rnd.nextInt(512));
                sent.set(bad, new DataOut(d.ttt(), d.dataSn(), d.offset(), longer, d.last()));
            }
        }
        UnsolicitedBudget budget = new UnsolicitedBudget(UnsolicitedBudget.DEFAULT_LIMIT);
        Pdu command = Pdu.create(ALLOC, IscsiOpcode.SCSI_COMMAND, null);
        command.setFlags(Bhs.ScsiCommand.FLAG_WRITE);
        WriteTransfer t;
        try {
            t = new WriteTransfer(edtl, edtl, params, ALLOC, command, false, budget);
        } finally {
            command.release();
        }
        try {
            for (int i = 0; i < sent.size(); i++) {
                DataOut d = sent.get(i);
                if (i == bad) {
                    assertThrows(DataOutException.class, () -> send(t, d), "PDU " + i + " of " + sent.size());
                    assertFalse(t.complete());
                    return;
                }
                send(t, d);
            }
            assertEquals(sent.size(), bad, "only an unchanged stream gets through");
            assertTrue(t.complete());
        } finally {
            t.release();
            assertEquals(0, budget.held(), "a refused transfer holds nothing");
        }
    }

    /** A host following the negotiated rules, cutting every sequence into random pieces. */
    private static final class Host {
        private final SessionParams params;
        private final byte[] data;
        private final Random rnd;
        private final int immediate;
        private final int unsolicitedEnd;
        final boolean finalBit;

        Host(SessionParams params, byte[] data, Random rnd) {
            this.params = params;
            this.data = data;
            this.rnd = rnd;
            int edtl = data.length;
            int firstBurst = Math.min(params.firstBurstLength(), edtl);
            immediate = params.immediateData() ? rnd.nextInt(firstBurst + 1) : 0;
            boolean mayGoOn = !params.initialR2T() && immediate < firstBurst;
            finalBit = !(mayGoOn && rnd.nextBoolean());
            // An unsolicited sequence may stop short of FirstBurstLength; the rest is solicited.
            unsolicitedEnd = finalBit ? immediate : immediate + 1 + rnd.nextInt(firstBurst - immediate);
        }

        Pdu command() {
            Pdu pdu = Pdu.create(ALLOC, IscsiOpcode.SCSI_COMMAND,
                    immediate == 0 ? null : Unpooled.wrappedBuffer(data, 0, immediate));
            pdu.setFlags(Bhs.ScsiCommand.FLAG_WRITE | (finalBit ? Bhs.FLAG_FINAL : 0));
            return pdu;
        }

        List<DataOut> unsolicited() {
            return finalBit ? List.of() : split(NO_TTT, 0, data, immediate, unsolicitedEnd, rnd, 6);
        }

        List<DataOut> answer(WriteTransfer.Solicitation r2t) {
            return split(r2t.ttt(), 0, data, r2t.offset(), r2t.offset() + r2t.length(), rnd, 5);
        }
    }

    /** [from, to) of {@code data} as at most {@code pieces} Data-Out PDUs, DataSN from {@code dataSn}, F on the last. */
    private static List<DataOut> split(int ttt, int dataSn, byte[] data, int from, int to, Random rnd, int pieces) {
        List<DataOut> out = new ArrayList<>();
        int at = from;
        int sn = dataSn;
        while (at < to) {
            int left = to - at;
            int n = out.size() == pieces - 1 ? left : 1 + rnd.nextInt(left);
            out.add(new DataOut(ttt, sn++, at, Arrays.copyOfRange(data, at, at + n), at + n == to));
            at += n;
        }
        return out;
    }

    private static void send(WriteTransfer t, DataOut d) throws DataOutException {
        Pdu pdu = Pdu.create(ALLOC, IscsiOpcode.SCSI_DATA_OUT, Unpooled.wrappedBuffer(d.payload()));
        try {
            pdu.setFlags(d.last() ? Bhs.FLAG_FINAL : 0);
            pdu.u32(Bhs.DataOut.TTT, d.ttt());
            pdu.u32(Bhs.DataOut.DATA_SN, d.dataSn());
            pdu.u32(Bhs.DataOut.BUFFER_OFFSET, d.offset());
            t.onDataOut(pdu);
        } finally {
            pdu.release(); // the transfer keeps its own retained slice
        }
    }

    private static SessionParams params(int firstBurst, int maxBurst, boolean initialR2T, boolean immediateData,
            int maxOutstandingR2T) {
        return new SessionParams(262144, 262144, firstBurst, Math.max(firstBurst, maxBurst), initialR2T,
                immediateData, maxOutstandingR2T, false, false, true, true, 0, 0, 0);
    }
}
