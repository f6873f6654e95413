package net.twinblock.mirror.pair;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.twinblock.mirror.witness.PeerState;
import net.twinblock.mirror.witness.Verdict;
import net.twinblock.mirror.witness.WitnessAnswer;
import net.twinblock.mirror.witness.WitnessClient;
import net.twinblock.mirror.witness.WitnessClientSettings;
import net.twinblock.mirror.witness.WitnessLease;

/**
 * Two of three (primary, secondary, witness) decide who acknowledges writes, so a pair fails
 * over without a person and never has two nodes acknowledging (DESIGN section 8). Each rule is
 * enforced here or at the one place named:
 * <ul>
 * <li>A primary that lost its secondary acknowledges writes again only after the witness durably
 * recorded that secondary OUTDATED ({@link #peerLost}; until then mirror.on-peer-loss holds writes
 * as SUSPEND does, through {@link #peerOutdated} in {@link PeerLossPolicy}). An outdated node is
 * never promoted: the witness refuses it.
 * <li>A secondary that lost its primary asks the witness to promote it ({@link #tick}); the witness
 * grants it only once the primary's lease expired and this secondary is up to date, at a new epoch.
 * <li>A primary that reaches neither its secondary nor the witness stops serving before its lease
 * can expire at the witness: {@link PairNode#serving()} needs the lease ({@link #leaseValid}, valid
 * until the renewal's send time plus the lease less a margin, on the monotonic clock) or every
 * volume linked.
 * <li>Losing only the witness changes nothing while the secondary is linked.
 * </ul>
 */
