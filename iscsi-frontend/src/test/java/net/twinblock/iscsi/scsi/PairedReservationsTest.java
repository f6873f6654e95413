package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.PersistentReservationTest.assertConflict;
import static net.twinblock.iscsi.scsi.PersistentReservationTest.assertUnitAttention;
import static net.twinblock.iscsi.scsi.PersistentReservationTest.PREEMPT_AND_ABORT;
import static net.twinblock.iscsi.scsi.PersistentReservationTest.login;
import static net.twinblock.iscsi.scsi.PersistentReservationTest.prout;
import static net.twinblock.iscsi.scsi.PersistentReservationTest.read;
import static net.twinblock.iscsi.scsi.PersistentReservationTest.tur;
import static net.twinblock.iscsi.scsi.PersistentReservationTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.twinblock.iscsi.lun.PairPeer;
import net.twinblock.iscsi.lun.StorageException;
import net.twinblock.iscsi.reservation.PrType;
import org.junit.jupiter.api.Test;

/**
 * Two device servers wired as a pair in one process: node 1 (relative port 1) decides, node 2
 * (port 2) forwards what changes reservations to it, and each raises unit attentions on its own
 * nexuses. The embedder's link is a direct call here; the it-tests run it over the real one.
 */
class PairedReservationsTest {

    private static final long KEY_1 = 0x11;
    private static final long KEY_2 = 0x22;
    private static final int REGISTER = 0;
    private static final int RESERVE = 1;
    private static final int PREEMPT = 4;
    private static final int ALL_TG_PT = 0x04;

    /** The other node, reached by a direct call; {@code up} false plays a lost link. */
    private static final class DirectPeer implements PairPeer {
        final boolean forwards;
        volatile ScsiHarness other;
        volatile boolean up = true;

        DirectPeer(boolean forwards) {
            this.forwards = forwards;
        }

        @Override
        public boolean forwards() {
            return forwards;
        }

        @Override
        public CompletableFuture<byte[]> call(int lun, byte[] message) {
            if (!up) {
                return CompletableFuture.failedFuture(new StorageException(StorageException.Kind.NOT_READY_RETRYABLE,
                        "no link"));
            }
            return other.dispatcher.peerMessage(lun, message);
        }

        @Override
        public CompletableFuture<Void> replicate(int lun, byte[] message) {
            // As the pair's CONTINUE policy: without a link the decider goes on alone.
            return up ? call(lun, message).thenApply(a -> null) : CompletableFuture.completedFuture(null);
        }
    }

    /** Node 1 decides (a primary), node 2 forwards (a secondary). */
    private static final class TwoNodes implements AutoCloseable {
        final ScsiHarness node1 = new ScsiHarness(512, 64, true, ScsiHarness.peerGroup(),
                net.twinblock.iscsi.reservation.ReservationStore.IN_MEMORY, 1);
        ScsiHarness node2 = new ScsiHarness(512, 64, true, ScsiHarness.peerGroup(),
                net.twinblock.iscsi.reservation.ReservationStore.IN_MEMORY, 2);
        final DirectPeer toNode2 = new DirectPeer(false);
        final DirectPeer toNode1 = new DirectPeer(true);

        TwoNodes() {
            node1.dispatcher.pairWith(toNode2);
            toNode2.other = node2;
            toNode1.other = node1;
            node2.dispatcher.pairWith(toNode1);
            refresh();
        }

