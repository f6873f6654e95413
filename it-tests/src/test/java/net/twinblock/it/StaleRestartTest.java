package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;
import org.junit.jupiter.api.Test;

/**
 * Without a witness: the old primary, SIGKILLed, its secondary promoted and written to, restarted
 * with its unchanged config (mirror.role = primary). It must never serve its stale data: its
 * partner listens nowhere for it, so it waits for a confirmation that cannot come, with its port
 * ALUA unavailable, and says why in status.
 */
class StaleRestartTest {

    @Test
    void anOldPrimaryRestartedAsConfiguredServesNoStaleRead() throws Exception {
        try (PairProcesses pair = PairProcesses.start()) {
            byte[] old = PairClient.pattern(40, 1, 4096);
            try (PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:stale-a")) {
                host.write(40, old, true);
            }
            PairProcesses.kill(pair.primary());
            ToolResult promoted = PairProcesses.promote(pair.secondary());
            assertEquals(0, promoted.exitCode(), promoted.describe());
            byte[] fresh = PairClient.pattern(40, 2, 4096);
            try (PairClient host = PairClient.login(pair.secondary(), "iqn.2026-01.net.twinblock.it:stale-b")) {
                host.write(40, fresh, true);
            }

            NodeProcess restarted = pair.restartPrimaryAsConfigured();
            String status = PairProcesses.admin(restarted, "/status");
            assertTrue(status.contains("\"serving\": false") && status.contains("waiting for its partner"), status);
            try (IscsiConnection c = IscsiConnection.login(restarted.iscsiPort(), "iqn.2026-01.net.twinblock.it:stale-c",
                    restarted.iqn())) {
                ScsiResult r = c.read16(0, 40, 8, 512);
                if (r.senseKey() == 0x6) {
                    r = c.read16(0, 40, 8, 512); // the power-on unit attention first
                }
                assertEquals(0x2, r.senseKey(), "NOT READY, not the stale data: " + r);
                assertEquals(0x040c, r.ascq(), "TARGET PORT IN UNAVAILABLE STATE: " + r);
            }
            try (PairClient host = PairClient.login(pair.secondary(), "iqn.2026-01.net.twinblock.it:stale-d")) {
                assertArrayEquals(fresh, host.read(40, 4096), "the promoted node keeps serving the new data");
            }
        }
    }
}
