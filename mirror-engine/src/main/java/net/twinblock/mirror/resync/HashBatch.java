package net.twinblock.mirror.resync;

import java.util.Arrays;

/**
 * Hashes of {@code count} consecutive regions from {@code firstRegion}, packed back to back
 * (what goes over the link in one message).
 */
public record HashBatch(ChecksumAlgorithm algorithm, long firstRegion, int count, byte[] hashes) {

    public HashBatch {
        if (count < 0 || hashes.length != count * algorithm.hashLength()) {
            throw new IllegalArgumentException(count + " " + algorithm.configName() + " hashes need "
                    + count * algorithm.hashLength() + " bytes, got " + hashes.length);
        }
    }

    /** True if region {@code firstRegion + i} has the same hash in both batches. */
    public boolean sameHash(int i, HashBatch other) {
        int n = algorithm.hashLength();
        return Arrays.equals(hashes, i * n, (i + 1) * n, other.hashes, i * n, (i + 1) * n);
    }

    public byte[] hash(int i) {
        int n = algorithm.hashLength();
        return Arrays.copyOfRange(hashes, i * n, (i + 1) * n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashBatch b && b.algorithm == algorithm && b.firstRegion == firstRegion
                && b.count == count && Arrays.equals(b.hashes, hashes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(firstRegion) * 31 + Arrays.hashCode(hashes);
    }

    @Override
    public String toString() {
        return "HashBatch[" + algorithm.configName() + ", regions " + firstRegion + ".." + (firstRegion + count - 1) + "]";
    }
}