        /** What the forwarding node does at every link-up. */
        void refresh() {
            try {
                node2.dispatcher.refreshReservationState(0).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        /** Node 2 restarts: a fresh device server that knows nothing until node 1 sends its state. */
        void restartNode2() throws Exception {
            node2.close();
            node2 = new ScsiHarness(512, 64, true, ScsiHarness.peerGroup(),
                    net.twinblock.iscsi.reservation.ReservationStore.IN_MEMORY, 2);
            node2.dispatcher.pairWith(toNode1);
            toNode2.other = node2;
            refresh();
        }

        @Override
        public void close() {
            node1.close();
            node2.close();
        }
    }

    private static final Nexus HOST1_AT_NODE1 = new Nexus("iqn.2026-11.test:host1", 0x400001000001L, 1);
    private static final Nexus HOST1_AT_NODE2 = new Nexus("iqn.2026-11.test:host1", 0x400001000001L, 2);
    private static final Nexus HOST2_AT_NODE2 = new Nexus("iqn.2026-11.test:host2", 0x400001000002L, 2);
    private static final Nexus HOST2_AT_NODE1 = new Nexus("iqn.2026-11.test:host2", 0x400001000002L, 1);

    @Test
    void aReservationMadeThroughEitherNodeIsEnforcedByBoth() {
        try (TwoNodes pair = new TwoNodes()) {
            ScsiHarness node1 = pair.node1;
            ScsiHarness node2 = pair.node2;
            login(node1, HOST1_AT_NODE1);

            prout(node1, HOST1_AT_NODE1, REGISTER, null, 0, KEY_1, ALL_TG_PT).assertGood();
            prout(node1, HOST1_AT_NODE1, RESERVE, PrType.WRITE_EXCLUSIVE, KEY_1, 0, 0).assertGood();

            assertConflict(write(node2, HOST2_AT_NODE2));
            read(node2, HOST2_AT_NODE2).assertGood();
            write(node2, HOST1_AT_NODE2).assertGood(); // ALL_TG_PT: host1 holds it through both ports

            // Through the forwarding node: decided by node 1, enforced by both.
            prout(node2, HOST2_AT_NODE2, REGISTER, null, 0, KEY_2, 0).assertGood();
            prout(node2, HOST2_AT_NODE2, PREEMPT, PrType.WRITE_EXCLUSIVE, KEY_2, KEY_1, 0).assertGood();
            assertUnitAttention(node1, HOST1_AT_NODE1, AdditionalSense.REGISTRATIONS_PREEMPTED);
            assertConflict(write(node1, HOST1_AT_NODE1));
            write(node2, HOST2_AT_NODE2).assertGood();
            assertConflict(write(node1, HOST2_AT_NODE1)); // registered through port 2 only, not port 1
            // A key the decider does not know is refused there, and the answer comes back as it is.
            assertConflict(prout(node2, HOST1_AT_NODE2, RESERVE, PrType.WRITE_EXCLUSIVE, KEY_1, 0, 0));
        }
    }

    @Test
    void withoutAllTgPtARegistrationHoldsOnlyThroughItsOwnPort() {
        try (TwoNodes pair = new TwoNodes()) {
            prout(pair.node2, HOST1_AT_NODE2, REGISTER, null, 0, KEY_1, 0).assertGood();
            prout(pair.node2, HOST1_AT_NODE2, RESERVE, PrType.EXCLUSIVE_ACCESS, KEY_1, 0, 0).assertGood();
            read(pair.node2, HOST1_AT_NODE2).assertGood();
            assertConflict(read(pair.node1, HOST1_AT_NODE1));
        }
    }

    @Test
    void aRestartedPartnerEnforcesTheStateTheDeciderSendsAtLinkUp() throws Exception {
        try (TwoNodes pair = new TwoNodes()) {
            prout(pair.node1, HOST1_AT_NODE1, REGISTER, null, 0, KEY_1, 0).assertGood();
            prout(pair.node1, HOST1_AT_NODE1, RESERVE, PrType.EXCLUSIVE_ACCESS, KEY_1, 0, 0).assertGood();
            pair.restartNode2();
            assertConflict(read(pair.node2, HOST2_AT_NODE2));
        }
    }

    @Test
    void legacyReserveThroughTheForwardingNodeIsReleasedWhenItsNexusGoes() {
        try (TwoNodes pair = new TwoNodes()) {
            byte[] reserve6 = {0x16, 0, 0, 0, 0, 0};
            pair.node2.run(HOST2_AT_NODE2, 0, reserve6, 0, false, false, null).assertGood();
            assertConflict(write(pair.node1, HOST1_AT_NODE1));
            assertConflict(write(pair.node2, HOST1_AT_NODE2));
            pair.node2.dispatcher.nexusRemoved(HOST2_AT_NODE2);
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
                    write(pair.node1, HOST1_AT_NODE1).assertGood());
            write(pair.node2, HOST1_AT_NODE2).assertGood();
        }
    }

