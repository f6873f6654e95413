package net.twinblock.mirror.pair;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.record.PersistGate;
import net.twinblock.mirror.record.RecordKeeper;
import net.twinblock.mirror.record.RecordSettings;
import net.twinblock.mirror.resync.OutageBitmap;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.SelectedFiles;
import net.twinblock.mirror.store.VolatileFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power cuts of either node at random instants, round after round on one pair in one JVM (issue
 * 12): under writes that keep the record evicting, in the middle of the resync a cut started,
 * and during a scrub. A cut keeps a random half of the node's unforced pages (background
 * writeback) and stops its disk until the node starts again, so nothing its dying threads still
 * run reaches a file. After each round, once both nodes say IN_SYNC: the two images are
 * identical, and every 4 KiB slot holds its last write acknowledged before the last completed
 * flush, or a write sent after that flush began; never older data, never a torn slot.
 *
 * <p>Then, with consistency points on (issue 14), rounds that each end in a failover: the secondary
 * loses power in the middle of appends or of applying a point, the primary is stopped, the
 * secondary restarts (replaying its journal) and is promoted. Its image must hold every write
 * acknowledged before the last completed flush, no torn slot, and be a consistent image: a write
 * it holds was sent after every write acknowledged before it, which it holds too.
 *
 * <p>Rounds: {@code -Dtwinblock.powercut.rounds} (30, and a third as many failovers; the seed
 * changes every build, so builds add up); seed: {@code -Dtwinblock.powercut.seed}, printed with
 * every failure.
 */
@ExtendWith(LeakGuard.class)
class PowerCutRoundsTest {

    private static final long SIZE = 8L << 20;
    private static final int BLOCK = 512;
    private static final int SLOT = 4096;
    private static final int SLOTS = (int) (SIZE / SLOT);
    /** 128 extents of 64 KiB, 4 kept idle: random writes evict on nearly every miss. */
    private static final RecordSettings RECORD = new RecordSettings(64 * 1024, 4, 1, 64);
    /**
     * Room for every extent: nothing evicts, so no record flush makes the secondary's journal
     * durable behind the test's back, and a cut finds whole points' worth of unforced entries.
     */
    private static final RecordSettings ROOMY_RECORD = new RecordSettings(64 * 1024, 256, 1, 64);
    private static final int ROUNDS = Integer.getInteger("twinblock.powercut.rounds", 30);
    private static final int IN_FLIGHT = 8;
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final int FAILOVERS = Math.max(1, ROUNDS / 3);
    /** Points every 30 ms: a cut at a random instant often falls in the middle of applying one. */
    private static final PointSettings POINTS = new PointSettings(true, Duration.ofMillis(30), 64L << 20, 4096,
            PointSettings.DEFAULT_FLUSH_SPACING);

    @TempDir
    Path dir;

    private SelectedFiles selected;
    private VolatileFiles files;
    private PairHarness harness;
    private final long seed = Long.getLong("twinblock.powercut.seed", System.nanoTime());

    /** One node: its directory, config, and the objects of its current run. */
    private final class Side {
        final String name;
        final Path home;
        final boolean points;
        PairConfig cfg;
        boolean created = true;
        FileVolume volume;
        PairNode pair;

        Side(String name) {
            this(name, name, false);
        }

        Side(String name, String home, boolean points) {
            this.name = name;
            this.home = dir.resolve(home);
            this.points = points;
        }

        void start() {
            volume = FileVolume.open(home.resolve("lun0.img"), SIZE, BLOCK, harness.io);
            RecordKeeper keeper = new RecordKeeper(home.resolve("lun0.record"), points ? ROOMY_RECORD : RECORD, SIZE,
                    harness.io, PersistGate.OPEN, Duration.ofSeconds(5));
            pair = PairNode.start(cfg, volume, harness.group, NioServerSocketChannel.class, NioSocketChannel.class,
                    (points ? PairOptions.defaults().withPoints(POINTS) : PairOptions.defaults())
                            .withVolumeCreated(created)
                            .withDivergence(new OutageBitmap(SIZE, OutageBitmap.DEFAULT_REGION_SIZE))
                            .withRecord(keeper));
            created = false;
        }

        /**
         * Power cut: unforced pages lost (a random half kept), disk stopped, the node's objects
         * dropped. Its threads still run until closed; what they complete from now on is no
         * acknowledgement (a node without power answers nothing).
         */
        void powerCut(Random rnd) {
            synchronized (PowerCutRoundsTest.this) {
                dead.add(pair);
                if (this == primarySide) {
                    // Acknowledged but not flushed by the node that lost power: may be gone now. Only a
                    // flush by the next run of the primary covers what it acknowledges.
                    System.arraycopy(floor, 0, lastAcked, 0, SLOTS);
                }
            }
            files.powerOff(home, rnd);
            restartable();
        }

