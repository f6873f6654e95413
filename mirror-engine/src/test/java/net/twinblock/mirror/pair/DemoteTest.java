package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.data;
import static net.twinblock.mirror.pair.PairHarness.random;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.VolumeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * demote: a primary becomes a secondary in the running process (an administrator's switchover,
 * and the witness's fence), listens for its new primary, and is resynced by it.
 */
@ExtendWith(LeakGuard.class)
class DemoteTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private PairHarness h;

    @BeforeEach
    void setUp() {
        h = new PairHarness(dir);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void aDemotedPrimaryStandsByThenRejoinsThePromotedNodeAsItsSecondary() throws Exception {
        InetSocketAddress aListen = PairHarness.freeAddress();
        FileVolume a = h.volume("a.img");
        FileVolume b = h.volume("b.img");
        PairNode nodeB = h.start(secondaryConfig().withPeer(aListen), b, true);
        PairNode nodeA = h.start(PairConfig.of(Role.PRIMARY, aListen, nodeB.listenAddress(), PairHarness.SECRET)
                .withHeartbeat(PairHarness.HEARTBEAT), a, true);
        await().atMost(WAIT).until(() -> nodeA.state() == PairState.IN_SYNC && nodeB.state() == PairState.IN_SYNC);
        byte[] before = random(8192, 1);
        nodeA.volume().write(0, data(before), false).get(10, TimeUnit.SECONDS);

        List<Role> changes = new CopyOnWriteArrayList<>();
        nodeA.onRoleChange(changes::add);
        nodeA.demote(false);
        assertEquals(Role.SECONDARY, nodeA.role());
        assertEquals(List.of(Role.SECONDARY), changes);
        assertEquals(aListen.getPort(), nodeA.listenAddress().getPort(), "it listens on mirror.listen");
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> nodeA.volume().write(0, data(random(4096, 2)), false).get(10, TimeUnit.SECONDS));
        assertTrue(refused.getCause() instanceof VolumeException v && v.retryable(), String.valueOf(refused.getCause()));
        assertEquals("this node is already a secondary",
                assertThrows(IllegalStateException.class, () -> nodeA.demote(false)).getMessage());

        // B lost its primary: it stands by until an administrator promotes it (no witness here).
        await().atMost(WAIT).until(() -> nodeB.access() == NodeAccess.STANDBY);
        nodeB.promote();
        await().atMost(WAIT).until(() -> nodeB.state() == PairState.IN_SYNC && nodeA.state() == PairState.IN_SYNC);
        assertEquals(NodeAccess.SECONDARY, nodeA.access());
        byte[] after = random(8192, 3);
        nodeA.volume().write(65536, data(after), false).get(10, TimeUnit.SECONDS); // forwarded to B now
        assertArrayEquals(after, PairHarness.read(b, 65536, 8192));
        assertArrayEquals(before, PairHarness.read(b, 0, 8192));
        nodeB.close();
        nodeA.close();
        assertArrayEquals(PairHarness.file(a.file()), PairHarness.file(b.file()));
    }

    @Test
    void demoteIsRefusedWhileTheSecondaryIsNotInSyncUnlessForced() throws Exception {
        FileVolume a = h.volume("a.img");
        PairNode alone = h.start(PairConfig.of(Role.PRIMARY, PairHarness.freeAddress(), PairHarness.freeAddress(), PairHarness.SECRET)
                .withHeartbeat(PairHarness.HEARTBEAT), a, true);
        String why = assertThrows(IllegalStateException.class, () -> alone.demote(false)).getMessage();
        assertTrue(why.contains("no up-to-date node") && why.contains("demote --force"), why);
        assertEquals(Role.PRIMARY, alone.role());
        alone.demote(true);
        assertEquals(Role.SECONDARY, alone.role());
        assertEquals(NodeAccess.STANDBY, alone.access());
    }

    @Test
    void demoteNeedsMirrorListen() {
        FileVolume a = h.volume("a.img");
        PairNode noListen = h.start(PairHarness.primaryConfig(new InetSocketAddress("127.0.0.1", 9)), a, true);
        String why = assertThrows(IllegalStateException.class, () -> noListen.demote(true)).getMessage();
        assertTrue(why.contains("mirror.listen"), why);
        assertEquals(Role.PRIMARY, noListen.role());
    }
}
