package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;

/** ALUA as a host sees it through one path: REPORT TARGET PORT GROUPS and its unit attention. */
final class Alua {

    /** Asymmetric access states (SPC-4 table 6.37). */
    static final int ACTIVE_OPTIMIZED = 0;
    static final int ACTIVE_NON_OPTIMIZED = 1;
    static final int STANDBY = 2;
    static final int UNAVAILABLE = 3;
    /** ASYMMETRIC ACCESS STATE CHANGED, as asc/ascq. */
    static final int ACCESS_STATE_CHANGED = 0x2a06;

    private Alua() {
    }

    /**
     * REPORT TARGET PORT GROUPS, as "group G state S port P; ..." sorted by group; unit attentions
     * pending on the nexus (power on, state changed) are taken first. Use {@link
     * #sawAccessStateChange} before it where the attention itself is asserted.
     */
    static String groups(IscsiConnection c) throws IOException {
        byte[] cdb = new byte[12];
        cdb[0] = (byte) 0xa3;
        cdb[1] = 0x0a;
        cdb[9] = (byte) 255;
        ScsiResult r = c.command(0, cdb, 255, null);
        for (int i = 0; i < 4 && r.senseKey() == 0x06; i++) {
            r = c.command(0, cdb, 255, null); // a pending unit attention comes first, as for a host
        }
        assertTrue(r.good(), "REPORT TARGET PORT GROUPS: " + r);
        ByteBuffer b = ByteBuffer.wrap(r.data());
        int end = 4 + b.getInt(0);
        List<String> out = new ArrayList<>();
        for (int p = 4; p < end; ) {
            int state = b.get(p) & 0x0f;
            int group = b.getShort(p + 2) & 0xffff;
            int ports = b.get(p + 7) & 0xff;
            for (int i = 0; i < ports; i++) {
                int port = b.getShort(p + 8 + 4 * i + 2) & 0xffff;
                out.add("group " + group + " state " + state + " port " + port);
            }
            p += 8 + 4 * ports;
        }
        return String.join("; ", out.stream().sorted().toList());
    }

    /** The access state port group {@code group} reports for itself, through {@code c}. */
    static int state(IscsiConnection c, int group) throws IOException {
        String all = groups(c);
        for (String g : all.split("; ")) {
            String[] w = g.split(" ");
            if (Integer.parseInt(w[1]) == group) {
                return Integer.parseInt(w[3]);
            }
        }
        throw new AssertionError("no port group " + group + " in " + all);
    }

    /**
     * TEST UNIT READY until GOOD, as a host's path checker does after a state change: true if a
     * unit attention ASYMMETRIC ACCESS STATE CHANGED came before it.
     */
    static boolean sawAccessStateChange(IscsiConnection c, java.time.Duration atMost)
            throws IOException, InterruptedException {
        boolean seen = false;
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() - deadline < 0) {
            ScsiResult r = c.testUnitReady(0);
            if (r.good()) {
                return seen;
            }
            seen |= r.senseKey() == 0x06 && r.ascq() == ACCESS_STATE_CHANGED;
            Thread.sleep(r.senseKey() == 0x06 ? 0 : 100);
        }
        throw new AssertionError("not ready within " + atMost);
    }
}