        /** Once the power is off: the dead node's objects dropped, its disk back for the next start. */
        void restartable() {
            pair.close(); // its clean-shutdown flush fails on the dead files: the metadata stays "open"
            volume.close();
            files.powerOn(home);
        }
    }

    /** What each slot may hold: its write ids in order, and the last one a completed flush covered. */
    private final long[] floor = new long[SLOTS];
    private final long[] lastAcked = new long[SLOTS];
    private final List<List<Long>> history = new ArrayList<>();
    /** When each write was sent and acknowledged, on one clock ({@link #tick}): the order hosts rely on. */
    private final Map<Long, Long> sentAt = new HashMap<>();
    private final Map<Long, Long> ackedAt = new HashMap<>();
    private long tick;
    private final Set<Integer> busySlots = new HashSet<>();
    private final List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    /** Node runs that lost power: their late completions count for nothing. */
    private final Set<PairNode> dead = new HashSet<>();
    private Side primarySide;
    private long nextId = 1;

    @BeforeEach
    void powerCuttableFiles() {
        selected = SelectedFiles.volatileFiles();
        files = selected.files();
        harness = new PairHarness(dir);
        for (int i = 0; i < SLOTS; i++) {
            history.add(new ArrayList<>());
        }
    }

    @AfterEach
    void restoreFactory() {
        selected.close();
    }

    private enum Phase { LOAD, RESYNC, SCRUB }

    @Test
    void noFlushedWriteIsLostAndInSyncMeansIdenticalAcrossRandomPowerCuts() throws Exception {
        Side secondary = new Side("beta");
        Side primary = new Side("alpha");
        primarySide = primary;
        InetSocketAddress link = PairHarness.freeAddress();
        secondary.cfg = PairConfig.of(Role.SECONDARY, link, null, PairHarness.SECRET)
                .withHeartbeat(PairHarness.HEARTBEAT).withNodeName("beta");
        primary.cfg = PairConfig.of(Role.PRIMARY, null, link, PairHarness.SECRET)
                .withHeartbeat(PairHarness.HEARTBEAT).withNodeName("alpha");
        String round = "before round 0";
        try {
            secondary.start();
            primary.start();
            awaitInSync(primary, secondary, 0);
            for (int r = 0; r < ROUNDS; r++) {
                round = "round " + r;
                Random rnd = new Random(seed * 31 + r);
                round(rnd, primary, secondary, round);
            }
        } catch (AssertionError | Exception e) {
            throw new AssertionError("seed " + seed + " (-Dtwinblock.powercut.seed=" + seed + "), " + round + ": "
                    + e.getMessage(), e);
        } finally {
            closeQuietly(primary);
            closeQuietly(secondary);
            harness.close();
        }
    }

    private void round(Random rnd, Side primary, Side secondary, String round) throws Exception {
        // The policy is the primary's config: a new one each time the primary (re)starts.
        Phase phase = Phase.values()[rnd.nextInt(Phase.values().length)];
        Side victim = rnd.nextBoolean() ? primary : secondary;
        load(primary.pair, rnd);
        if (phase == Phase.SCRUB) {
            primary.pair.verify(); // its outcome does not matter; a cut in its middle does
            Thread.sleep(rnd.nextInt(200));
        }
        long linkUps = primary.pair.metrics().getOrDefault("mirror.link_ups", 0L);
        if (victim == primary) {
            primary.powerCut(rnd);
            OnPeerLoss policy = rnd.nextBoolean() ? OnPeerLoss.CONTINUE : OnPeerLoss.SUSPEND;
            primary.cfg = primary.cfg.withOnPeerLoss(policy, Duration.ofSeconds(20));
            primary.start();
            linkUps = 0;
        } else {
            secondary.powerCut(rnd);
            // The primary goes on alone meanwhile (held under SUSPEND until the secondary is back).
            for (int i = rnd.nextInt(30); i > 0 && inFlight.size() < IN_FLIGHT; i--) {
                write(primary.pair, rnd);
            }
            CompletableFuture<Void> alone = primary.pair.volume().flush();
            inFlight.add(alone);
            secondary.start();
        }
        if (phase == Phase.RESYNC) {
            Thread.sleep(rnd.nextInt(400)); // somewhere in the handshake or the resync
            Side second = rnd.nextBoolean() ? primary : secondary;
            if (second == primary) {
                primary.powerCut(rnd);
                primary.start();
                linkUps = 0;
            } else {
                secondary.powerCut(rnd);
                secondary.start();
            }
        }
        awaitInSync(primary, secondary, linkUps);
        settle();
        check(primary, secondary, round + " (" + phase + ", cut " + victim.name + ")");
    }

