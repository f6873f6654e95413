package net.twinblock.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import net.twinblock.server.config.DefaultConfig;
import net.twinblock.server.config.RawConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve without --config reads the installed config when it exists, and only then. */
class DefaultConfigTest {

    @TempDir
    Path dir;

    @AfterEach
    void clearProperty() {
        System.clearProperty(DefaultConfig.PROPERTY);
    }

    @Test
    void noConfigGivenReadsTheInstalledOne() throws Exception {
        Path installed = Files.writeString(dir.resolve("node.conf"), "iscsi.target = iqn.2026-12.test:installed\n");
        System.setProperty(DefaultConfig.PROPERTY, installed.toString());

        RawConfig raw = Main.parseServeArgs(new String[] {"--admin.listen=127.0.0.1:1"});

        assertEquals("iqn.2026-12.test:installed", raw.get("iscsi.target"));
        assertEquals("127.0.0.1:1", raw.get("admin.listen"));
    }

    @Test
    void anExplicitConfigWins() throws Exception {
        Path installed = Files.writeString(dir.resolve("node.conf"), "iscsi.target = iqn.2026-12.test:installed\n");
        Path mine = Files.writeString(dir.resolve("mine.conf"), "data.dir = /tmp/x\n");
        System.setProperty(DefaultConfig.PROPERTY, installed.toString());

        RawConfig raw = Main.parseServeArgs(new String[] {"--config", mine.toString()});

        assertNull(raw.get("iscsi.target"));
        assertEquals("/tmp/x", raw.get("data.dir"));
    }

    @Test
    void noInstalledConfigMeansBuiltInDefaults() throws Exception {
        System.setProperty(DefaultConfig.PROPERTY, dir.resolve("absent.conf").toString());

        assertNull(DefaultConfig.ifPresent());
        assertNull(Main.parseServeArgs(new String[0]).get("iscsi.target"));
    }
}
