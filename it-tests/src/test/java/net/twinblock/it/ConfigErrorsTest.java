package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A mistyped config must stop the node before it serves anything, with exit code 2 and one line
 * on stderr that names the key, so an administrator (or systemd's journal) sees what to fix.
 */
class ConfigErrorsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key          | --no.such.key=1                 | no.such.key
            bad LUN size         | --lun.0.size=12Q                | lun.0.size
            LUN size not blocks  | --lun.0.size=1000               | lun.0.size
            bad block size       | --lun.0.block-size=1000         | lun.0.block-size
            port out of range    | --iscsi.listen=127.0.0.1:99999  | iscsi.listen
            port not a number    | --iscsi.listen=127.0.0.1:http   | iscsi.listen
            admin not loopback   | --admin.listen=0.0.0.0:{admin}  | admin.listen
            remote admin, no TLS | --admin.allow-remote=true       | admin.allow-remote
            """)
    void badValueExitsWith2AndNamesTheKey(String what, String badArg, String key) {
        Path dataDir = NodeProcess.newWorkDir("config").resolve("data");
        int admin = NodeProcess.freePort();
        List<String> args = new ArrayList<>(List.of("serve",
                "--iscsi.listen=127.0.0.1:" + NodeProcess.freePort(),
                "--admin.listen=127.0.0.1:" + admin,
                "--data.dir=" + dataDir,
                "--lun.0.size=16M"));
        // The bad value replaces a good one of the same key, so it is the only thing wrong.
        String bad = badArg.replace("{admin}", Integer.toString(admin));
        String badKey = bad.substring(0, bad.indexOf('=') + 1);
        args.removeIf(a -> a.startsWith(badKey));
        args.add(bad);

        ToolResult r = NodeProcess.runJar(TIMEOUT, args.toArray(String[]::new));

        assertEquals(2, r.exitCode(), r::describe);
        List<String> errorLines = r.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, errorLines.size(), () -> "expected exactly one stderr line\n" + r.describe());
        assertTrue(errorLines.get(0).startsWith("config error: " + key + ": "), r::describe);
        assertTrue(!r.output().contains(NodeProcess.READY_LINE), r::describe);
    }
}
