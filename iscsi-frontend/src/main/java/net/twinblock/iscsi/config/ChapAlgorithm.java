package net.twinblock.iscsi.config;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * The CHAP hash functions this target runs, by their CHAP_A number (RFC 7143 §12.1.3 takes the
 * numbers from IANA's PPP authentication algorithms; open-iscsi and LIO use the same). Declared
 * strongest first: of the algorithms an initiator offers, the target picks the first here.
 */
public enum ChapAlgorithm {
    /** CHAP_A=7; open-iscsi calls it SHA256 in node.session.auth.chap_algs. */
    SHA_256(7, "SHA-256", "SHA256"),
    /** CHAP_A=5, the one algorithm RFC 7143 requires every implementation to have. */
    MD5(5, "MD5", "MD5");

    /** Every algorithm, strongest first: the default of iscsi.chap.algorithms. */
    public static final List<ChapAlgorithm> ALL = List.of(values());

    private final int code;
    private final String jcaName;
    private final String configName;

    ChapAlgorithm(int code, String jcaName, String configName) {
        this.code = code;
        this.jcaName = jcaName;
        this.configName = configName;
    }

    /** The CHAP_A value. */
    public int code() {
        return code;
    }

    /** The name used in config files, as open-iscsi spells it (SHA256, MD5). */
    public String configName() {
        return configName;
    }

    /** The algorithm with config name {@code name} (any case), or null. */
    public static ChapAlgorithm byConfigName(String name) {
        for (ChapAlgorithm a : values()) {
            if (a.configName.equals(name.toUpperCase(Locale.ROOT))) {
                return a;
            }
        }
        return null;
    }

    /** The algorithm with CHAP_A value {@code code}, or null. */
    public static ChapAlgorithm byCode(int code) {
        for (ChapAlgorithm a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        return null;
    }

    /** Digest length in bytes; also the length of the challenges we send with it. */
    public int length() {
        return digest().getDigestLength();
    }

    /** RFC 1994 §4.1: the hash of the identifier, the secret and the challenge. */
    public byte[] response(int id, byte[] secret, byte[] challenge) {
        MessageDigest md = digest();
        md.update((byte) id);
        md.update(secret);
        md.update(challenge);
        return md.digest();
    }

    private MessageDigest digest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has " + jcaName, e);
        }
    }

    @Override
    public String toString() {
        return code + " (" + configName + ")";
    }
}
