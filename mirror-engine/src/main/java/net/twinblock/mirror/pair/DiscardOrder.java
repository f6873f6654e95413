package net.twinblock.mirror.pair;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import net.twinblock.mirror.resync.GenerationHistory;

/**
 * An administrator's decision, kept by the surviving node of a split brain, that its partner's
 * data is discarded ({@code resolve --discard NAME} run against the survivor). It is bound to the
 * partner's name and to the generations the survivor saw it hold, so a partner in another
 * state (it wrote again, or another node under that name) is never discarded on a stale word.
 *
 * <p>The survivor, as primary, carries it in HELLO_DONE as an HMAC over {@link #statement}; the
 * partner recomputes the statement from its own name and generations and the survivor's
 * generations in HELLO_PROOF, so it obeys only an order made for exactly its state, in this handshake.
 */
record DiscardOrder(String victim, GenerationHistory victimGenerations) {

    /** The four generation ids of a history, without its in-memory flag (which a restart clears). */
    private static final int IDS = GenerationHistory.ENCODED_LENGTH - 1;

    DiscardOrder {
        Objects.requireNonNull(victim, "victim");
        Objects.requireNonNull(victimGenerations, "victimGenerations");
    }

    /** True if the order was given for this node in this state. */
    boolean matches(String name, GenerationHistory generations) {
        return victim.equals(name) && sameIds(victimGenerations, generations);
    }

    /**
     * What the primary's HMAC covers: {@code u8 name length | victim name (UTF-8) | victim's four
     * generation ids | survivor's four generation ids}.
     */
    static byte[] statement(String victim, GenerationHistory victimGenerations, GenerationHistory survivor) {
        byte[] name = victim.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 + name.length + 2 * IDS);
        out.write(name.length);
        out.writeBytes(name);
        out.write(victimGenerations.encode(), 0, IDS);
        out.write(survivor.encode(), 0, IDS);
        return out.toByteArray();
    }

    private static boolean sameIds(GenerationHistory a, GenerationHistory b) {
        return a.withoutBitmapInMemory().equals(b.withoutBitmapInMemory());
    }
}