    @Test
    void withPointsOnASecondaryCutInAppendsOrInAPointIsPromotedToAConsistentImageOfEveryFlushedWrite()
            throws Exception {
        String round = "before failover 0";
        try {
            for (int r = 0; r < FAILOVERS; r++) {
                round = "failover " + r;
                failover(new Random(seed * 37 + r), r, round);
            }
        } catch (AssertionError | Exception e) {
            throw new AssertionError("seed " + seed + " (-Dtwinblock.powercut.seed=" + seed + "), " + round + ": "
                    + e.getMessage(), e);
        } finally {
            harness.close();
        }
    }

    /** A new pair with points on; writes and flushes; the secondary's power cut; a failover to it. */
    private void failover(Random rnd, int r, String round) throws Exception {
        forgetWrites();
        Side secondary = new Side("beta", "beta" + r, true);
        Side primary = new Side("alpha", "alpha" + r, true);
        primarySide = primary;
        InetSocketAddress link = PairHarness.freeAddress();
        secondary.cfg = PairConfig.of(Role.SECONDARY, link, null, PairHarness.SECRET)
                .withHeartbeat(PairHarness.HEARTBEAT).withNodeName("beta");
        // CONTINUE: what is in flight when the secondary dies completes at once, on the primary alone.
        primary.cfg = PairConfig.of(Role.PRIMARY, null, link, PairHarness.SECRET)
                .withHeartbeat(PairHarness.HEARTBEAT).withNodeName("alpha")
                .withOnPeerLoss(OnPeerLoss.CONTINUE, Duration.ofSeconds(20));
        boolean inPoint = r % 2 == 1; // not the first draw of seeds one apart: they agree
        try {
            secondary.start();
            primary.start();
            awaitInSync(primary, secondary, 0);
            load(primary.pair, rnd); // with points on, each host flush is followed by a point
            if (inPoint) {
                // At one of the secondary's next fdatasyncs of its volume: a point's (the one after
                // the last flush, or the timer's) while writes go on. No flush from here: the floor stands.
                CompletableFuture<Void> cut = files.powerOffAtForce(secondary.home.resolve("lun0.img"),
                        rnd.nextInt(4), secondary.home, rnd);
                for (int i = 0; i < 10_000 && !cut.isDone(); i++) {
                    write(primary.pair, rnd);
                }
                cut.get(SETTLE.toSeconds(), TimeUnit.SECONDS);
                secondary.restartable();
            } else {
                for (int i = rnd.nextInt(IN_FLIGHT); i > 0; i--) {
                    write(primary.pair, rnd); // in flight: the cut falls among their appends
                }
                secondary.powerCut(rnd);
            }
            settle();
            closeQuietly(primary); // an operator's failover: the old primary is stopped first
            secondary.start(); // replays its journal
            secondary.pair.promote();
            checkPromoted(secondary.volume, round + (inPoint ? " (cut applying a point)" : " (cut in appends)"));
        } finally {
            closeQuietly(primary);
            closeQuietly(secondary);
        }
    }

    /** A new pair's model: no write yet. */
    private synchronized void forgetWrites() {
        java.util.Arrays.fill(floor, 0);
        java.util.Arrays.fill(lastAcked, 0);
        history.forEach(List::clear);
        sentAt.clear();
        ackedAt.clear();
    }

    /**
     * The promoted image: every slot as {@link #check} wants it, and consistent: no write is missing
     * that was acknowledged before a write the image holds was sent (a host's write-order rule).
     */
    private void checkPromoted(FileVolume v, String what) throws Exception {
        long[] held = new long[SLOTS];
        long newest = 0;
        for (int s = 0; s < SLOTS; s++) {
            held[s] = checkSlot(read(v, s), s, what);
            if (held[s] > 0 && (newest == 0 || sentAt.get(held[s]) > sentAt.get(newest))) {
                newest = held[s];
            }
        }
        if (newest == 0) {
            return;
        }
        long newestSent = sentAt.get(newest);
        for (int s = 0; s < SLOTS; s++) {
            for (long id : history.get(s)) {
                Long acked = ackedAt.get(id);
                if (acked != null && acked < newestSent && held[s] < id) {
                    fail(what + ": not a consistent image: slot " + s + " holds " + (held[s] == 0 ? "zeros"
                            : "write " + held[s]) + ", not write " + id + ", acknowledged before write " + newest
                            + ", which the image holds, was sent");
                }
            }
        }
    }

    /** 50 to 300 writes with a flush every 10 to 70 of them. */
    private void load(PairNode node, Random rnd) throws Exception {
        int writes = 50 + rnd.nextInt(250);
        int flushEvery = 10 + rnd.nextInt(60);
        for (int i = 0; i < writes; i++) {
            write(node, rnd);
            if (i % flushEvery == flushEvery - 1) {
                flush(node);
            }
        }
    }

