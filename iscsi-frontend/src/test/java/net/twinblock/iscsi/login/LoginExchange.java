package net.twinblock.iscsi.login;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.twinblock.iscsi.config.AccessControl;
import net.twinblock.iscsi.config.ChapAlgorithm;
import net.twinblock.iscsi.config.ChapConfig;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;

/**
 * One login as an initiator drives it: builds real Login Request PDUs (Pdu.create, Bhs offsets,
 * TextKeys.encode), feeds them to a LoginPhase, and releases every request and response at
 * {@link #close()} so paranoid leak detection sees each PDU released exactly once.
 */
final class LoginExchange implements AutoCloseable {

    static final String TARGET = "iqn.2026-11.net.twinblock:vol0";
    static final String INITIATOR = "iqn.1993-08.org.debian:01:host1";
    static final long ISID = 0x23d000000001L;
    static final int ITT = 0x11223344;
    static final int CMD_SN = 7;
    static final int EXP_STAT_SN = 1000;

    static final int T = Bhs.Login.FLAG_TRANSIT;
    static final int C = Bhs.Login.FLAG_CONTINUE;
    static final int CSG_SECURITY = 0;
    static final int CSG_OPERATIONAL = 1 << Bhs.Login.CSG_SHIFT;
    static final int NSG_OPERATIONAL = 1;
    static final int NSG_FULL = 3;

    final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    final FakeAdmission admission = new FakeAdmission();
    final LoginPhase phase;
    private final List<Pdu> responses = new ArrayList<>();
    int tsih;
    int versionMin;
    int versionMax;

    LoginExchange(IscsiTargetConfig cfg) {
        phase = new LoginPhase(cfg, admission, "127.0.0.1:50000", new SecureRandom());
    }

    static IscsiTargetConfig config(ChapConfig chap) {
        return config(chap, ChapAlgorithm.ALL);
    }

    /** As {@link #config(ChapConfig)}, letting initiators choose only from {@code algorithms}. */
    static IscsiTargetConfig config(ChapConfig chap, List<ChapAlgorithm> algorithms) {
        IscsiTargetConfig d = IscsiTargetConfig.withDefaults(TARGET,
                List.of(new InetSocketAddress("127.0.0.1", 3260)), Map.of());
        return new IscsiTargetConfig(d.targetName(), "vol0-alias", d.portals(), 7, chap, d.luns(),
                d.maxRecvDataSegmentLength(), d.firstBurstLength(), d.maxBurstLength(), d.maxOutstandingR2T(),
                d.commandWindow(), d.nopInterval(), d.nopTimeout(), d.loginTimeout(),
                new AccessControl(null, false, algorithms));
    }

    /** Sends one request whose data segment is {@code keys} ("Key=Value" each). */
    LoginStep send(int flags, String... keys) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        for (String k : keys) {
            int eq = k.indexOf('=');
            entries.add(Map.entry(k.substring(0, eq), k.substring(eq + 1)));
        }
        return sendRaw(flags, TextKeys.encode(entries, alloc));
    }

    /** Sends one request with {@code data} as its data segment (ownership passes to the request). */
    LoginStep sendRaw(int flags, ByteBuf data) {
        Pdu request = Pdu.create(alloc, IscsiOpcode.LOGIN_REQUEST, data);
        try {
            request.setImmediate(true);
            request.setFlags(flags);
            request.u8(Bhs.Login.VERSION_MAX, versionMax);
            request.u8(Bhs.Login.VERSION_MIN_OR_ACTIVE, versionMin);
            request.u24(Pdu.OFF_DATA_SEGMENT_LENGTH, data.readableBytes());
            request.u32(Bhs.Login.ISID, (int) (ISID >>> 16));
            request.u16(Bhs.Login.ISID + 4, (int) ISID);
            request.u16(Bhs.Login.TSIH, tsih);
            request.setItt(ITT);
            request.u16(Bhs.Login.CID, 1);
            request.u32(Bhs.Login.CMD_SN, CMD_SN);
            request.u32(Bhs.Login.EXP_STAT_SN, EXP_STAT_SN);
            LoginStep step = phase.onLoginRequest(request, alloc);
            responses.add(step.response());
            return step;
        } finally {
            request.release(); // LoginPhase does not take the request
        }
    }

    static Map<String, String> keys(Pdu response) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : TextKeys.decode(response.data())) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    static int status(Pdu response) {
        return response.u8(Bhs.Login.STATUS_CLASS) << 8 | response.u8(Bhs.Login.STATUS_DETAIL);
    }

    static boolean transit(Pdu response) {
        return (response.flags() & Bhs.Login.FLAG_TRANSIT) != 0;
    }

    static int csg(Pdu response) {
        return (response.flags() & Bhs.Login.CSG_MASK) >> Bhs.Login.CSG_SHIFT;
    }

    static int nsg(Pdu response) {
        return response.flags() & Bhs.Login.NSG_MASK;
    }

    @Override
    public void close() {
        for (Pdu p : responses) {
            p.release();
        }
        responses.clear();
    }

    /** Our own SessionAdmission interface, faked: records each call, answers a fixed TSIH. */
    static final class FakeAdmission implements SessionAdmission {
        int calls;
        int answer = 0x1234;
        String initiatorName;
        long isid;
        int tsihFromInitiator;
        SessionType type;

        @Override
        public int admit(String initiatorName, long isid, int tsihFromInitiator, SessionType type, String chapName) {
            calls++;
            this.initiatorName = initiatorName;
            this.isid = isid;
            this.tsihFromInitiator = tsihFromInitiator;
            this.type = type;
            return answer;
        }
    }
}
