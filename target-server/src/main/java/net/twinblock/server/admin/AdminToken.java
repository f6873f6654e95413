package net.twinblock.server.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The admin endpoint's bearer token: a file only the node's user may read, holding 256 random
 * bits in hex. Whoever can read it may change the node (promote, resolve, verify, resync); the
 * CLI reads it, so on a node's own host the file's permissions are the access control.
 */
public final class AdminToken {

    /** The header value an admin POST must carry is this prefix and the token. */
    public static final String BEARER = "Bearer ";
    private static final int MIN_LENGTH = 16;
    private static final int MAX_LENGTH = 4096;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] value;

    private AdminToken(String value) {
        this.value = value.getBytes(StandardCharsets.US_ASCII);
    }

    /** A token that is not in a file, for tests. */
    public static AdminToken of(String value) {
        return new AdminToken(value);
    }

    /**
     * Reads the token, creating the file (mode 0600, 64 hex digits) if it is missing. Refuses a
     * file that group or others may read, as ssh does a private key: the token is only as secret
     * as its file.
     *
     * @throws IOException with a message naming the file and what is wrong
     */
    public static AdminToken loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            create(file);
        }
        checkOwnerOnly(file);
        return new AdminToken(read(file));
    }

    /** The token in {@code file}, checked to be one: what the CLI sends. */
    public static String read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (text.length() < MIN_LENGTH || text.length() > MAX_LENGTH || !text.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IOException(file + " does not hold an admin token (" + MIN_LENGTH + " to " + MAX_LENGTH
                    + " printable characters without spaces)");
        }
        return text;
    }

    /** The header value that carries this token. */
    public String authorization() {
        return BEARER + new String(value, StandardCharsets.US_ASCII);
    }

    /** True if {@code authorization} (an Authorization header, or null) carries this token. */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] offered = authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(offered, value); // constant time: the reply reveals no prefix
    }

    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        // Written under another name with its final mode, then renamed: the token is never
        // readable by others, and a crash leaves no half-written token.
        Path temp = dir.resolve(file.getFileName() + ".new");
        Files.deleteIfExists(temp);
        if (posix(dir)) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(temp);
        }
        Files.writeString(temp, HexFormat.of().formatHex(random) + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private static void checkOwnerOnly(Path file) throws IOException {
        if (!posix(file)) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IOException(file + " may be read by others (mode " + PosixFilePermissions.toString(perms)
                    + "); it holds the admin token: chmod 600 it");
        }
    }

    private static boolean posix(Path path) {
        return Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
    }
}
