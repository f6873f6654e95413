package net.twinblock.mirror.witness;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The witness's rules, applied to one request at a time: the caller runs every request of every
 * connection on one thread, so a rule's check and its change are one step. A change is durable
 * ({@link StateStore#save}) before the reply that reports it is built; if it cannot be made
 * durable, nothing changes and the reply says {@link Verdict#NOT_DURABLE}.
 *
 * <p>Leases live in memory only, on the monotonic clock. At start every known pair's lease counts
 * as held for one full lease period: a lease granted before a restart expired at most one period
 * after it was granted, so none can still run after that, and no promotion is granted earlier.
 */
final class Arbiter {

    private static final Logger LOG = System.getLogger(Arbiter.class.getName());

    private final StateStore store;
    private final Map<String, WitnessState> states;
    /** Pair id to the recorded primary's lease expiry, in {@link #clock} nanoseconds. */
    private final Map<String, Long> leaseExpiry = new HashMap<>();
    private final long leaseNanos;
    private final LongSupplier clock;

    Arbiter(StateStore store, Map<String, WitnessState> loaded, long leaseNanos, LongSupplier clock) {
        this.store = store;
        this.states = new HashMap<>(loaded);
        this.leaseNanos = leaseNanos;
        this.clock = clock;
        long heldUntil = clock.getAsLong() + leaseNanos;
        for (String pair : loaded.keySet()) {
            leaseExpiry.put(pair, heldUntil);
        }
    }

    int pairs() {
        return states.size();
    }

    /** Decides {@code r} from a client authenticated with the key of id {@code keyId}. */
    PairReply decide(PairRequest r, String keyId) {
        long now = clock.getAsLong();
        WitnessState s = states.get(r.pairId());
        if (s != null && !s.keyId().equals(keyId)) {
            // Another key's pair: say so (two pairs configured with one name is a mistake to see),
            // but show nothing of its state.
            return reply(r, Verdict.OTHER_KEY, null, 0, now);
        }
        if (s == null) {
            return r.op() == WitnessFrameType.RENEW_LEASE ? found(r, keyId, now) : reply(r, Verdict.UNKNOWN_PAIR, null, 0, now);
        }
        return switch (r.op()) {
            case RENEW_LEASE -> renew(r, s, now);
            case OUTDATE_PEER -> setPeer(r, s, PeerState.OUTDATED, now);
            case MARK_PEER_UP_TO_DATE -> setPeer(r, s, PeerState.UP_TO_DATE, now);
            case REQUEST_PROMOTION -> promote(r, s, now);
            case FORCE_PROMOTE -> forcePromote(r, s, now);
            case QUERY -> reply(r, Verdict.GRANTED, s, 0, now);
            default -> throw new IllegalArgumentException(r.op() + " is not a pair request");
        };
    }

    /**
     * The first node to ask for a lease founds the pair as its primary at its own epoch. Its peer
     * counts as outdated (the witness has no word yet that it is in sync) until the primary says so.
     */
    private PairReply found(PairRequest r, String keyId, long now) {
        WitnessState s = new WitnessState(r.pairId(), r.epoch(), r.node(), PeerState.OUTDATED, keyId);
        if (!persist(s, "found the pair")) {
            return reply(r, Verdict.NOT_DURABLE, null, 0, now);
        }
        LOG.log(Level.INFO, "pair {0}: founded by {1}, primary at epoch {2}; its peer counts as outdated until {1}"
                + " says it is in sync", r.pairId(), r.node(), r.epoch());
        leaseExpiry.put(s.pairId(), now + leaseNanos);
        return reply(r, Verdict.GRANTED, s, leaseNanos, now);
    }

    /** Only the recorded primary, at the recorded epoch, holds the lease. */
    private PairReply renew(PairRequest r, WitnessState s, long now) {
        Verdict no = notThePrimary(r, s);
        if (no != null) {
            return refuse(r, no, s, now);
        }
        leaseExpiry.merge(s.pairId(), now + leaseNanos, (old, fresh) -> fresh - old > 0 ? fresh : old);
        return reply(r, Verdict.GRANTED, s, leaseNanos, now);
    }

    /**
     * The primary outdates its peer before it acknowledges writes the peer misses (so the peer
     * can never be promoted over them), and marks it up to date once it caught up.
     */
    private PairReply setPeer(PairRequest r, WitnessState s, PeerState peer, long now) {
        Verdict no = notThePrimary(r, s);
        if (no != null) {
            return refuse(r, no, s, now);
        }
        if (s.peer() != peer) {
            WitnessState next = s.withPeer(peer);
            if (!persist(next, "record the peer " + peer)) {
                return reply(r, Verdict.NOT_DURABLE, s, 0, now);
            }
            LOG.log(Level.INFO, "pair {0}: {1} (primary at epoch {2}) says its peer is {3}", s.pairId(), s.primary(),
                    s.epoch(), peer);
            s = next;
        }
        return reply(r, Verdict.GRANTED, s, 0, now);
    }

    /**
     * The node that is not primary becomes primary only if the primary's lease expired (it stopped
     * acknowledging writes before that, see {@link WitnessLease}), it is up to date (no
     * acknowledged write is missing on it) and it asks from the recorded generation.
     */
    private PairReply promote(PairRequest r, WitnessState s, long now) {
        Verdict no = s.primary().equals(r.node()) ? Verdict.ALREADY_PRIMARY : epochMismatch(r, s);
        if (no == null && s.peer() == PeerState.OUTDATED) {
            no = Verdict.OUTDATED;
        }
        if (no == null && leaseHeld(s.pairId(), now)) {
            no = Verdict.LEASE_HELD;
        }
        if (no != null) {
            return refuse(r, no, s, now);
        }
        return changePrimary(r, s, now, "the lease of " + s.primary() + " expired and " + r.node() + " is up to date");
    }

    /** An administrator's promote --force: the requester becomes primary whatever the lease and the peer state say. */
    private PairReply forcePromote(PairRequest r, WitnessState s, long now) {
        if (s.primary().equals(r.node())) {
            return refuse(r, Verdict.ALREADY_PRIMARY, s, now);
        }
        return changePrimary(r, s, now, "forced by an administrator on " + r.node());
    }

    private PairReply changePrimary(PairRequest r, WitnessState s, long now, String why) {
        WitnessState next = s.promote(r.node());
        if (!persist(next, "promote " + r.node())) {
            return reply(r, Verdict.NOT_DURABLE, s, 0, now);
        }
        LOG.log(Level.WARNING, "pair {0}: {1} promoted at epoch {2} ({3}); {4} is outdated", s.pairId(), r.node(),
                next.epoch(), why, s.primary());
        leaseExpiry.put(s.pairId(), now + leaseNanos);
        return reply(r, Verdict.GRANTED, next, leaseNanos, now);
    }

    private static Verdict notThePrimary(PairRequest r, WitnessState s) {
        return s.primary().equals(r.node()) ? epochMismatch(r, s) : Verdict.NOT_PRIMARY;
    }

    private static Verdict epochMismatch(PairRequest r, WitnessState s) {
        return r.epoch() < s.epoch() ? Verdict.STALE_EPOCH : r.epoch() > s.epoch() ? Verdict.EPOCH_AHEAD : null;
    }

    private boolean leaseHeld(String pair, long now) {
        Long expiry = leaseExpiry.get(pair);
        return expiry != null && expiry - now > 0;
    }

    /** Durable, then in memory; false (and nothing changed) if the file could not be written. */
    private boolean persist(WitnessState next, String what) {
        try {
            store.save(next);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "pair {0}: cannot {1}: the state file in {2} cannot be written ({3}); nothing changed",
                    next.pairId(), what, store.dir(), e.getMessage());
            return false;
        }
        states.put(next.pairId(), next);
        return true;
    }

    private PairReply refuse(PairRequest r, Verdict no, WitnessState s, long now) {
        LOG.log(Level.DEBUG, "pair {0}: {1} from {2} at epoch {3} refused: {4} ({5})", r.pairId(), r.op(), r.node(),
                r.epoch(), no, s);
        return reply(r, no, s, 0, now);
    }

    private PairReply reply(PairRequest r, Verdict v, WitnessState s, long lease, long now) {
        if (s == null) {
            return new PairReply(r.requestId(), v, 0, "", null, 0, 0);
        }
        Long expiry = leaseExpiry.get(s.pairId());
        long remaining = expiry == null ? 0 : Math.max(0, expiry - now);
        return new PairReply(r.requestId(), v, s.epoch(), s.primary(), s.peer(), lease, remaining);
    }
}
