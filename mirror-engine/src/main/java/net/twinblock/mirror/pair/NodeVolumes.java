package net.twinblock.mirror.pair;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import net.twinblock.mirror.link.PeerIdentity;

/**
 * A node's mirrored volumes by number (LUN), and what holds across them: the least healthy
 * state shown for the node, and whether the partner is linked, or has confirmed, on each.
 *
 * <p>Apart from {@link PairNode} so that class keeps the node's role and API, and this one the
 * set of LUNs it mirrors. Filled once by the node's constructor and never changed after, so it
 * needs no lock; each {@link PairVolume} guards its own state, as before.
 */
final class NodeVolumes {

    private final SortedMap<Integer, PairVolume> byNumber = new TreeMap<>();
    private final List<Integer> numbers;

    NodeVolumes(PairNode node, List<PairNode.VolumeSetup> setups) {
        if (setups.isEmpty() || setups.size() > PeerIdentity.MAX_VOLUMES) {
            throw new IllegalArgumentException("a pair mirrors 1 to " + PeerIdentity.MAX_VOLUMES + " volumes, not "
                    + setups.size());
        }
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (PairNode.VolumeSetup v : setups) {
            if (!seen.add(v.number())) { // checked before any volume opens its metadata and threads
                throw new IllegalArgumentException("volume " + v.number() + " given twice");
            }
        }
        try {
            for (PairNode.VolumeSetup v : setups) {
                byNumber.put(v.number(), new PairVolume(node, v.number(), v.local(), v.options()));
            }
        } catch (RuntimeException e) {
            byNumber.values().forEach(PairVolume::close); // the node never existed: nothing may run on
            throw e;
        }
        this.numbers = List.copyOf(byNumber.keySet());
    }

    /** Every volume, by ascending number. */
    Collection<PairVolume> all() {
        return byNumber.values();
    }

    /** Volume {@code number}, or null if the node does not mirror it. */
    PairVolume get(int number) {
        return byNumber.get(number);
    }

    /** The volume numbers, ascending. */
    List<Integer> numbers() {
        return numbers;
    }

    /** The single volume of a node of one volume, for the single-volume accessors. */
    PairVolume only() {
        if (byNumber.size() != 1) {
            throw new IllegalStateException("this node mirrors LUNs " + numbers + ": ask for one by number");
        }
        return byNumber.get(byNumber.firstKey());
    }

    /**
     * The node's pair status in {@code role}: the least healthy volume's state, the partner's
     * address (while any volume is linked), and copy progress summed over the volumes.
     */
    PairStatus status(Role role) {
        PairState worst = null;
        String peer = null;
        long done = 0;
        long total = 0;
        for (PairVolume v : byNumber.values()) {
            PairStatus s = v.status();
            if (worst == null || severity(s.state()) > severity(worst)) {
                worst = s.state();
            }
            peer = peer != null ? peer : s.peer();
            done += s.syncDoneBytes();
            total += s.syncTotalBytes();
        }
        return new PairStatus(role, worst, peer, done, total);
    }

    /** How far from "in sync" a state is, to show a node by its least healthy volume. */
    private static int severity(PairState s) {
        return switch (s) {
            case IN_SYNC -> 0;
            case SYNCING -> 1;
            case CONNECTING -> 2;
            case DEGRADED -> 3;
            case SUSPENDED -> 4;
            case SPLIT_BRAIN -> 5;
        };
    }

    /** The partner's name as it last introduced itself on any volume; null if none. */
    String peerName() {
        return byNumber.values().stream().map(v -> v.splitBrain.state.peerName()).filter(Objects::nonNull)
                .findFirst().orElse(null);
    }

    boolean allLinked() {
        return byNumber.values().stream().allMatch(PairVolume::linked);
    }

    boolean anyLinked() {
        return byNumber.values().stream().anyMatch(PairVolume::linked);
    }

    /**
     * Every volume either linked or refused for the configuration (a LUN the partner does not
     * have, or has with another size), and at least one linked: the partner confirmed it holds
     * no newer data of any volume it has.
     */
    boolean partnerConfirmedEvery() {
        return anyLinked() && byNumber.values().stream().allMatch(v -> v.linked() || v.refusal() != null);
    }

    boolean allInSync() {
        return byNumber.values().stream().allMatch(v -> v.status().state() == PairState.IN_SYNC);
    }
}
