package net.twinblock.it.client;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A loopback TCP proxy between a third-party initiator and the node that forwards every byte
 * unchanged and writes down each PDU header it sees, in order: the capture used to decide which
 * side of a failed exchange is wrong. Assumes no digests (the clients here never negotiate them).
 */
public final class PduTap implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final List<String> transcript = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final boolean absorbUnitAttention;

    /** A pure tap: forwards everything unchanged. */
    public PduTap(int targetPort) throws IOException {
        this(targetPort, false);
    }

    /**
     * @param absorbUnitAttention when true, right after each successful login the tap sends one
     *     immediate TEST UNIT READY of its own and swallows the answer: it consumes the power-on
     *     UNIT ATTENTION that SAM-5 has the target report on a new I_T nexus, for initiators (jSCSI)
     *     that cannot handle it. Immediate, so the initiator's CmdSN numbering is untouched; only its
     *     ExpStatSN lags by one, which a target must tolerate.
     */
    public PduTap(int targetPort, boolean absorbUnitAttention) throws IOException {
        this.targetPort = targetPort;
        this.absorbUnitAttention = absorbUnitAttention;
        this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "pdu-tap-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** One line per PDU: direction, opcode, flags, ITT, and the fields that explain a failure. */
    public List<String> transcript() {
        synchronized (transcript) {
            return List.copyOf(transcript);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket initiator = server.accept();
                Socket target = new Socket();
                target.connect(new InetSocketAddress("127.0.0.1", targetPort), 10_000);
                sockets.add(initiator);
                sockets.add(target);
                OutputStream toTarget = target.getOutputStream();
                pump(initiator, target, toTarget, "I->T");
                pump(target, initiator, toTarget, "T->I");
            } catch (IOException e) {
                return;
            }
        }
    }

    /** ITT of the tap's own TEST UNIT READY; far from the small ITTs initiators start with. */
    static final int TAP_ITT = 0x7ab0_0001;

    private void pump(Socket from, Socket to, OutputStream toTarget, String direction) {
        boolean towardsInitiator = direction.equals("T->I");
        Thread t = new Thread(() -> {
            try (DataInputStream in = new DataInputStream(from.getInputStream())) {
                OutputStream out = to.getOutputStream();
                // Both pumps write to the target; whole PDUs only, never interleaved.
                Object lock = toTarget;
                while (true) {
                    byte[] bhs = new byte[RawPdu.BHS_LENGTH];
                    in.readFully(bhs);
                    int ahs = (bhs[4] & 0xff) * 4;
                    int dsl = (bhs[5] & 0xff) << 16 | (bhs[6] & 0xff) << 8 | (bhs[7] & 0xff);
                    byte[] rest = new byte[ahs + ((dsl + 3) & ~3)];
                    in.readFully(rest);
                    byte[] data = java.util.Arrays.copyOfRange(rest, ahs, ahs + dsl);
                    RawPdu pdu = new RawPdu(bhs, data);
                    if (towardsInitiator && pdu.itt() == TAP_ITT) {
                        transcript.add("tap " + describe(pdu) + " (absorbed)");
                        continue;
                    }
                    transcript.add(direction + " " + describe(pdu));
                    if (towardsInitiator && absorbUnitAttention && pdu.opcode() == RawPdu.LOGIN_RESPONSE
                            && (pdu.flags() & 0x83) == 0x83 && pdu.byteAt(36) == 0) {
                        // Before the initiator even learns it is logged in, so our command is first.
                        RawPdu tur = RawPdu.of(RawPdu.IMMEDIATE | RawPdu.SCSI_COMMAND, new byte[0]).flags(0x81)
                                .lun(0).itt(TAP_ITT).intAt(24, pdu.expCmdSn()).intAt(28, pdu.statSn() + 1);
                        transcript.add("tap " + describe(tur));
                        synchronized (lock) {
                            toTarget.write(tur.toBytes());
                            toTarget.flush();
                        }
                    }
                    synchronized (towardsInitiator ? out : lock) {
                        out.write(bhs);
                        out.write(rest);
                        out.flush();
                    }
                }
            } catch (EOFException e) {
                transcript.add(direction + " closed");
            } catch (IOException e) {
                transcript.add(direction + " " + e);
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException ignored) {
                    // the other side is already gone
                }
            }
        }, "pdu-tap-" + direction);
        t.setDaemon(true);
        t.start();
    }

    static String describe(RawPdu p) {
        StringBuilder s = new StringBuilder(String.format("op=0x%02x%s flags=0x%02x itt=0x%08x dsl=%d",
                p.opcode(), (p.byteAt(0) & 0x40) != 0 ? "(I)" : "", p.flags(), p.itt(), p.dataSegmentLength()));
        switch (p.opcode()) {
            case RawPdu.LOGIN_REQUEST, RawPdu.LOGIN_RESPONSE, RawPdu.TEXT_REQUEST, RawPdu.TEXT_RESPONSE -> {
                if (p.opcode() == RawPdu.LOGIN_RESPONSE) {
                    s.append(String.format(" status=%02x%02x", p.byteAt(36), p.byteAt(37)));
                }
                s.append(String.format(" isid=%s tsih=%d sn24=%d sn28=%d keys=%s", hex(p.bhs(), 8, 6),
                        p.byteAt(14) << 8 | p.byteAt(15), p.intAt(24), p.intAt(28),
                        TextKeys.decode(p.data())));
            }
            case RawPdu.SCSI_COMMAND -> s.append(String.format(" lun=%02x%02x edtl=%d cmdsn=%d expstatsn=%d cdb=%s",
                    p.byteAt(8), p.byteAt(9), p.intAt(20), p.intAt(24), p.intAt(28), hex(p.bhs(), 32, 16)));
            case RawPdu.SCSI_RESPONSE -> s.append(String.format(" response=%d status=0x%02x statsn=%d expcmdsn=%d "
                    + "residual=%d sense=%s", p.byteAt(2), p.byteAt(3), p.statSn(), p.expCmdSn(), p.intAt(44),
                    hex(p.data(), 0, p.data().length)));
            case RawPdu.DATA_IN -> s.append(String.format(" status=0x%02x statsn=%d datasn=%d offset=%d residual=%d",
                    p.byteAt(3), p.statSn(), p.intAt(36), p.intAt(40), p.intAt(44)));
            case RawPdu.DATA_OUT -> s.append(String.format(" ttt=0x%08x datasn=%d offset=%d", p.ttt(), p.intAt(36),
                    p.intAt(40)));
            case RawPdu.R2T -> s.append(String.format(" ttt=0x%08x r2tsn=%d offset=%d length=%d", p.ttt(),
                    p.intAt(36), p.intAt(40), p.intAt(44)));
            case RawPdu.REJECT -> s.append(String.format(" reason=0x%02x", p.byteAt(2)));
            default -> {
            }
        }
        return s.toString();
    }

    private static String hex(byte[] b, int from, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < from + length && i < b.length; i++) {
            s.append(String.format("%02x", b[i]));
        }
        return s.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
