package net.twinblock.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.twinblock.iscsi.IscsiTarget;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.config.ChapConfig;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A real {@link IscsiTarget} on 127.0.0.1 with a free port and a {@link DiskExecutor} behind it,
 * plus initiators that test code opens against it. Two event loops, so sessions really run on
 * different threads.
 */
abstract class TargetHarness {

    protected EventLoopGroup group;
    protected DiskExecutor disk;
    protected IscsiTarget target;
    protected InetSocketAddress address;
    private final List<TestInitiator> initiators = new ArrayList<>();

    /** Tests that need other timers override this. */
    protected IscsiTargetConfig config() {
        return config(Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    static IscsiTargetConfig config(Duration nopInterval, Duration nopTimeout) {
        return config(nopInterval, nopTimeout, Duration.ofSeconds(5));
    }

    static IscsiTargetConfig config(Duration nopInterval, Duration nopTimeout, Duration loginTimeout) {
        return new IscsiTargetConfig(TestInitiator.TARGET, null, List.of(new InetSocketAddress("127.0.0.1", 0)), 1,
                ChapConfig.NONE, Map.of(), IscsiTargetConfig.DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH,
                IscsiTargetConfig.DEFAULT_FIRST_BURST_LENGTH, IscsiTargetConfig.DEFAULT_MAX_BURST_LENGTH,
                IscsiTargetConfig.DEFAULT_MAX_OUTSTANDING_R2T, 128, nopInterval, nopTimeout, loginTimeout);
    }

    /** The SCSI layer behind the target: the scripted {@link #disk} unless a test needs the real one. */
    protected ScsiTaskExecutor executor() {
        return disk;
    }

    @BeforeEach
    void startTarget() {
        group = new NioEventLoopGroup(2);
        disk = new DiskExecutor();
        target = new IscsiTarget(config(), executor());
        target.start(group, NioServerSocketChannel.class);
        address = target.boundPortals().get(0);
    }

    @AfterEach
    void stopTarget() {
        initiators.forEach(TestInitiator::close);
        target.close();
        disk.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    protected TestInitiator connect() {
        TestInitiator i = TestInitiator.connect(group, address);
        initiators.add(i);
        return i;
    }

    /** A logged-in normal session. */
    protected TestInitiator session(String initiatorName, long isid) {
        TestInitiator i = connect();
        i.loginOk(isid, initiatorName);
        return i;
    }

    protected TestInitiator session() {
        return session("iqn.2026-11.test:host1", 0x400001000001L);
    }

    /** Takes the next PDU, checks its opcode, and releases it. */
    static void expect(TestInitiator i, IscsiOpcode op) {
        Pdu pdu = i.receive();
        try {
            assertEquals(op, pdu.opcode(), () -> "got " + pdu);
        } finally {
            pdu.release();
        }
    }

    /** Takes a SCSI Response and returns its status byte (releases it). */
    static int status(TestInitiator i, int itt) {
        Pdu pdu = i.receive();
        try {
            assertEquals(IscsiOpcode.SCSI_RESPONSE, pdu.opcode(), () -> "got " + pdu);
            assertEquals(itt, pdu.itt());
            return pdu.u8(Bhs.ScsiResponse.STATUS);
        } finally {
            pdu.release();
        }
    }

    static byte[] bytes(Pdu pdu) {
        return ByteBufUtil.getBytes(pdu.data());
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
