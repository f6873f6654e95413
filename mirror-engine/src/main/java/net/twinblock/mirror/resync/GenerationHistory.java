package net.twinblock.mirror.resync;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.UUID;

/**
 * A node's data generations, after DRBD's UUIDs: which version of the volume's contents this
 * node holds, and which versions came before. Two nodes compare theirs when they meet and learn
 * which side is newer, whether a bitmap says what to copy, or that both wrote while apart.
 *
 * <ul>
 * <li>{@code current}: the generation of the data on this node. A new one starts whenever the
 *     node takes writes its peer will not see ({@link #newCurrent}). {@link #NONE} on a node
 *     that holds no known data (new, or its data was {@linkplain #discard discarded}).
 * <li>{@code bitmap}: the generation at which this node started tracking changes the peer lacks
 *     ({@link #startOutage}); NONE when not tracking. A peer whose current equals it can be
 *     brought up to date from this node's outage bitmap.
 * <li>{@code history}: the two bitmap generations before, newest first, so a peer that missed
 *     more than one outage is still recognised as an older copy (it then needs a full scan).
 * </ul>
 *
 * <p>Immutable: each operation returns the new history, which the caller makes durable through
 * the pair's metadata ({@code PairMetadata}) before acting on it. {@code bitmapInMemory} is not persisted: it says
 * whether this process holds the outage bitmap that belongs to {@code bitmap} (it does not after
 * a restart, and then only a full checksum scan can resync).
 */
public final class GenerationHistory {

    /** No generation. */
    public static final UUID NONE = new UUID(0, 0);

    /** Bytes of {@link #encode()}: four UUIDs and a flag byte. */
    public static final int ENCODED_LENGTH = 4 * 16 + 1;

    private final UUID current;
    private final UUID bitmap;
    private final UUID history0;
    private final UUID history1;
    private final boolean bitmapInMemory;

    private GenerationHistory(UUID current, UUID bitmap, UUID history0, UUID history1, boolean bitmapInMemory) {
        this.current = Objects.requireNonNull(current);
        this.bitmap = Objects.requireNonNull(bitmap);
        this.history0 = Objects.requireNonNull(history0);
        this.history1 = Objects.requireNonNull(history1);
        this.bitmapInMemory = bitmapInMemory && !bitmap.equals(NONE);
    }

    public static GenerationHistory of(UUID current, UUID bitmap, UUID history0, UUID history1,
            boolean bitmapInMemory) {
        return new GenerationHistory(current, bitmap, history0, history1, bitmapInMemory);
    }

    /** A node that holds no known data yet. */
    public static GenerationHistory none() {
        return new GenerationHistory(NONE, NONE, NONE, NONE, false);
    }

    public UUID current() {
        return current;
    }

    public UUID bitmap() {
        return bitmap;
    }

    public boolean bitmapInMemory() {
        return bitmapInMemory;
    }

    /** True when this node holds no known data generation. */
    public boolean isNone() {
        return current.equals(NONE);
    }

    /** The first generation of a new pair's data, taken by the node that starts as primary. */
    public GenerationHistory firstGeneration() {
        if (!isNone()) {
            throw new IllegalStateException("this node already holds generation " + current);
        }
        return new GenerationHistory(UUID.randomUUID(), NONE, NONE, NONE, false);
    }

    /**
     * The peer is gone: from now on changes are tracked against the current generation. Does
     * nothing if already tracking (a second outage before a resync finished keeps the older,
     * larger baseline). The caller must start an empty {@link OutageBitmap} when this sets the
     * bitmap generation.
     */
    public GenerationHistory startOutage() {
        if (!bitmap.equals(NONE)) {
            return this;
        }
        return new GenerationHistory(current, current, history0, history1, true);
    }

    /**
     * This node takes writes its peer will not see: on promotion while the peer is away, or on
     * the first write of an outage. Starts tracking first if not yet tracking. Not needed while
     * connected: both sides keep the same generation then.
     */
    public GenerationHistory newCurrent() {
        return newCurrent(UUID.randomUUID());
    }

    GenerationHistory newCurrent(UUID next) {
        GenerationHistory tracking = startOutage();
        return new GenerationHistory(next, tracking.bitmap, history0, history1, tracking.bitmapInMemory);
    }

    /**
     * This node was the source of a finished resync: the peer now holds our current generation,
     * so the bitmap generation becomes history and tracking stops.
     */
    public GenerationHistory endResync() {
        if (bitmap.equals(NONE)) {
            return this;
        }
        return new GenerationHistory(current, NONE, bitmap, history0, false);
    }

    /** This node was the target of a finished resync from {@code source} (after its {@link #endResync()}). */
    public GenerationHistory adopt(GenerationHistory source) {
        return new GenerationHistory(source.current, NONE, source.history0, source.history1, false);
    }

    /**
     * The administrator chose this node as the loser of a split brain (or of unrelated data):
     * its data counts for nothing, so the next meeting with {@code winner} makes it the target
     * of a full resync. The winner's generations are kept as this node's history, so logs show
     * what it is about to become.
     */
    public GenerationHistory discard(GenerationHistory winner) {
        return new GenerationHistory(NONE, NONE, winner.current, winner.bitmap.equals(NONE) ? winner.history0
                : winner.bitmap, false);
    }

    /**
     * This node lost quorum and acknowledged nothing since its outage began (it was fenced, and
     * the other node promoted): what it wrote alone counts for nothing, its data is the outage
     * baseline again, and the promoted node, whose outage started there too, is simply newer.
     * Unchanged if this node took no writes of its own.
     */
    public GenerationHistory dropUnacknowledged() {
        if (bitmap.equals(NONE) || current.equals(bitmap)) {
            return this;
        }
        return new GenerationHistory(bitmap, NONE, history0, history1, false);
    }

