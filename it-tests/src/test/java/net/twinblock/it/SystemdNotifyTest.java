package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Type=notify as systemd sees it: the node sends READY=1 on the Unix datagram socket named by
 * NOTIFY_SOCKET once it serves, pings WATCHDOG=1 when systemd sets a watchdog, and STOPPING=1
 * when SIGTERM makes it drain. The socket is the
 * test's own, bound by a small python3 receiver (the JDK 17 cannot bind a Unix datagram socket).
 */
class SystemdNotifyTest {

    /** Binds argv[1], prints "bound", then one line per datagram (newlines inside as '|'). */
    private static final String RECEIVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "s.bind(sys.argv[1])",
            "print('bound', flush=True)",
            "while True:",
            "    print(s.recv(4096).decode().replace('\\n', '|'), flush=True)");

    @Test
    void nodeSendsReadyWhenServingAndStoppingWhenDraining() throws Exception {
        assumeTrue(ToolResult.onPath("python3"), "python3 is not installed: no Unix datagram socket to receive on");
        // sun_path holds 107 bytes: a short directory under /tmp rather than target/.
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "tbn");
        Path socket = dir.resolve("notify");
        Process receiver = new ProcessBuilder("python3", "-c", RECEIVER, socket.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> received = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    received.add(line);
                }
            } catch (java.io.IOException e) {
                // the receiver was stopped
            }
        }, "notify-receiver");
        reader.setDaemon(true);
        reader.start();
        try {
            await("receiver bound").atMost(Duration.ofSeconds(20)).until(() -> received.contains("bound"));
            // WatchdogSec=1s as systemd passes it: the node must ping at least every second.
            try (NodeProcess node = NodeProcess.builder().env("NOTIFY_SOCKET", socket.toString())
                    .env("WATCHDOG_USEC", "1000000").start()) {
                await("READY=1").atMost(Duration.ofSeconds(20))
                        .until(() -> received.stream().anyMatch(m -> m.startsWith("READY=1")));
                await("WATCHDOG=1 pings").atMost(Duration.ofSeconds(5))
                        .until(() -> received.stream().filter(m -> m.equals("WATCHDOG=1")).count() >= 3);
                assertTrue(received.stream().noneMatch(m -> m.contains("STOPPING=1")), received::toString);

                assertEquals(0, node.stop());
                await("STOPPING=1").atMost(Duration.ofSeconds(20))
                        .until(() -> received.stream().anyMatch(m -> m.startsWith("STOPPING=1")));
                List<String> messages = received.subList(1, received.size());
                assertTrue(messages.get(0).startsWith("READY=1"), messages::toString);
            }
        } finally {
            receiver.destroy();
            if (!receiver.waitFor(10, TimeUnit.SECONDS)) {
                receiver.destroyForcibly();
            }
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }
}
