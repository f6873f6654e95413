package net.twinblock.it.client;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A deliberately small, single-command-at-a-time iSCSI initiator over a plain socket: one
 * connection, no digests, ErrorRecoveryLevel 0. The tests use it as a well-behaved client they fully
 * control, and as a base to send malformed PDUs from. Not thread-safe.
 */
public final class IscsiConnection implements AutoCloseable {
    /** Longer than any node timeout we test, short enough that a hang fails the build, not blocks it. */
    public static final int READ_TIMEOUT_MILLIS = 30_000;
    public static final int OUR_MAX_RECV_DATA_SEGMENT_LENGTH = 262144;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] isid;

    private int nextItt = 1;
    private int cmdSn = 1;
    private int expStatSn;
    private int tsih;
    private boolean loggedIn;
    private Map<String, String> negotiated = Map.of();

    private IscsiConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 65536);
        this.out = socket.getOutputStream();
        // ISID type 0b10 ("random", RFC 7143 §11.12.5) so parallel test sessions never collide.
        this.isid = new byte[6];
        ThreadLocalRandom.current().nextBytes(isid);
        isid[0] = (byte) (0x80 | (isid[0] & 0x3f));
    }

    public static IscsiConnection connect(int port) throws IOException {
        return connect("127.0.0.1", port);
    }

    /** Connects to a portal at {@code host} (a node in another network namespace has its own address). */
    public static IscsiConnection connect(String host, int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(READ_TIMEOUT_MILLIS);
        s.connect(new InetSocketAddress(host, port), 10_000);
        return new IscsiConnection(s);
    }

    /**
     * Connects from {@code localHost} (another loopback address is another host to the target)
     * with a chosen ISID, e.g. to try and take over another host's session.
     */
    public static IscsiConnection connect(int port, String localHost, byte[] isid) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(READ_TIMEOUT_MILLIS);
        s.bind(new InetSocketAddress(localHost, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        IscsiConnection c = new IscsiConnection(s);
        System.arraycopy(isid, 0, c.isid, 0, 6);
        return c;
    }

    public byte[] isid() {
        return isid.clone();
    }

    /** Connects and logs in to a Normal session, failing loudly if the target refuses. */
    public static IscsiConnection login(int port, String initiatorName, String targetName) throws IOException {
        return login("127.0.0.1", port, initiatorName, targetName);
    }

    public static IscsiConnection login(String host, int port, String initiatorName, String targetName)
            throws IOException {
        IscsiConnection c = connect(host, port);
        try {
            c.login(initiatorName, targetName);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public Socket socket() {
        return socket;
    }

    public Map<String, String> negotiated() {
        return negotiated;
    }

    /** The operational keys a plain Linux-like initiator offers, skipping the security stage. */
    public static Map<String, String> normalSessionKeys(String initiatorName, String targetName) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("InitiatorName", initiatorName);
        keys.put("TargetName", targetName);
        keys.put("SessionType", "Normal");
        keys.put("HeaderDigest", "None");
        keys.put("DataDigest", "None");
        keys.put("ErrorRecoveryLevel", "0");
        keys.put("InitialR2T", "Yes");
        keys.put("ImmediateData", "Yes");
        keys.put("MaxBurstLength", "262144");
        keys.put("FirstBurstLength", "65536");
        keys.put("MaxRecvDataSegmentLength", Integer.toString(OUR_MAX_RECV_DATA_SEGMENT_LENGTH));
        keys.put("MaxConnections", "1");
        keys.put("DefaultTime2Wait", "0");
        keys.put("DefaultTime2Retain", "0");
        keys.put("MaxOutstandingR2T", "1");
        keys.put("DataPDUInOrder", "Yes");
        keys.put("DataSequenceInOrder", "Yes");
        return keys;
    }

    public void login(String initiatorName, String targetName) throws IOException {
        finishLogin(normalSessionKeys(initiatorName, targetName));
    }

    /**
     * The operational stage to the full feature phase, offering {@code offer} (after a security
     * stage, e.g. {@link ChapLogin}, the keys without the names it declared).
     */
    public void finishLogin(Map<String, String> offer) throws IOException {
        Map<String, String> answered = new LinkedHashMap<>();
        byte[] keys = TextKeys.encode(offer);
        // A target may answer T=0 to keep negotiating; then we offer nothing new and ask again.
        for (int round = 0; round < 4; round++) {
            RawPdu rsp = exchange(loginRequest(keys, 1, 3, true));
            if (rsp.opcode() != RawPdu.LOGIN_RESPONSE) {
                throw new IOException("expected Login Response, got " + rsp);
            }
            int statusClass = rsp.byteAt(36);
            int statusDetail = rsp.byteAt(37);
            if (statusClass != 0) {
                throw new LoginRejectedException(statusClass, statusDetail);
            }
            answered.putAll(TextKeys.decode(rsp.data()));
            boolean transit = (rsp.flags() & 0x80) != 0;
            if (transit && (rsp.flags() & 0x03) == 3) {
                tsih = (rsp.byteAt(14) << 8) | rsp.byteAt(15);
                cmdSn = rsp.expCmdSn();
                expStatSn = rsp.statSn() + 1;
                negotiated = Map.copyOf(answered);
                loggedIn = true;
                return;
            }
            keys = new byte[0];
        }
        throw new IOException("target did not finish login in 4 rounds; it answered " + answered);
    }

    /** A Login Request (immediate, CID 0) with the given raw key bytes and stage transition. */
    public RawPdu loginRequest(byte[] keyBytes, int csg, int nsg, boolean transit) {
        RawPdu pdu = RawPdu.of(RawPdu.IMMEDIATE | RawPdu.LOGIN_REQUEST, keyBytes);
        pdu.flags((transit ? 0x80 : 0) | (csg & 3) << 2 | (nsg & 3));
        for (int i = 0; i < 6; i++) {
            pdu.byteAt(8 + i, isid[i]);
        }
        pdu.byteAt(14, tsih >>> 8).byteAt(15, tsih);
        pdu.itt(nextItt++);
        pdu.intAt(24, cmdSn);
        pdu.intAt(28, expStatSn);
        return pdu;
    }

    /** Sends one PDU and returns the next one the target sends (answering its pings on the way). */
    public RawPdu exchange(RawPdu request) throws IOException {
        send(request);
        return receive();
    }

    public void send(RawPdu pdu) throws IOException {
        pdu.writeTo(out);
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next PDU that is not a target ping or an async message; pings are answered. */
    public RawPdu receive() throws IOException {
        while (true) {
            RawPdu pdu = RawPdu.readFrom(in);
            if (pdu.opcode() == RawPdu.NOP_IN && pdu.itt() == RawPdu.RESERVED_TAG) {
                if (pdu.ttt() != RawPdu.RESERVED_TAG) {
                    answerPing(pdu);
                }
                continue;
            }
            if (pdu.opcode() == RawPdu.ASYNC_MESSAGE) {
                continue;
            }
            return pdu;
        }
    }

    private void answerPing(RawPdu ping) throws IOException {
        RawPdu pong = RawPdu.of(RawPdu.IMMEDIATE | RawPdu.NOP_OUT, new byte[0]).flags(RawPdu.FINAL);
        pong.itt(RawPdu.RESERVED_TAG);
        pong.intAt(20, ping.ttt());
        System.arraycopy(ping.bhs(), 8, pong.bhs(), 8, 8);
        pong.intAt(24, cmdSn);
        pong.intAt(28, expStatSn);
        send(pong);
    }

    /** NOP-Out ping from our side; returns when the target echoes it. */
    public void ping() throws IOException {
        requireLoggedIn();
        RawPdu nop = RawPdu.of(RawPdu.IMMEDIATE | RawPdu.NOP_OUT, new byte[0]).flags(RawPdu.FINAL);
        int itt = nextItt++;
        nop.itt(itt).intAt(20, RawPdu.RESERVED_TAG).intAt(24, cmdSn).intAt(28, expStatSn);
        RawPdu rsp = exchange(nop);
        if (rsp.opcode() != RawPdu.NOP_IN || rsp.itt() != itt) {
            throw new IOException("expected NOP-In for ITT " + itt + ", got " + rsp);
        }
        expStatSn = rsp.statSn() + 1;
    }

    /**
     * Runs one SCSI command to completion.
     *
     * @param expectedIn bytes the initiator expects to read (0 for none)
     * @param dataOut    bytes to write, or null
     */
    public ScsiResult command(int lun, byte[] cdb, int expectedIn, byte[] dataOut) throws IOException {
        requireLoggedIn();
        if (cdb.length > 16) {
            throw new IllegalArgumentException("CDBs over 16 bytes need an AHS; not supported here");
        }
        int outLength = dataOut == null ? 0 : dataOut.length;
        int immediate = 0;
        if (outLength > 0 && "Yes".equals(negotiated.getOrDefault("ImmediateData", "Yes"))) {
            immediate = Math.min(outLength, Math.min(targetMaxRecvDataSegmentLength(), firstBurstLength()));
        }
        // F: no unsolicited Data-Out follows (InitialR2T=Yes).
        RawPdu cmd = scsiCommand(lun, cdb, RawPdu.FINAL | (expectedIn > 0 ? 0x40 : 0) | (outLength > 0 ? 0x20 : 0),
                outLength > 0 ? outLength : expectedIn, immediate == 0 ? new byte[0] : Arrays.copyOf(dataOut, immediate));
        int itt = cmd.itt();
        send(cmd);

        byte[] in = new byte[expectedIn];
        int received = 0;
        while (true) {
            RawPdu pdu = receive();
            switch (pdu.opcode()) {
                case RawPdu.DATA_IN -> {
                    int offset = pdu.intAt(40);
                    byte[] d = pdu.data();
                    if (offset + d.length > in.length) {
                        throw new IOException("Data-In beyond expected length: offset " + offset + " + " + d.length);
                    }
                    System.arraycopy(d, 0, in, offset, d.length);
                    received = Math.max(received, offset + d.length);
                    if ((pdu.flags() & 0x01) != 0) {
                        expStatSn = pdu.statSn() + 1;
                        return new ScsiResult(0, pdu.byteAt(3), Arrays.copyOf(in, received), new byte[0]);
                    }
                }
                case RawPdu.R2T -> sendDataOut(lun, itt, pdu, dataOut);
                case RawPdu.SCSI_RESPONSE -> {
                    if (pdu.itt() != itt) {
                        // Another task's answer (e.g. one a test left outstanding, or one that should have been aborted).
                        throw new IOException("SCSI Response for ITT " + pdu.itt() + " while waiting for ITT " + itt);
                    }
                    expStatSn = pdu.statSn() + 1;
                    byte[] d = pdu.data();
                    byte[] sense = new byte[0];
                    if (d.length >= 2) {
                        int senseLength = (d[0] & 0xff) << 8 | (d[1] & 0xff);
                        sense = Arrays.copyOfRange(d, 2, Math.min(d.length, 2 + senseLength));
                    }
                    return new ScsiResult(pdu.byteAt(2), pdu.byteAt(3), Arrays.copyOf(in, received), sense);
                }
                case RawPdu.REJECT -> throw new RejectedException(pdu);
                default -> throw new IOException("unexpected " + pdu + " while waiting for ITT " + itt);
            }
        }
    }

    /**
     * A SCSI Command (attribute SIMPLE) taking the next ITT and CmdSN, for tests that drive its
     * data phase themselves; {@code flags} are F, R and W.
     */
    public RawPdu scsiCommand(int lun, byte[] cdb, int flags, int expectedLength, byte[] immediate) {
        requireLoggedIn();
        RawPdu cmd = RawPdu.of(RawPdu.SCSI_COMMAND, immediate);
        cmd.flags(flags | 0x01).lun(lun).itt(nextItt++);
        cmd.intAt(20, expectedLength);
        cmd.intAt(24, cmdSn++);
        cmd.intAt(28, expStatSn);
        System.arraycopy(cdb, 0, cmd.bhs(), 32, cdb.length);
        return cmd;
    }

    /** A Text Request taking the next CmdSN; {@code flags} F or C, ITT and TTT as the exchange needs. */
    public RawPdu textRequest(int flags, int itt, int ttt, byte[] data) {
        requireLoggedIn();
        RawPdu req = RawPdu.of(RawPdu.TEXT_REQUEST, data).flags(flags).itt(itt);
        req.intAt(20, ttt).intAt(24, cmdSn++).intAt(28, expStatSn);
        return req;
    }

    public int newItt() {
        return nextItt++;
    }

    private void sendDataOut(int lun, int itt, RawPdu r2t, byte[] dataOut) throws IOException {
        int offset = r2t.intAt(40);
        int remaining = r2t.intAt(44);
        int chunk = targetMaxRecvDataSegmentLength();
        int dataSn = 0;
        while (remaining > 0) {
            int n = Math.min(chunk, remaining);
            RawPdu d = RawPdu.of(RawPdu.DATA_OUT, Arrays.copyOfRange(dataOut, offset, offset + n));
            d.flags(n == remaining ? RawPdu.FINAL : 0);
            d.lun(lun).itt(itt).intAt(20, r2t.ttt()).intAt(28, expStatSn).intAt(36, dataSn++).intAt(40, offset);
            send(d);
            offset += n;
            remaining -= n;
        }
    }

    public ScsiResult testUnitReady(int lun) throws IOException {
        return command(lun, new byte[6], 0, null);
    }

    /**
     * TEST UNIT READY until GOOD: the first command of a new I_T nexus may legitimately get a
     * power-on / reset UNIT ATTENTION (SAM-5), which a real initiator also just retries.
     */
    public void awaitUnitReady(int lun) throws IOException {
        ScsiResult r = null;
        for (int i = 0; i < 4; i++) {
            r = testUnitReady(lun);
            if (r.good()) {
                return;
            }
            if (r.senseKey() != 0x06) {
                break;
            }
        }
        throw new IOException("LUN " + lun + " not ready: " + r);
    }

    public ScsiResult inquiry(int lun, boolean evpd, int page, int allocationLength) throws IOException {
        byte[] cdb = {0x12, (byte) (evpd ? 1 : 0), (byte) page, (byte) (allocationLength >>> 8),
                (byte) allocationLength, 0};
        return command(lun, cdb, allocationLength, null);
    }

    /** @return {last LBA, block length} */
    public long[] readCapacity16(int lun) throws IOException {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x9e;
        cdb[1] = 0x10;
        cdb[13] = 32;
        ScsiResult r = command(lun, cdb, 32, null);
        if (!r.good()) {
            throw new IOException("READ CAPACITY(16) failed: " + r);
        }
        ByteBuffer b = ByteBuffer.wrap(r.data());
        return new long[] {b.getLong(0), b.getInt(8) & 0xffffffffL};
    }

    public ScsiResult read16(int lun, long lba, int blocks, int blockSize) throws IOException {
        return command(lun, rw16((byte) 0x88, lba, blocks, false), blocks * blockSize, null);
    }

    public ScsiResult write16(int lun, long lba, byte[] data, int blockSize, boolean fua) throws IOException {
        return command(lun, rw16((byte) 0x8a, lba, data.length / blockSize, fua), 0, data);
    }

    public ScsiResult synchronizeCache16(int lun) throws IOException {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x91;
        return command(lun, cdb, 0, null);
    }

    private static byte[] rw16(byte opcode, long lba, int blocks, boolean fua) {
        ByteBuffer cdb = ByteBuffer.allocate(16);
        cdb.put(0, opcode);
        cdb.put(1, (byte) (fua ? 0x08 : 0));
        cdb.putLong(2, lba);
        cdb.putInt(10, blocks);
        return cdb.array();
    }

    /**
     * A task management function (RFC 7143 §11.5), immediate, for LUN {@code lun}, e.g. 5 LOGICAL
     * UNIT RESET; returns the target's response code (0 FUNCTION COMPLETE).
     */
    public int taskManagement(int function, int lun) throws IOException {
        requireLoggedIn();
        RawPdu req = RawPdu.of(RawPdu.IMMEDIATE | RawPdu.TASK_MGMT_REQUEST, new byte[0]).flags(RawPdu.FINAL | function);
        int itt = nextItt++;
        req.lun(lun).itt(itt).intAt(20, RawPdu.RESERVED_TAG).intAt(24, cmdSn).intAt(28, expStatSn);
        RawPdu rsp = exchange(req);
        if (rsp.opcode() != RawPdu.TASK_MGMT_RESPONSE || rsp.itt() != itt) {
            throw new IOException("expected Task Management Function Response for ITT " + itt + ", got " + rsp);
        }
        expStatSn = rsp.statSn() + 1;
        return rsp.byteAt(2);
    }

    /** Logout (close the session) and wait for the answer. */
    public void logout() throws IOException {
        requireLoggedIn();
        RawPdu req = RawPdu.of(RawPdu.IMMEDIATE | RawPdu.LOGOUT_REQUEST, new byte[0]).flags(RawPdu.FINAL);
        req.itt(nextItt++).intAt(24, cmdSn).intAt(28, expStatSn);
        RawPdu rsp = exchange(req);
        if (rsp.opcode() != RawPdu.LOGOUT_RESPONSE || rsp.byteAt(2) != 0) {
            throw new IOException("logout refused: " + rsp);
        }
        loggedIn = false;
    }

    /** Next byte sequence from the target as a PDU, or null if the target closed the connection. */
    public RawPdu receiveOrClosed() throws IOException {
        try {
            return RawPdu.readFrom(in);
        } catch (java.io.EOFException | SocketException e) {
            return null;
        }
    }

    public int targetMaxRecvDataSegmentLength() {
        // Declarative key: absent means the RFC 7143 default of 8192.
        return Integer.parseInt(negotiated.getOrDefault("MaxRecvDataSegmentLength", "8192"));
    }

    private int firstBurstLength() {
        return Integer.parseInt(negotiated.getOrDefault("FirstBurstLength", "65536"));
    }

    private void requireLoggedIn() {
        if (!loggedIn) {
            throw new IllegalStateException("not logged in");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** The target refused the login with a non-zero status class. */
    public static final class LoginRejectedException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int statusClass;
        private final int statusDetail;

        LoginRejectedException(int statusClass, int statusDetail) {
            super(String.format("login rejected: status class 0x%02x detail 0x%02x", statusClass, statusDetail));
            this.statusClass = statusClass;
            this.statusDetail = statusDetail;
        }

        public int statusClass() {
            return statusClass;
        }

        public int statusDetail() {
            return statusDetail;
        }
    }

    /** The target answered with a Reject PDU. */
    public static final class RejectedException extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient RawPdu reject;

        RejectedException(RawPdu reject) {
            super(String.format("target sent Reject, reason 0x%02x", reject.byteAt(2)));
            this.reject = reject;
        }

        public RawPdu reject() {
            return reject;
        }
    }
}
