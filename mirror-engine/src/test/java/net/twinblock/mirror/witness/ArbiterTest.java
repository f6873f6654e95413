package net.twinblock.mirror.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import net.twinblock.mirror.link.SharedKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every rule of the witness, on a clock the test moves: what is granted, what is refused and why. */
class ArbiterTest {

    private static final long LEASE = 3_000_000_000L;
    private static final String KEY = WitnessAuth.keyId(new SharedKey("pair one's key, 32 bytes long!!!".getBytes(
            StandardCharsets.US_ASCII)));
    private static final String OTHER_KEY = WitnessAuth.keyId(new SharedKey("pair two's key, 32 bytes long!!!".getBytes(
            StandardCharsets.US_ASCII)));

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(-5_000_000_000L); // nanoTime may be negative: no sign assumed
    private StateStore store;
    private Arbiter arbiter;
    private int ids;

    @BeforeEach
    void open() throws IOException {
        store = StateStore.open(dir);
        arbiter = new Arbiter(store, store.load(), LEASE, clock::get);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    private PairReply ask(WitnessFrameType op, String node, long epoch) {
        return ask(op, node, epoch, KEY);
    }

    private PairReply ask(WitnessFrameType op, String node, long epoch, String key) {
        return arbiter.decide(new PairRequest(op, ++ids, "pair", node, epoch), key);
    }

    private static void assertState(PairReply r, Verdict v, long epoch, String primary, PeerState peer) {
        assertEquals(v, r.verdict(), r.toString());
        assertEquals(epoch, r.epoch(), r.toString());
        assertEquals(primary, r.primary(), r.toString());
        assertEquals(peer, r.peer(), r.toString());
    }

    /** a founds the pair at epoch 5 and says b is in sync. */
    private void foundedInSync() {
        assertState(ask(WitnessFrameType.RENEW_LEASE, "a", 5), Verdict.GRANTED, 5, "a", PeerState.OUTDATED);
        assertState(ask(WitnessFrameType.MARK_PEER_UP_TO_DATE, "a", 5), Verdict.GRANTED, 5, "a", PeerState.UP_TO_DATE);
    }

    @Test
    void theFirstLeaseRequestFoundsThePairWithItsPeerOutdated() {
        PairReply r = ask(WitnessFrameType.RENEW_LEASE, "a", 5);
        assertState(r, Verdict.GRANTED, 5, "a", PeerState.OUTDATED);
        assertEquals(LEASE, r.leaseNanos());
        assertEquals(LEASE, r.remainingNanos());
        assertState(ask(WitnessFrameType.QUERY, "", 0), Verdict.GRANTED, 5, "a", PeerState.OUTDATED);
    }

    @Test
    void onlyTheRecordedPrimaryAtTheRecordedEpochRenews() {
        foundedInSync();
        assertState(ask(WitnessFrameType.RENEW_LEASE, "b", 5), Verdict.NOT_PRIMARY, 5, "a", PeerState.UP_TO_DATE);
        assertState(ask(WitnessFrameType.RENEW_LEASE, "a", 4), Verdict.STALE_EPOCH, 5, "a", PeerState.UP_TO_DATE);
        assertState(ask(WitnessFrameType.RENEW_LEASE, "a", 6), Verdict.EPOCH_AHEAD, 5, "a", PeerState.UP_TO_DATE);
        assertEquals(0, ask(WitnessFrameType.RENEW_LEASE, "b", 5).leaseNanos());
        clock.addAndGet(LEASE / 2);
        PairReply renewed = ask(WitnessFrameType.RENEW_LEASE, "a", 5);
        assertEquals(LEASE, renewed.leaseNanos());
        assertEquals(LEASE, renewed.remainingNanos(), "a renewal runs a full lease from now");
    }

    @Test
    void noPromotionWhileThePrimarysLeaseRuns() {
        foundedInSync();
        clock.addAndGet(LEASE - 1);
        PairReply r = ask(WitnessFrameType.REQUEST_PROMOTION, "b", 5);
        assertState(r, Verdict.LEASE_HELD, 5, "a", PeerState.UP_TO_DATE);
        assertEquals(1, r.remainingNanos());
        clock.addAndGet(1);
        PairReply granted = ask(WitnessFrameType.REQUEST_PROMOTION, "b", 5);
        assertState(granted, Verdict.GRANTED, 6, "b", PeerState.OUTDATED);
        assertEquals(LEASE, granted.leaseNanos(), "the new primary holds the lease from its promotion");
    }

    @Test
    void theOldPrimaryIsOutdatedAfterAPromotionAndCannotComeBack() {
        foundedInSync();
        clock.addAndGet(LEASE);
        assertEquals(Verdict.GRANTED, ask(WitnessFrameType.REQUEST_PROMOTION, "b", 5).verdict());
        assertState(ask(WitnessFrameType.RENEW_LEASE, "a", 5), Verdict.NOT_PRIMARY, 6, "b", PeerState.OUTDATED);
        assertState(ask(WitnessFrameType.OUTDATE_PEER, "a", 5), Verdict.NOT_PRIMARY, 6, "b", PeerState.OUTDATED);
        clock.addAndGet(10 * LEASE);
        assertState(ask(WitnessFrameType.REQUEST_PROMOTION, "a", 6), Verdict.OUTDATED, 6, "b", PeerState.OUTDATED);
        assertState(ask(WitnessFrameType.REQUEST_PROMOTION, "a", 5), Verdict.STALE_EPOCH, 6, "b", PeerState.OUTDATED);
    }

    @Test
    void anOutdatedPeerIsNeverPromotedHoweverLongThePrimaryIsSilent() {
        foundedInSync();
        assertState(ask(WitnessFrameType.OUTDATE_PEER, "a", 5), Verdict.GRANTED, 5, "a", PeerState.OUTDATED);
        for (int i = 0; i < 5; i++) {
            clock.addAndGet(LEASE);
            assertState(ask(WitnessFrameType.REQUEST_PROMOTION, "b", 5), Verdict.OUTDATED, 5, "a", PeerState.OUTDATED);
        }
    }

    @Test
    void aStaleOrAheadOrPrimaryRequesterIsRefusedPromotion() {
        foundedInSync();
        clock.addAndGet(LEASE);
        assertEquals(Verdict.STALE_EPOCH, ask(WitnessFrameType.REQUEST_PROMOTION, "b", 4).verdict());
        assertEquals(Verdict.EPOCH_AHEAD, ask(WitnessFrameType.REQUEST_PROMOTION, "b", 9).verdict());
        assertEquals(Verdict.ALREADY_PRIMARY, ask(WitnessFrameType.REQUEST_PROMOTION, "a", 5).verdict());
        assertState(ask(WitnessFrameType.QUERY, "", 0), Verdict.GRANTED, 5, "a", PeerState.UP_TO_DATE);
    }

    @Test
    void onlyThePrimaryChangesThePeersState() {
        foundedInSync();
        assertEquals(Verdict.NOT_PRIMARY, ask(WitnessFrameType.OUTDATE_PEER, "b", 5).verdict());
        assertEquals(Verdict.STALE_EPOCH, ask(WitnessFrameType.OUTDATE_PEER, "a", 4).verdict());
        assertEquals(Verdict.NOT_PRIMARY, ask(WitnessFrameType.MARK_PEER_UP_TO_DATE, "b", 5).verdict());
        assertState(ask(WitnessFrameType.QUERY, "", 0), Verdict.GRANTED, 5, "a", PeerState.UP_TO_DATE);
    }

    @Test
    void aForcedPromotionIgnoresLeaseAndPeerStateButNeedsAPair() {
        assertState(ask(WitnessFrameType.FORCE_PROMOTE, "b", 0), Verdict.UNKNOWN_PAIR, 0, "", null);
        foundedInSync();
        assertEquals(Verdict.GRANTED, ask(WitnessFrameType.OUTDATE_PEER, "a", 5).verdict());
        PairReply forced = ask(WitnessFrameType.FORCE_PROMOTE, "b", 0);
        assertState(forced, Verdict.GRANTED, 6, "b", PeerState.OUTDATED);
        assertEquals(LEASE, forced.leaseNanos());
        assertEquals(Verdict.ALREADY_PRIMARY, ask(WitnessFrameType.FORCE_PROMOTE, "b", 0).verdict());
    }

    @Test
    void anotherKeySeesNeitherThePairsStateNorChangesIt() {
        foundedInSync();
        clock.addAndGet(LEASE);
        for (WitnessFrameType op : new WitnessFrameType[] {WitnessFrameType.QUERY, WitnessFrameType.RENEW_LEASE,
                WitnessFrameType.REQUEST_PROMOTION, WitnessFrameType.FORCE_PROMOTE, WitnessFrameType.OUTDATE_PEER}) {
            PairReply r = ask(op, op == WitnessFrameType.QUERY ? "" : "b", PairRequest.takesEpoch(op) ? 5 : 0, OTHER_KEY);
            assertState(r, Verdict.OTHER_KEY, 0, "", null);
            assertEquals(0, r.remainingNanos());
        }
        assertState(ask(WitnessFrameType.QUERY, "", 0), Verdict.GRANTED, 5, "a", PeerState.UP_TO_DATE);
    }

    @Test
    void withoutStateOnlyALeaseRequestFoundsAPair() {
        for (WitnessFrameType op : new WitnessFrameType[] {WitnessFrameType.QUERY, WitnessFrameType.OUTDATE_PEER,
                WitnessFrameType.MARK_PEER_UP_TO_DATE, WitnessFrameType.REQUEST_PROMOTION}) {
            assertState(ask(op, op == WitnessFrameType.QUERY ? "" : "b", PairRequest.takesEpoch(op) ? 1 : 0),
                    Verdict.UNKNOWN_PAIR, 0, "", null);
        }
    }

    @Test
    void afterARestartTheStateIsBackAndEveryLeaseIsHeldForAFullPeriod() throws IOException {
        foundedInSync();
        clock.addAndGet(10 * LEASE); // a's lease long expired before the restart
        arbiter = new Arbiter(store, store.load(), LEASE, clock::get);
        PairReply r = ask(WitnessFrameType.REQUEST_PROMOTION, "b", 5);
        assertState(r, Verdict.LEASE_HELD, 5, "a", PeerState.UP_TO_DATE);
        assertEquals(LEASE, r.remainingNanos());
        clock.addAndGet(LEASE);
        assertState(ask(WitnessFrameType.REQUEST_PROMOTION, "b", 5), Verdict.GRANTED, 6, "b", PeerState.OUTDATED);
        arbiter = new Arbiter(store, store.load(), LEASE, clock::get);
        assertState(ask(WitnessFrameType.QUERY, "", 0), Verdict.GRANTED, 6, "b", PeerState.OUTDATED);
    }

    @Test
    void theStateIsBoundToTheFoundingKeyAcrossARestart() throws IOException {
        foundedInSync();
        arbiter = new Arbiter(store, store.load(), LEASE, clock::get);
        assertState(ask(WitnessFrameType.RENEW_LEASE, "a", 5, OTHER_KEY), Verdict.OTHER_KEY, 0, "", null);
        assertEquals(Verdict.GRANTED, ask(WitnessFrameType.RENEW_LEASE, "a", 5).verdict());
    }
}
