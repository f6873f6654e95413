package net.twinblock.iscsi.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.embedded.EmbeddedChannel;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.pdu.PduDecoder;
import net.twinblock.iscsi.pdu.PduFormatException;

/**
 * Whatever bytes a host sends, split however TCP delivers them, the PDU decoder yields PDUs or a
 * {@link PduFormatException} (which ends the connection or the PDU), never another exception,
 * and every buffer it took is released. Seeds: real PDUs in {@code PduDecoderFuzzTestInputs}.
 */
class PduDecoderFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void anyByteStreamDecodesToPdusOrAFormatError(FuzzedDataProvider in) {
        PduDecoder decoder = new PduDecoder();
        decoder.setDigests(in.consumeBoolean(), in.consumeBoolean());
        if (in.consumeBoolean()) {
            decoder.setMaxRecvDataSegmentLength(in.consumeInt(PduDecoder.MIN_MAX_RECV_DATA_SEGMENT_LENGTH, 262144));
        }
        Fuzzing.feed(new EmbeddedChannel(decoder), in, PduFormatException.class,
                m -> assertTrue(m instanceof Pdu, "decoded " + m));
    }
}