final class Quorum implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Quorum.class.getName());

    private final PairNode node;
    private final WitnessClient witness;
    private final WitnessSettings settings;
    private final EventLoop loop;
    /** Promotion blocks (metadata, listener): not on the event loop. */
    private final ExecutorService promoter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pair-quorum");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean asking = new AtomicBoolean();
    private final AtomicBoolean demoting = new AtomicBoolean();
    /** An OUTDATE_PEER is on its way; a failed one is asked again at the next tick. */
    private final AtomicBoolean outdating = new AtomicBoolean();
    private volatile WitnessLease lease;
    private volatile long epoch = -1;
    /** The witness recorded the secondary OUTDATED at this primary's request (cleared once up to date again). */
    private volatile boolean peerOutdated;
    private volatile WitnessAnswer last;
    private volatile String lastRefusal;
    private long refusalRepeats;
    private volatile boolean outdateFailureLogged;
    /** A secondary: when it found itself without any link to its primary (System.nanoTime), 0 while linked. */
    private volatile long unlinkedSince;
    private ScheduledFuture<?> ticks;

    Quorum(PairNode node, WitnessClient witness, WitnessSettings settings, EventLoop loop) {
        this.node = node;
        this.witness = witness;
        this.settings = settings;
        this.loop = loop;
    }

    /** Connects {@code node} to its witness (the client dials in the background). */
    static Quorum join(PairNode node, WitnessSettings w, byte[] secret, io.netty.channel.EventLoopGroup group,
            Class<? extends io.netty.channel.Channel> channelClass) {
        long lease = w.lease().toMillis();
        WitnessClient client = new WitnessClient(w.address(), secret, new WitnessClientSettings(
                Duration.ofMillis(Math.max(250, lease / 2)), Duration.ofMillis(Math.max(100, lease / 8)),
                Duration.ofMillis(100), Duration.ofSeconds(1)), group, channelClass);
        client.start();
        return new Quorum(node, client, w, group.next());
    }

    /**
     * The role the witness records for this node, the configured one if it has none or cannot be
     * asked within a few seconds (blocking: at startup). mirror.role is a preference: a configured
     * primary the witness does not name starts as secondary.
     */
    Role roleAtStart(Role configured) {
        WitnessAnswer a = askAtStart(3000);
        if (a == null || a.primary() == null) {
            LOG.log(Level.INFO, "witness {0}: {1}; starting as configured ({2})", settings.address(),
                    a == null ? "not reachable yet" : "no state for this pair yet", configured);
            return configured;
        }
        Role recorded = a.primary().equals(node.nodeName()) ? Role.PRIMARY : Role.SECONDARY;
        if (recorded != configured) {
            LOG.log(Level.WARNING, "the witness records {0} as the primary at epoch {1}: this node starts as {2},"
                    + " not as configured ({3}); mirror.role is a preference", a.primary(), a.epoch(), recorded,
                    configured);
        }
        return recorded;
    }

    /** What the witness says of the pair now (blocking, at startup): null if it cannot be asked. */
    private WitnessAnswer askAtStart(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() - deadline < 0) {
            try {
                WitnessAnswer a = witness.query(settings.pairId()).get(timeoutMillis, TimeUnit.MILLISECONDS);
                remember(a);
                return a;
            } catch (Exception e) {
                try {
                    Thread.sleep(100); // not connected yet: the client is still dialling
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return null;
    }

    void start() {
        long period = Math.max(50, settings.lease().toMillis() / 4);
        ticks = loop.scheduleAtFixedRate(this::tick, 0, period, TimeUnit.MILLISECONDS);
    }

    /** True while this node holds the witness's lease as the primary. */
    boolean leaseValid() {
        WitnessLease l = lease;
        return l != null && l.validAt(System.nanoTime());
    }

    /**
     * A secondary without a link to its primary may be promoted by the witness any moment: the
     * witness is reachable, its last word names another node primary and this one up to date, and
     * the link was lost less than three leases ago (a promotion comes about one lease after the
     * primary's death; past that, something else is wrong and the node stands by).
     */
    boolean promotionLikely() {
        WitnessAnswer a = last;
        long since = unlinkedSince;
        return node.role() != Role.PRIMARY && witness.connected() && a != null && a.primary() != null
                && !a.primary().equals(node.nodeName()) && a.peerState() == PeerState.UP_TO_DATE
                && (since == 0 || System.nanoTime() - since < settings.lease().multipliedBy(3).toNanos());
    }

    /** True once the witness recorded the secondary OUTDATED for this primary: writes may go on alone. */
    boolean peerOutdated() {
        return peerOutdated;
    }

    /** Whether the witness is reachable (authenticated) now. */
    boolean connected() {
        return witness.connected();
    }

    /** For status: what the witness last said, and whether it is reachable. */
    String describe() {
        WitnessAnswer a = last;
        return "witness " + witness.witness().getHostString() + ":" + witness.witness().getPort()
                + (witness.connected() ? " connected" : " unreachable (" + witness.problem() + ")")
                + (a == null ? "" : "; epoch " + a.epoch() + ", primary " + a.primary() + ", peer " + a.peerState())
                + (node.role() == Role.PRIMARY ? "; lease " + (leaseValid() ? "held" : "not held") : "")
                + (lastRefusal == null ? "" : "; last refusal " + lastRefusal);
    }

    /** For status: the three as this node sees them, the lease, and the witness's last word. */
    QuorumView view() {
        WitnessAnswer a = last;
        WitnessLease l = lease;
        long now = System.nanoTime();
        boolean held = node.role() == Role.PRIMARY && l != null && l.validAt(now);
        boolean connected = witness.connected();
        return new QuorumView(witness.witness().getHostString() + ":" + witness.witness().getPort(), connected,
                connected ? null : String.valueOf(witness.problem()), node.allVolumesLinked(), held,
                held ? TimeUnit.NANOSECONDS.toMillis(l.remainingNanos(now)) : 0, a == null ? -1 : a.epoch(),
                a == null ? null : a.primary(), a == null || a.peerState() == null ? null
                        : a.peerState().name().toLowerCase(java.util.Locale.ROOT), lastRefusal);
    }

    /** A primary volume's link to the secondary dropped: have the witness record the secondary outdated. */
    void peerLost() {
        if (peerOutdated || node.role() != Role.PRIMARY || !outdating.compareAndSet(false, true)) {
            return;
        }
        long e = epoch;
        witness.outdatePeer(settings.pairId(), node.nodeName(), Math.max(0, e)).whenComplete((a, err) -> {
            outdating.set(false);
            if (err != null) {
                if (!outdateFailureLogged) {
                    outdateFailureLogged = true;
                    LOG.log(Level.WARNING, "the witness could not record the secondary outdated ({0}): writes stay"
                            + " held; asking again every {1} ms", err.toString(), settings.lease().toMillis() / 4);
                }
                return;
            }
            outdateFailureLogged = false;
            remember(a);
            if (a.granted()) {
                peerOutdated = true;
                LOG.log(Level.WARNING, "the witness recorded the secondary OUTDATED: writes go on without it");
                node.peerOutdated();
            } else {
                refused("outdate-peer", a); // writes stay held
                if (a.primary() != null && !a.primary().equals(node.nodeName())) {
                    fenced(a);
                }
            }
        });
    }

    /**
     * An administrator's promote: the witness must agree (lease expired, this node up to date),
     * unless forced, when it is told so if it can be reached. Blocking.
     *
     * @throws IllegalStateException if the witness refuses an unforced promotion or cannot be asked
     */
    void promoteAtWitness(boolean force) {
        try {
            WitnessAnswer a;
            if (force) {
                a = witness.forcePromote(settings.pairId(), node.nodeName()).get(5, TimeUnit.SECONDS);
            } else {
                WitnessAnswer q = witness.query(settings.pairId()).get(5, TimeUnit.SECONDS);
                a = witness.requestPromotion(settings.pairId(), node.nodeName(), q.epoch()).get(5, TimeUnit.SECONDS);
            }
            remember(a);
            if (a.granted()) {
                lease = a.lease();
            } else if (!force) {
                throw new IllegalStateException("the witness refuses to promote this node: " + a.verdict()
                        + (a.verdict() == Verdict.OUTDATED ? " (this copy is outdated: the primary wrote without it)"
                                : a.verdict() == Verdict.LEASE_HELD ? " (the primary still holds its lease)" : "")
                        + "; promote --force overrides it");
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            if (!force) {
                throw new IllegalStateException("cannot ask the witness (" + e + "); promote --force serves without it");
            }
            LOG.log(Level.WARNING, "forced promotion without the witness''s word: {0}", e.toString());
        }
    }

    private void tick() {
        if (node.closed()) {
            return;
        }
        if (!witness.connected()) {
            return;
        }
        if (node.role() == Role.PRIMARY) {
            renew();
            if (!peerOutdated && !node.allVolumesLinked()) {
                peerLost(); // held writes wait for it: a failed or refused attempt is made again
            }
        } else if (!node.anyVolumeLinked()) {
            if (unlinkedSince == 0) {
                unlinkedSince = System.nanoTime();
            }
            askPromotion();
        } else {
            unlinkedSince = 0;
            // Only for status: a linked secondary's view of the witness stays current, and a
            // refusal from before it linked (UNKNOWN_PAIR at a first start) is no news any more.
            witness.query(settings.pairId()).thenAccept(this::remember);
            settled();
        }
    }

    private void renew() {
        long e = epoch < 0 ? 0 : epoch;
        witness.renewLease(settings.pairId(), node.nodeName(), e).whenComplete((a, err) -> {
            if (err != null) {
                return; // the lease runs out on its own; PairNode.serving() watches it
            }
            remember(a);
            if (a.granted()) {
                lease = a.lease();
                settled();
                if (peerOutdated && node.allVolumesInSync()) {
                    markUpToDate();
                }
            } else {
                lease = null;
                refused("lease", a);
                if (a.primary() != null && !a.primary().equals(node.nodeName())) {
                    fenced(a);
                }
            }
        });
    }

    /**
     * The witness names another node primary: this one lost quorum while it was cut off (its
     * lease ran out first, so it acknowledged nothing since) and rejoins as that node's
     * secondary, its unacknowledged writes resynced away (DESIGN section 8).
     */
    private void fenced(WitnessAnswer a) {
        if (!demoting.compareAndSet(false, true)) {
            return;
        }
        promoter.execute(() -> {
            try {
                lease = null;
                boolean wroteAlone = peerOutdated;
                peerOutdated = false;
                node.demoteFenced(a.primary(), a.epoch(), wroteAlone);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "rejoining as secondary failed: {0}", e.toString());
            } finally {
                demoting.set(false);
            }
        });
    }

    /** The witness grants what this node asks (or it asks nothing): the last refusal is over. */
    private synchronized void settled() {
        lastRefusal = null;
        refusalRepeats = 0;
    }

    /** A refusal is logged once per verdict, with how often the one before it repeated. */
    private void refused(String what, WitnessAnswer a) {
        String now = what + ": " + a.verdict();
        synchronized (this) {
            if (now.equals(lastRefusal)) {
                refusalRepeats++;
                return;
            }
            LOG.log(Level.WARNING, "the witness refuses {0} (epoch {1}, primary {2}){3}", now, a.epoch(), a.primary(),
                    lastRefusal == null || refusalRepeats == 0 ? ""
                            : "; before: " + lastRefusal + ", " + (refusalRepeats + 1) + " time(s)");
            lastRefusal = now;
            refusalRepeats = 0;
        }
    }

    private void markUpToDate() {
        witness.markPeerUpToDate(settings.pairId(), node.nodeName(), epoch).whenComplete((a, err) -> {
            if (err == null && a.granted()) {
                peerOutdated = false;
                LOG.log(Level.INFO, "the witness recorded the secondary up to date");
            }
        });
    }

    private void askPromotion() {
        if (!asking.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<WitnessAnswer> asked = witness.query(settings.pairId()).thenCompose(q -> {
            remember(q);
            if (q.peerState() != PeerState.UP_TO_DATE || node.nodeName().equals(q.primary())) {
                return CompletableFuture.completedFuture(q); // outdated: never promoted
            }
            return witness.requestPromotion(settings.pairId(), node.nodeName(), q.epoch());
        });
        asked.whenComplete((a, err) -> {
            if (err != null || a.verdict() != Verdict.GRANTED || a.lease() == null) {
                if (a != null && a.verdict() != Verdict.GRANTED) {
                    refused("promotion", a);
                }
                asking.set(false);
                return;
            }
            remember(a);
            lease = a.lease();
            promoter.execute(() -> {
                try {
                    LOG.log(Level.WARNING, "the witness granted this node the primary role at epoch {0}: promoting",
                            a.epoch());
                    node.promoteGranted();
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "promotion granted by the witness failed here: {0}", e.getMessage());
                } finally {
                    asking.set(false);
                }
            });
        });
    }

    private void remember(WitnessAnswer a) {
        last = a;
        if (a.epoch() >= 0 && a.primary() != null) {
            epoch = a.epoch();
        }
        if (node.nodeName().equals(a.primary()) && a.peerState() == PeerState.OUTDATED) {
            peerOutdated = true;
        }
    }

    @Override
    public void close() {
        if (ticks != null) {
            ticks.cancel(false);
        }
        promoter.shutdownNow();
        witness.close();
    }
}
