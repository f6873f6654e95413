package net.twinblock.server.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Files holding shared keys: a node's mirror.secret-file (one key: the whole file less one trailing
 * line end) and a witness's --secret-file (one key per line, the same rule per line, so a node's
 * key file pasted as a line is the same key). Errors name the option and the line, never the bytes.
 */
public final class KeyFile {

    /** A witness serving many pairs has many lines, but a file this large is surely the wrong one. */
    static final int MAX_KEYS_FILE_BYTES = 1 << 20;

    private KeyFile() {
    }

    /** The one key of a node's key file. */
    static byte[] readOne(Path file, String option) throws ConfigException {
        byte[] bytes = readAll(file, option, MirrorSettings.MAX_SECRET_BYTES);
        byte[] key = Arrays.copyOf(bytes, withoutLineEnd(bytes, 0, bytes.length));
        check(key, option, file, "the key");
        return key;
    }

    /** Every key of a witness's key file, one per line; blank lines are skipped. */
    public static List<byte[]> readLines(Path file, String option) throws ConfigException {
        byte[] bytes = readAll(file, option, MAX_KEYS_FILE_BYTES);
        List<byte[]> keys = new ArrayList<>();
        int line = 0;
        for (int start = 0; start < bytes.length; ) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            line++;
            byte[] key = Arrays.copyOfRange(bytes, start, withoutLineEnd(bytes, start, Math.min(end + 1, bytes.length)));
            start = end + 1;
            if (key.length == 0) {
                continue;
            }
            check(key, option, file, "line " + line);
            for (int i = 0; i < keys.size(); i++) {
                if (Arrays.equals(keys.get(i), key)) {
                    throw new ConfigException(option, "line " + line + " repeats an earlier key; each line is one"
                            + " pair's key", file.toString());
                }
            }
            keys.add(key);
        }
        if (keys.isEmpty()) {
            throw new ConfigException(option, "holds no key (one per line, at least "
                    + MirrorSettings.MIN_SECRET_BYTES + " bytes each)", file.toString());
        }
        return keys;
    }

    /** The end of bytes[from, to) less one trailing "\n" or "\r\n". */
    private static int withoutLineEnd(byte[] bytes, int from, int to) {
        int n = to;
        if (n > from && bytes[n - 1] == '\n') {
            n--;
            if (n > from && bytes[n - 1] == '\r') {
                n--;
            }
        }
        return n;
    }

    private static void check(byte[] key, String option, Path file, String which) throws ConfigException {
        if (key.length < MirrorSettings.MIN_SECRET_BYTES) {
            throw new ConfigException(option, which + " is too short: " + key.length + " bytes, at least "
                    + MirrorSettings.MIN_SECRET_BYTES + " needed (e.g. head -c 32 /dev/urandom | base64 > FILE)",
                    file.toString());
        }
        if (key.length > MirrorSettings.MAX_SECRET_BYTES) {
            throw new ConfigException(option, which + " is longer than " + MirrorSettings.MAX_SECRET_BYTES
                    + " bytes; is it the right file?", file.toString());
        }
    }

    private static byte[] readAll(Path file, String option, int max) throws ConfigException {
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(option, "is a directory, not a key file", file.toString());
            }
            if (Files.size(file) > max) {
                throw new ConfigException(option, "is larger than " + max + " bytes; is it the right file?",
                        file.toString());
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(option, "no such file", file.toString());
        } catch (AccessDeniedException e) {
            throw new ConfigException(option, "cannot read the file: permission denied", file.toString());
        } catch (IOException e) {
            throw new ConfigException(option, "cannot read the file: " + e.getMessage(), file.toString());
        }
    }
}
