package net.twinblock.iscsi.lun;

import java.util.Objects;

/**
 * The identity a logical unit reports in VPD pages 0x80 and 0x83. It must be stable across
 * restarts, and identical on both nodes of a pair, so the host's multipath layer sees one disk.
 *
 * @param naa   16-byte NAA IEEE Registered Extended designator (NAA type 6)
 * @param serial unit serial number (VPD 0x80), printable ASCII
 */
public record LunIdentity(byte[] naa, String serial) {
    public LunIdentity {
        Objects.requireNonNull(naa, "naa");
        Objects.requireNonNull(serial, "serial");
        if (naa.length != 16 || (naa[0] & 0xf0) != 0x60) {
            throw new IllegalArgumentException("NAA designator must be 16 bytes of NAA type 6");
        }
        naa = naa.clone();
    }

    @Override
    public byte[] naa() {
        return naa.clone();
    }
}
