package net.twinblock.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.twinblock.iscsi.CommandObserver;
import net.twinblock.iscsi.IscsiTarget;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.config.ChapConfig;
import net.twinblock.iscsi.lun.LogicalUnit;
import net.twinblock.iscsi.lun.LunIdentity;
import net.twinblock.iscsi.lun.PortGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * libiscsi's own tools against an in-process target with the real SCSI layer: the session layer
 * as a real initiator sees it. Skipped where libiscsi-bin is not installed.
 */
class LibiscsiConformanceTest {

    private static final String IQN = "iqn.2026-11.net.twinblock.test:libiscsi";
    private static final Pattern TESTS = Pattern.compile("^\\s+tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)",
            Pattern.MULTILINE);

    private NioEventLoopGroup group;
    private MemoryStorage storage;
    private IscsiTarget target;
    private String url;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/iscsi-test-cu")), "libiscsi-bin is not installed");
        group = new NioEventLoopGroup(2);
        storage = new MemoryStorage(512, 32768);
        byte[] naa = new byte[16];
        naa[0] = 0x60;
        naa[15] = 1;
        Map<Integer, LogicalUnit> luns = Map.of(0,
                new LogicalUnit(0, new LunIdentity(naa, "TB-SESSION-0"), storage, PortGroup.standalone()));
        // A real port, not 0: SendTargets reports the configured portal and iscsi-ls dials it.
        IscsiTargetConfig cfg = new IscsiTargetConfig(IQN, null, List.of(new InetSocketAddress("127.0.0.1", freePort())), 1,
                ChapConfig.NONE, luns, IscsiTargetConfig.DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH,
                IscsiTargetConfig.DEFAULT_FIRST_BURST_LENGTH, IscsiTargetConfig.DEFAULT_MAX_BURST_LENGTH,
                IscsiTargetConfig.DEFAULT_MAX_OUTSTANDING_R2T, IscsiTargetConfig.DEFAULT_COMMAND_WINDOW,
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10));
        target = new IscsiTarget(cfg, CommandObserver.NONE);
        target.start(group, NioServerSocketChannel.class);
        InetSocketAddress portal = target.boundPortals().get(0);
        url = "iscsi://127.0.0.1:" + portal.getPort() + "/" + IQN + "/0";
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        if (target != null) {
            target.close();
            storage.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void iscsiInqReadsTheStandardInquiry() throws Exception {
        String out = run(List.of("iscsi-inq", url));
        assertTrue(out.contains("Peripheral Device Type:DIRECT_ACCESS"), out);
    }

    @Test
    void iscsiLsDiscoversTheTarget() throws Exception {
        String out = run(List.of("iscsi-ls", "-s", url.substring(0, url.indexOf('/', "iscsi://".length()))));
        assertTrue(out.contains("Target:" + IQN), out);
    }

    @Test
    void theIscsiLevelConformanceTestsPass() throws Exception {
        String out = run(List.of("stdbuf", "-o0", "-e0", "iscsi-test-cu", "-d", "--test=iSCSI.*", url));
        Matcher m = TESTS.matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Integer.parseInt(m.group(2)) >= 15, "the iSCSI suites ran:\n" + out);
        assertEquals("0", m.group(4), "failed tests:\n" + out);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(); // ends when the tool exits
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "tool did not exit");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + text);
        return text;
    }
}
