package net.twinblock.server.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A witness's key file: one key per line, each checked as a node's mirror.secret-file is. */
class KeyFileTest {

    private static final String A = "first pair key, 32 bytes long...";
    private static final String B = "second pair key with a # in it!!";

    @TempDir
    Path dir;

    private Path file(String content) throws Exception {
        Path f = dir.resolve("keys");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eachLineIsAKeyWithTheSameLineEndRuleAsANodesKeyFile() throws Exception {
        List<byte[]> keys = KeyFile.readLines(file(A + "\r\n\n" + B), "--secret-file");
        assertEquals(2, keys.size());
        assertArrayEquals(bytes(A), keys.get(0));
        assertArrayEquals(bytes(B), keys.get(1));
        Path node = file(A + "\n");
        assertArrayEquals(KeyFile.readOne(node, "mirror.secret-file"), KeyFile.readLines(node, "--secret-file").get(0),
                "a node's key file is a witness key file of one line");
    }

    @Test
    void aShortLineIsNamedByItsNumberAndNeverShown() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> KeyFile.readLines(file(A + "\n\nshort-key\n"),
                "--secret-file"));
        assertEquals("--secret-file", e.key());
        assertEquals("--secret-file: line 3 is too short: 9 bytes, at least 16 needed (e.g. head -c 32 /dev/urandom"
                + " | base64 > FILE) (got '" + dir.resolve("keys") + "')", e.getMessage());
        assertFalse(e.getMessage().contains("short-key"));
    }

    @Test
    void aRepeatedKeyOrNoKeyAtAllIsRefused() throws Exception {
        ConfigException twice = assertThrows(ConfigException.class,
                () -> KeyFile.readLines(file(A + "\n" + B + "\n" + A + "\n"), "--secret-file"));
        assertEquals("--secret-file: line 3 repeats an earlier key; each line is one pair's key (got '"
                + dir.resolve("keys") + "')", twice.getMessage());
        ConfigException none = assertThrows(ConfigException.class, () -> KeyFile.readLines(file("\n\n"), "--secret-file"));
        assertEquals("--secret-file: holds no key (one per line, at least 16 bytes each) (got '" + dir.resolve("keys")
                + "')", none.getMessage());
    }

    @Test
    void aMissingFileOrADirectoryIsNamed() {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> KeyFile.readLines(dir.resolve("nope"), "--secret-file"));
        assertEquals("--secret-file: no such file (got '" + dir.resolve("nope") + "')", missing.getMessage());
        ConfigException directory = assertThrows(ConfigException.class, () -> KeyFile.readLines(dir, "--secret-file"));
        assertEquals("--secret-file: is a directory, not a key file (got '" + dir + "')", directory.getMessage());
    }
}
