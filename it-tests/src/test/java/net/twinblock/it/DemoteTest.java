package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import net.twinblock.it.client.IscsiConnection;
import org.junit.jupiter.api.Test;

/**
 * {@code twinblock demote}: an administrator's switchover of a pair without a witness. The
 * primary becomes a secondary in its running process and stands by; the other node is promoted
 * and resyncs it; nothing acknowledged is lost.
 */
class DemoteTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aSwitchoverWithDemoteThenPromoteLosesNothing() throws Exception {
        try (PairProcesses pair = PairProcesses.start()) {
            Map<Long, byte[]> acked = new LinkedHashMap<>();
            try (PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:demote")) {
                for (long lba = 0; lba < 128; lba += 8) {
                    byte[] d = PairClient.pattern(lba, 1, 4096);
                    host.write(lba, d, false);
                    acked.put(lba, d);
                }
            }
            ToolResult notPrimary = pair.secondary().cli(WAIT, "demote");
            assertEquals(1, notPrimary.exitCode(), notPrimary.describe());
            assertTrue(notPrimary.stderr().contains("already a secondary"), notPrimary.describe());

            ToolResult demoted = pair.primary().cli(WAIT, "demote");
            assertEquals(0, demoted.exitCode(), demoted.describe());
            assertTrue(demoted.stdout().contains("\"role\": \"secondary\""), demoted.describe());
            assertEquals("secondary", PairProcesses.mirrorRole(pair.primary()));
            // Nobody is primary now: the demoted node's port stands by, as hosts see it.
            try (IscsiConnection c = IscsiConnection.login(pair.primary().host(), pair.primary().iscsiPort(),
                    "iqn.2026-01.net.twinblock.it:demote-look", pair.primary().iqn())) {
                assertEquals(Alua.STANDBY, Alua.state(c, 1));
            }

            await("the other node can be promoted once the link is gone").atMost(WAIT)
                    .until(() -> pair.secondary().cli(WAIT, "promote").exitCode() == 0);
            pair.awaitInSync();
            try (PairClient host = PairClient.login(pair.secondary(), "iqn.2026-01.net.twinblock.it:demote")) {
                byte[] d = PairClient.pattern(200, 2, 4096);
                host.write(200, d, false);
                acked.put(200L, d);
            }
            pair.awaitInSync();
            try (PairClient check = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:demote-check")) {
                for (var w : acked.entrySet()) {
                    assertArrayEquals(w.getValue(), check.read(w.getKey(), 4096), "LBA " + w.getKey() + " on the demoted node");
                }
            }
        }
    }
}
