package net.twinblock.iscsi.scsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A session layer that hands over an unpadded CDB still gets correct answers, not errors. */
class ShortCdbTest {

    private static ScsiResponse run(ScsiHarness h, byte[] cdb, int edtl) throws Exception {
        ScsiRequest r = new ScsiRequest(ScsiHarness.NEXUS, 0, cdb, edtl, true, false, Unpooled.EMPTY_BUFFER,
                TaskAttribute.SIMPLE, ByteBufAllocator.DEFAULT);
        return h.dispatcher.execute(r).get(10, TimeUnit.SECONDS);
    }

    @Test
    void sixByteCdbsWork() throws Exception {
        try (ScsiHarness h = new ScsiHarness(512, 300)) {
            ScsiResponse read6 = run(h, ScsiHarness.rw6(0x08, 0, 0), 256 * 512);
            assertEquals(ScsiStatus.GOOD, read6.status());
            assertEquals(256 * 512, read6.dataIn().readableBytes());
            read6.dataIn().release();
            ScsiResponse inquiry = run(h, ScsiHarness.inquiry(false, 0, 36), 36);
            assertEquals(36, inquiry.dataIn().readableBytes());
            inquiry.dataIn().release();
            ScsiResponse lone = run(h, new byte[] {(byte) 0x9e}, 32); // service action byte missing
            assertEquals(ScsiStatus.CHECK_CONDITION, lone.status());
            assertEquals(0x24, lone.sense()[12]);
        }
    }
}
