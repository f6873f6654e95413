package net.twinblock.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.pdu.RejectReason;
import org.junit.jupiter.api.Test;

/** A Text Request that is too long or not text is rejected, and the session goes on. */
class TextLimitsTest extends TargetHarness {

    private static final int PIECE = 8192;

    @Test
    void aRequestContinuedPast64KiBIsRejected() {
        TestInitiator i = session();
        int itt = i.newItt();
        byte[] piece = new byte[PIECE];
        Arrays.fill(piece, (byte) 'a');
        piece[0] = 'X';
        piece[1] = '-';
        piece[2] = '=';
        int ttt = Pdu.RESERVED_TAG;
        for (int sent = PIECE; sent <= TextExchange.MAX_REQUEST_TEXT; sent += PIECE) {
            i.send(text(i, itt, ttt, Bhs.Text.FLAG_CONTINUE, piece));
            Pdu empty = i.receive();
            try {
                assertEquals(IscsiOpcode.TEXT_RESPONSE, empty.opcode(), () -> "got " + empty);
                ttt = empty.u32(Bhs.Text.TTT);
            } finally {
                empty.release();
            }
        }
        i.send(text(i, itt, ttt, Bhs.Text.FLAG_CONTINUE, piece)); // 72 KiB gathered
        expectReject(i, RejectReason.PROTOCOL_ERROR);
        expectAlive(i);
    }

    @Test
    void aMalformedRequestIsRejectedAndTheSessionLives() {
        TestInitiator i = session();
        byte[] notText = "SendTargets\0".getBytes(StandardCharsets.UTF_8); // no '='
        i.send(text(i, i.newItt(), Pdu.RESERVED_TAG, Bhs.FLAG_FINAL, notText));
        expectReject(i, RejectReason.PROTOCOL_ERROR);
        expectAlive(i);
    }

    private static Pdu text(TestInitiator i, int itt, int ttt, int flags, byte[] data) {
        return i.textRequest(itt, ttt, flags, Unpooled.wrappedBuffer(data));
    }

    private static void expectReject(TestInitiator i, RejectReason reason) {
        Pdu reject = i.receive();
        try {
            assertEquals(IscsiOpcode.REJECT, reject.opcode(), () -> "got " + reject);
            assertEquals(reason.code(), reject.u8(Bhs.Reject.REASON));
        } finally {
            reject.release();
        }
    }

    private static void expectAlive(TestInitiator i) {
        i.send(i.nopOut(i.newItt(), Pdu.RESERVED_TAG, null));
        expect(i, IscsiOpcode.NOP_IN);
    }
}
