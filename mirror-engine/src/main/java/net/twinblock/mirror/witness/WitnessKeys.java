package net.twinblock.mirror.witness;

import java.util.ArrayList;
import java.util.List;
import net.twinblock.mirror.link.SharedKey;

/** The keys one witness holds, one per pair (or per group of pairs an administrator gave one key). */
final class WitnessKeys {

    /** One key and the id its pairs' state is bound to. */
    record Key(SharedKey key, String id) {
    }

    private final List<Key> keys = new ArrayList<>();

    WitnessKeys(List<byte[]> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("the witness needs at least one key");
        }
        for (byte[] s : secrets) {
            SharedKey k = new SharedKey(s);
            keys.add(new Key(k, WitnessAuth.keyId(k)));
        }
    }

    int size() {
        return keys.size();
    }

    /**
     * The key the client's proof was made with, or null. Every key is tried, also after a match,
     * so the time taken does not tell which line of the key file matched.
     */
    Key match(byte[] clientNonce, byte[] witnessNonce, byte[] proof) {
        Key found = null;
        for (Key k : keys) {
            if (WitnessAuth.verify(k.key(), WitnessAuth.Prover.CLIENT, clientNonce, witnessNonce, proof) && found == null) {
                found = k;
            }
        }
        return found;
    }
}
