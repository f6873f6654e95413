package net.twinblock.server.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import net.twinblock.iscsi.lun.LunIdentity;
import net.twinblock.server.config.LunConfig;

/**
 * Derives the identity a LUN reports (VPD 0x83 NAA designator, VPD 0x80 serial) from the
 * target IQN and the LUN number alone. Both nodes of a pair share the target IQN, so they
 * report the same identity and dm-multipath sees one disk; nothing is stored, so a restart or
 * a rebuilt node cannot change it.
 *
 * <p>With h = SHA-256(lower-case target IQN + "/" + N) in UTF-8:
 * <ul>
 *   <li>NAA (16 bytes, NAA type 6 IEEE Registered Extended): 4 bits {@code 6}, 24 bits company
 *       id {@code 0x027462}, then the first 100 bits of h. The company id has the IEEE
 *       "locally administered" bit set (0x02 in its first octet), so it cannot collide with
 *       any vendor's assigned OUI; "tb" (0x74 0x62) marks twinblock.</li>
 *   <li>Serial: "TB" followed by the upper-case hex of the first 8 bytes of h (18 characters).</li>
 * </ul>
 * The IQN is lower-cased because iSCSI names compare case-insensitively (RFC 3722).
 */
public final class LunIdentities {

    /** The company id field of every derived NAA: locally administered, "tb". */
    public static final int COMPANY_ID = 0x027462;

    private LunIdentities() {
    }

    /** The identity of LUN {@code lun} of {@code targetName}, honouring config overrides. */
    public static LunIdentity of(String targetName, LunConfig lun) {
        LunIdentity derived = derive(targetName, lun.lun());
        byte[] naa = lun.naa() != null ? lun.naa() : derived.naa();
        String serial = lun.serial() != null ? lun.serial() : derived.serial();
        return new LunIdentity(naa, serial);
    }

    /** The derived identity, without overrides. */
    public static LunIdentity derive(String targetName, int lun) {
        byte[] h = sha256((targetName.toLowerCase(Locale.ROOT) + "/" + lun).getBytes(StandardCharsets.UTF_8));
        ByteBuffer hash = ByteBuffer.wrap(h);
        long a = hash.getLong(0);
        long b = hash.getLong(8);
        long hi = (0x6L << 60) | ((long) COMPANY_ID << 36) | (a >>> 28); // 4 + 24 + 36 bits
        long lo = (a << 36) | (b >>> 28);                                // the next 64 bits of h
        byte[] naa = ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
        String serial = "TB" + HexFormat.of().withUpperCase().formatHex(h, 0, 8);
        return new LunIdentity(naa, serial);
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