    /** A 4 KiB write of a fresh id to a slot with no write in flight. */
    private void write(PairNode node, Random rnd) throws Exception {
        while (inFlight.size() >= IN_FLIGHT) {
            inFlight.remove(0).handle((v, e) -> null).get(SETTLE.toSeconds(), TimeUnit.SECONDS);
        }
        int slot;
        do {
            slot = rnd.nextInt(SLOTS);
        } while (busySlots.contains(slot));
        long id = nextId++;
        int s = slot;
        synchronized (this) {
            busySlots.add(s);
            history.get(s).add(id);
            sentAt.put(id, tick++);
        }
        CompletableFuture<Void> done = node.volume().write((long) s * SLOT, PairHarness.data(pattern(id)), false)
                .whenComplete((v, e) -> {
                    synchronized (this) {
                        busySlots.remove(s);
                        if (e == null && !dead.contains(node)) {
                            lastAcked[s] = Math.max(lastAcked[s], id);
                            ackedAt.put(id, tick++);
                        }
                    }
                });
        inFlight.add(done);
    }

    /** Waits for the writes so far, then a flush; what they wrote is the new floor once it completes. */
    private void flush(PairNode node) throws Exception {
        for (CompletableFuture<Void> f : inFlight) {
            f.handle((v, e) -> null).get(SETTLE.toSeconds(), TimeUnit.SECONDS);
        }
        inFlight.clear();
        long[] covered;
        synchronized (this) {
            covered = lastAcked.clone();
        }
        node.volume().flush().get(SETTLE.toSeconds(), TimeUnit.SECONDS);
        synchronized (this) {
            System.arraycopy(covered, 0, floor, 0, SLOTS);
        }
    }

    private void settle() throws Exception {
        for (CompletableFuture<Void> f : inFlight) {
            f.handle((v, e) -> null).get(SETTLE.toSeconds(), TimeUnit.SECONDS);
        }
        inFlight.clear();
    }

    private static void awaitInSync(Side primary, Side secondary, long linkUpsBefore) {
        await("both nodes in sync on a new link").atMost(SETTLE).pollInterval(Duration.ofMillis(20))
                .until(() -> primary.pair.metrics().getOrDefault("mirror.link_ups", 0L) > linkUpsBefore
                        && primary.pair.state() == PairState.IN_SYNC && secondary.pair.state() == PairState.IN_SYNC);
    }

    private void check(Side primary, Side secondary, String what) throws Exception {
        for (int s = 0; s < SLOTS; s++) {
            byte[] p = read(primary.volume, s);
            byte[] q = read(secondary.volume, s);
            if (!java.util.Arrays.equals(p, q)) {
                fail(what + ": both IN_SYNC but slot " + s + " differs: primary holds " + describe(p)
                        + ", secondary " + describe(q));
            }
            checkSlot(p, s, what);
        }
        assertEquals(0, busySlots.size(), "writes still in flight after settling");
    }

    /** The write id slot {@code s} holds, once it is known to be whole, one of its writes, not behind the floor. */
    private long checkSlot(byte[] content, int s, String what) {
        long id = idOf(content);
        if (id < 0) {
            fail(what + ": slot " + s + " is torn or foreign");
        }
        if (id < floor[s] || (id != 0 && !history.get(s).contains(id))) {
            fail(what + ": slot " + s + " holds write " + id + " but write " + floor[s]
                    + " was acknowledged before a completed flush (writes there: " + history.get(s) + ")");
        }
        return id;
    }

    private static byte[] read(FileVolume v, int slot) throws Exception {
        ByteBuf b = v.read((long) slot * SLOT, SLOT, PooledByteBufAllocator.DEFAULT).get(30, TimeUnit.SECONDS);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** A slot's content for write {@code id}: the id, then bytes derived from it, so a torn slot shows. */
    private static byte[] pattern(long id) {
        ByteBuffer b = ByteBuffer.allocate(SLOT);
        Random r = new Random(id);
        while (b.hasRemaining()) {
            b.putLong(b.position() == 0 ? id : r.nextLong());
        }
        return b.array();
    }

    /** The write id a slot holds, 0 for never written, -1 for anything else. */
    private static long idOf(byte[] slot) {
        long id = ByteBuffer.wrap(slot).getLong();
        if (id == 0) {
            return java.util.Arrays.equals(slot, new byte[SLOT]) ? 0 : -1;
        }
        return id > 0 && java.util.Arrays.equals(slot, pattern(id)) ? id : -1;
    }

    private static String describe(byte[] slot) {
        long id = idOf(slot);
        return id == 0 ? "zeros" : id > 0 ? "write " + id : "unknown bytes";
    }

    private static void closeQuietly(Side side) {
        if (side.pair != null) {
            side.pair.close();
            side.pair = null;
        }
        if (side.volume != null) {
            side.volume.close();
            side.volume = null;
        }
    }
}
