package net.twinblock.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin token file: created private, refused when others may read it, compared exactly. */
class AdminTokenTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsCreatedOwnerOnlyWith256RandomBits() throws IOException {
        Path file = dir.resolve("data").resolve("admin.token");
        AdminToken token = AdminToken.loadOrCreate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String text = AdminToken.read(file);
        assertTrue(text.matches("[0-9a-f]{64}"), text);
        assertTrue(token.accepts("Bearer " + text));
        assertEquals(text, AdminToken.read(file), "read again, the same token");
        AdminToken again = AdminToken.loadOrCreate(file);
        assertTrue(again.accepts("bearer " + text), "the scheme is case-insensitive (RFC 7235)");
        assertFalse(Files.exists(dir.resolve("data").resolve("admin.token.new")));
    }

    @Test
    void aTokenFileOthersMayReadIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("admin.token"), "0123456789abcdef0123\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> AdminToken.loadOrCreate(file));
        assertTrue(e.getMessage().contains("may be read by others (mode rw-r--r--)"), e.getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertTrue(AdminToken.loadOrCreate(file).accepts("Bearer 0123456789abcdef0123"), "an admin's own token");
    }

    @Test
    void onlyTheExactTokenIsAccepted() throws IOException {
        AdminToken token = AdminToken.of("0123456789abcdef0123");
        assertFalse(token.accepts(null));
        assertFalse(token.accepts("Bearer 0123456789abcdef012"));
        assertFalse(token.accepts("Bearer 0123456789abcdef01234"));
        assertFalse(token.accepts("0123456789abcdef0123"));
        Path empty = Files.writeString(dir.resolve("empty.token"), "\n");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
        IOException e = assertThrows(IOException.class, () -> AdminToken.loadOrCreate(empty));
        assertTrue(e.getMessage().contains("does not hold an admin token"), e.getMessage());
    }
}
