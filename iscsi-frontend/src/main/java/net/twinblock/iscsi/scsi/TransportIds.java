package net.twinblock.iscsi.scsi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.twinblock.iscsi.reservation.InitiatorPort;

/**
 * iSCSI TransportIDs (SPC-4 §7.6.4.6): format 00b names an initiator device ("iqn..."),
 * format 01b one of its ports ("iqn...,i,0x&lt;ISID&gt;"). PROUT names other initiators with them
 * (SPEC_I_PT, REGISTER AND MOVE); READ FULL STATUS reports registrants with them.
 */
final class TransportIds {

    private static final int PROTOCOL_ISCSI = 0x5;
    private static final int FORMAT_DEVICE = 0;
    private static final int FORMAT_PORT = 1;
    private static final int HEADER = 4;

    private TransportIds() {
    }

    /** The TransportID of {@code port}: format 01b, padded to a multiple of four. */
    static byte[] encode(InitiatorPort port) {
        boolean any = port.isid() == InitiatorPort.ANY_ISID;
        byte[] name = port.portName().getBytes(StandardCharsets.UTF_8);
        int body = Math.max(20, (name.length + 1 + 3) & ~3);
        byte[] out = new byte[HEADER + body];
        out[0] = (byte) ((any ? FORMAT_DEVICE : FORMAT_PORT) << 6 | PROTOCOL_ISCSI);
        Cdb.putShort(out, 2, body);
        System.arraycopy(name, 0, out, HEADER, name.length);
        return out;
    }

    /**
     * Parses the TransportIDs in {@code list[from, from + length)}; each names a port seen through
     * {@code relativePortId}. A malformed one is INVALID FIELD IN PARAMETER LIST at its offset.
     */
    static List<InitiatorPort> decodeAll(byte[] list, int from, int length, int relativePortId) {
        List<InitiatorPort> ports = new ArrayList<>();
        int p = from;
        int end = from + length;
        while (p < end) {
            if (p + HEADER > end) {
                throw invalid(p);
            }
            int body = Cdb.u16(list, p + 2);
            if (body < 4 || p + HEADER + body > end) {
                throw invalid(p + 2);
            }
            ports.add(decode(list, p, relativePortId));
            p += HEADER + body;
        }
        return ports;
    }

    /** Parses one TransportID at {@code list[p]}. */
    static InitiatorPort decode(byte[] list, int p, int relativePortId) {
        if (p + HEADER > list.length) {
            throw invalid(p);
        }
        int format = (list[p] & 0xc0) >>> 6;
        if ((list[p] & 0x0f) != PROTOCOL_ISCSI || (format != FORMAT_DEVICE && format != FORMAT_PORT)) {
            throw invalid(p);
        }
        int body = Cdb.u16(list, p + 2);
        if (p + HEADER + body > list.length) {
            throw invalid(p + 2);
        }
        int n = 0;
        while (n < body && list[p + HEADER + n] != 0) {
            n++;
        }
        String text = new String(list, p + HEADER, n, StandardCharsets.UTF_8);
        if (format == FORMAT_DEVICE) {
            if (text.isEmpty() || text.contains(",")) {
                throw invalid(p + HEADER);
            }
            return new InitiatorPort(text, InitiatorPort.ANY_ISID, relativePortId);
        }
        int sep = text.toLowerCase(java.util.Locale.ROOT).indexOf(",i,0x");
        if (sep <= 0) {
            throw invalid(p + HEADER);
        }
        try {
            long isid = Long.parseUnsignedLong(text.substring(sep + 5), 16);
            if (isid >>> 48 != 0) {
                throw invalid(p + HEADER);
            }
            return new InitiatorPort(text.substring(0, sep), isid, relativePortId);
        } catch (NumberFormatException e) {
            throw invalid(p + HEADER);
        }
    }

    private static CheckCondition invalid(int offset) {
        return new CheckCondition(SenseData.invalidFieldInParameterList(offset, -1));
    }
}
