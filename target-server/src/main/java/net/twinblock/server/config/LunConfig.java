package net.twinblock.server.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One LUN as configured.
 *
 * @param lun       LUN number (0..16383)
 * @param sizeBytes capacity, a whole number of blocks
 * @param blockSize 512 or 4096
 * @param path      image file (absolute)
 * @param serial    serial number override, or null to derive it from the target IQN
 * @param naa       NAA designator override (16 bytes), or null to derive it
 */
public record LunConfig(int lun, long sizeBytes, int blockSize, Path path, String serial, byte[] naa) {
    public LunConfig {
        Objects.requireNonNull(path, "path");
        naa = naa == null ? null : naa.clone();
    }

    @Override
    public byte[] naa() {
        return naa == null ? null : naa.clone();
    }

    public long blocks() {
        return sizeBytes / blockSize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LunConfig other && lun == other.lun && sizeBytes == other.sizeBytes
                && blockSize == other.blockSize && path.equals(other.path)
                && Objects.equals(serial, other.serial) && Arrays.equals(naa, other.naa);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lun, sizeBytes, blockSize, path, serial, Arrays.hashCode(naa));
    }

    @Override
    public String toString() {
        return "LunConfig[lun=" + lun + ", sizeBytes=" + sizeBytes + ", blockSize=" + blockSize + ", path=" + path
                + ", serial=" + serial + ", naa=" + (naa == null ? null : HexFormat.of().formatHex(naa)) + "]";
    }
}