    @Test
    void aLunResetThroughOneNodeRaisesTheUnitAttentionOnBoth() throws Exception {
        try (TwoNodes pair = new TwoNodes()) {
            login(pair.node1, HOST1_AT_NODE1);
            login(pair.node2, HOST2_AT_NODE2);
            pair.node1.dispatcher.lunReset(0, HOST1_AT_NODE1).get(10, TimeUnit.SECONDS);
            assertUnitAttention(pair.node2, HOST2_AT_NODE2, AdditionalSense.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
            assertUnitAttention(pair.node1, HOST1_AT_NODE1, AdditionalSense.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
            pair.node2.dispatcher.targetReset(HOST2_AT_NODE2).get(10, TimeUnit.SECONDS);
            assertUnitAttention(pair.node1, HOST1_AT_NODE1, AdditionalSense.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
            tur(pair.node1, HOST1_AT_NODE1).assertGood();
        }
    }

    @Test
    void withoutItsPartnerTheForwardingNodeRefusesChangesAsRetryable() throws Exception {
        try (TwoNodes pair = new TwoNodes()) {
            pair.toNode1.up = false;
            prout(pair.node2, HOST2_AT_NODE2, REGISTER, null, 0, KEY_2, 0)
                    .assertCheck(SenseKey.NOT_READY, AdditionalSense.LOGICAL_UNIT_BECOMING_READY);
            pair.toNode1.up = true;
            prout(pair.node2, HOST2_AT_NODE2, REGISTER, null, 0, KEY_2, 0).assertGood();
            // A reset the partner cannot hear of still completes here.
            pair.toNode2.up = false;
            pair.node1.dispatcher.lunReset(0, HOST1_AT_NODE1).get(10, TimeUnit.SECONDS);
            assertEquals(1, PersistentReservationTest.keys(pair.node1).size());
        }
    }

    @Test
    void theForwardingNodeBarsWhatReservationsMayBarUntilTheDecidersStateArrived() {
        try (TwoNodes pair = new TwoNodes()) {
            prout(pair.node1, HOST1_AT_NODE1, REGISTER, null, 0, KEY_1, 0).assertGood();
            prout(pair.node1, HOST1_AT_NODE1, RESERVE, PrType.EXCLUSIVE_ACCESS, KEY_1, 0, 0).assertGood();
            pair.toNode1.up = false; // the link came up and went before the state arrived
            pair.node2.dispatcher.refreshReservationState(0);
            write(pair.node2, HOST2_AT_NODE2)
                    .assertCheck(SenseKey.NOT_READY, AdditionalSense.LOGICAL_UNIT_BECOMING_READY);
            read(pair.node2, HOST2_AT_NODE2)
                    .assertCheck(SenseKey.NOT_READY, AdditionalSense.LOGICAL_UNIT_BECOMING_READY);
            tur(pair.node2, HOST2_AT_NODE2); // identification and TEST UNIT READY still answer
            tur(pair.node2, HOST2_AT_NODE2).assertGood();
            pair.toNode1.up = true;
            pair.refresh();
            assertConflict(read(pair.node2, HOST2_AT_NODE2));
        }
    }

    @Test
    void preemptAndAbortThroughEitherNodeEndsThePreemptedNexusTasksOnBoth() {
        try (TwoNodes pair = new TwoNodes()) {
            List<Nexus> abortedOnNode1 = new CopyOnWriteArrayList<>();
            List<Nexus> abortedOnNode2 = new CopyOnWriteArrayList<>();
            List<Nexus> known = List.of(HOST1_AT_NODE1, HOST1_AT_NODE2, HOST2_AT_NODE1,
                    HOST2_AT_NODE2);
            pair.node1.dispatcher.abortTasksThrough((lun, of) -> {
                known.stream().filter(of).forEach(abortedOnNode1::add);
                return CompletableFuture.completedFuture(null);
            });
            pair.node2.dispatcher.abortTasksThrough((lun, of) -> {
                known.stream().filter(of).forEach(abortedOnNode2::add);
                return CompletableFuture.completedFuture(null);
            });
            prout(pair.node1, HOST1_AT_NODE1, REGISTER, null, 0, KEY_1, ALL_TG_PT).assertGood();
            prout(pair.node1, HOST1_AT_NODE1, RESERVE, PrType.WRITE_EXCLUSIVE, KEY_1, 0, 0).assertGood();
            prout(pair.node2, HOST2_AT_NODE2, REGISTER, null, 0, KEY_2, 0).assertGood();

            prout(pair.node2, HOST2_AT_NODE2, PREEMPT_AND_ABORT, PrType.WRITE_EXCLUSIVE, KEY_2, KEY_1, 0).assertGood();
            // Host 1 was registered through both ports (ALL_TG_PT): its tasks end on both nodes.
            assertEquals(List.of(HOST1_AT_NODE1), abortedOnNode1.stream()
                    .filter(n -> n.targetPortalGroupTag() == 1).toList());
            assertEquals(List.of(HOST1_AT_NODE2), abortedOnNode2.stream()
                    .filter(n -> n.targetPortalGroupTag() == 2).toList());
            assertConflict(write(pair.node2, HOST1_AT_NODE2));
        }
    }

    @Test
    void anAccessStateChangeOfOneNodeIsNewsToTheOthersNexusesToo() throws Exception {
        try (TwoNodes pair = new TwoNodes()) {
            login(pair.node1, HOST1_AT_NODE1);
            login(pair.node2, HOST2_AT_NODE2);
            pair.node1.dispatcher.postUnitAttentionOnBoth(0, AdditionalSense.ASYMMETRIC_ACCESS_STATE_CHANGED)
                    .get(10, TimeUnit.SECONDS);
            assertUnitAttention(pair.node2, HOST2_AT_NODE2, AdditionalSense.ASYMMETRIC_ACCESS_STATE_CHANGED);
            assertUnitAttention(pair.node1, HOST1_AT_NODE1, AdditionalSense.ASYMMETRIC_ACCESS_STATE_CHANGED);
            pair.toNode2.up = false; // a partner that cannot be reached does not hold the change up
            pair.node1.dispatcher.postUnitAttentionOnBoth(0, AdditionalSense.ASYMMETRIC_ACCESS_STATE_CHANGED)
                    .get(10, TimeUnit.SECONDS);
            assertUnitAttention(pair.node1, HOST1_AT_NODE1, AdditionalSense.ASYMMETRIC_ACCESS_STATE_CHANGED);
        }
    }

    @Test
    void modeSelectThroughEitherNodeChangesTheOneDevicesParameters() throws Exception {
        try (TwoNodes pair = new TwoNodes()) {
            login(pair.node1, HOST1_AT_NODE1);
            login(pair.node2, HOST1_AT_NODE2, HOST2_AT_NODE2);
            byte[] control = ModeSelectHandlerTest.controlPage(pair.node2, 0);
            control[4] |= ModePage.SWP;
            ModeSelectHandlerTest.select6(pair.node2, HOST2_AT_NODE2, 0x10, control).assertGood();

            assertEquals(ModePage.SWP, ModeSelectHandlerTest.controlPage(pair.node1, 0)[4] & ModePage.SWP);
            assertUnitAttention(pair.node1, HOST1_AT_NODE1, AdditionalSense.MODE_PARAMETERS_CHANGED);
            write(pair.node1, HOST1_AT_NODE1)
                    .assertCheck(SenseKey.DATA_PROTECT, AdditionalSense.LOGICAL_UNIT_SOFTWARE_WRITE_PROTECTED);
            assertUnitAttention(pair.node2, HOST1_AT_NODE2, AdditionalSense.MODE_PARAMETERS_CHANGED);
            write(pair.node2, HOST2_AT_NODE2) // the nexus that changed them hears nothing of it
                    .assertCheck(SenseKey.DATA_PROTECT, AdditionalSense.LOGICAL_UNIT_SOFTWARE_WRITE_PROTECTED);

            pair.restartNode2(); // a fresh partner takes the decider's pages at its link-up
            write(pair.node2, HOST2_AT_NODE2)
                    .assertCheck(SenseKey.DATA_PROTECT, AdditionalSense.LOGICAL_UNIT_SOFTWARE_WRITE_PROTECTED);
        }
    }
}