    /** The same generations without the in-memory bitmap (what a restarted process holds). */
    public GenerationHistory withoutBitmapInMemory() {
        return new GenerationHistory(current, bitmap, history0, history1, false);
    }

    /** What two nodes must do when they meet, seen from the local node. */
    public enum Verdict {
        /** Same data: nothing to copy. */
        IN_SYNC,
        /** Neither side holds data yet (a new pair): the primary becomes the source of a full checksum resync. */
        BOTH_NEW,
        /** We are newer and our outage bitmap says exactly what the peer lacks. */
        LOCAL_NEWER_BITMAP,
        /** We are newer, but only a full checksum scan can find what the peer lacks. */
        LOCAL_NEWER_FULL,
        /** The peer is newer and its bitmap says what we lack. */
        PEER_NEWER_BITMAP,
        /** The peer is newer; a full checksum scan from the peer. */
        PEER_NEWER_FULL,
        /** Both sides took writes since their last common generation: refuse, an admin must discard one side. */
        SPLIT_BRAIN,
        /** No common generation at all: refuse, an admin must discard one side. */
        UNRELATED;

        /** True when the pair must not connect until an administrator decides. */
        public boolean refusesConnection() {
            return this == SPLIT_BRAIN || this == UNRELATED;
        }

        public boolean peerIsSource() {
            return this == PEER_NEWER_BITMAP || this == PEER_NEWER_FULL;
        }
    }

    /**
     * Decides, like DRBD's UUID comparison, in this order: same current generation; one side
     * holds nothing; the peer's bitmap started at our current (peer newer, bitmap) or our current
     * is in the peer's history (peer newer, full); the mirror images; a shared bitmap or history
     * generation with different currents (split brain); else unrelated. The verdict seen from the
     * peer is always the mirror image of this one.
     */
    public static Verdict compare(GenerationHistory local, GenerationHistory peer) {
        if (local.isNone() && peer.isNone()) {
            return Verdict.BOTH_NEW;
        }
        if (local.current.equals(peer.current)) {
            return Verdict.IN_SYNC;
        }
        if (local.isNone()) {
            return Verdict.PEER_NEWER_FULL;
        }
        if (peer.isNone()) {
            return Verdict.LOCAL_NEWER_FULL;
        }
        if (peer.bitmap.equals(local.current)) {
            return peer.bitmapInMemory ? Verdict.PEER_NEWER_BITMAP : Verdict.PEER_NEWER_FULL;
        }
        if (local.bitmap.equals(peer.current)) {
            return local.bitmapInMemory ? Verdict.LOCAL_NEWER_BITMAP : Verdict.LOCAL_NEWER_FULL;
        }
        if (inHistory(local.current, peer)) {
            return Verdict.PEER_NEWER_FULL;
        }
        if (inHistory(peer.current, local)) {
            return Verdict.LOCAL_NEWER_FULL;
        }
        for (UUID mine : new UUID[] {local.bitmap, local.history0, local.history1}) {
            if (!mine.equals(NONE)
                    && (mine.equals(peer.bitmap) || mine.equals(peer.history0) || mine.equals(peer.history1))) {
                return Verdict.SPLIT_BRAIN;
            }
        }
        return Verdict.UNRELATED;
    }

    private static boolean inHistory(UUID generation, GenerationHistory h) {
        return !generation.equals(NONE) && (generation.equals(h.history0) || generation.equals(h.history1));
    }

    /** The message an administrator reads when the pair refuses to connect. */
    public static String refusal(Verdict verdict, GenerationHistory local, GenerationHistory peer) {
        String what = verdict == Verdict.SPLIT_BRAIN
                ? "split brain: both nodes took writes while apart"
                : "the nodes hold unrelated data";
        return what + "; refusing to connect until an administrator discards one side's data (local "
                + local.describe() + ", peer " + peer.describe() + ")";
    }

    /** Generations for logs and status. */
    public String describe() {
        return "current " + shortId(current) + ", bitmap " + shortId(bitmap) + ", history " + shortId(history0)
                + " " + shortId(history1);
    }

    private static String shortId(UUID id) {
        return id.equals(NONE) ? "-" : id.toString();
    }

    /** The handshake (and file) form: current, bitmap, history0, history1, flags. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(ENCODED_LENGTH);
        for (UUID id : new UUID[] {current, bitmap, history0, history1}) {
            b.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        }
        b.put((byte) (bitmapInMemory ? 1 : 0));
        return b.array();
    }

    /** @throws IllegalArgumentException if {@code bytes} is not an encoded history */
    public static GenerationHistory decode(byte[] bytes) {
        if (bytes.length != ENCODED_LENGTH) {
            throw new IllegalArgumentException("generation history is " + ENCODED_LENGTH + " bytes, not " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        UUID[] ids = new UUID[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = new UUID(b.getLong(), b.getLong());
        }
        byte flags = b.get();
        if ((flags & ~1) != 0) {
            throw new IllegalArgumentException("unknown generation history flags " + flags);
        }
        return new GenerationHistory(ids[0], ids[1], ids[2], ids[3], flags == 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationHistory h && h.current.equals(current) && h.bitmap.equals(bitmap)
                && h.history0.equals(history0) && h.history1.equals(history1) && h.bitmapInMemory == bitmapInMemory;
    }

    @Override
    public int hashCode() {
        return Objects.hash(current, bitmap, history0, history1, bitmapInMemory);
    }

    @Override
    public String toString() {
        return "GenerationHistory[" + describe() + (bitmapInMemory ? ", bitmap in memory" : "") + "]";
    }
}
