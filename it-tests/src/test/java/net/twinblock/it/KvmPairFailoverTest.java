package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real Linux host rides through the death of the primary with no command: the team's
 * kvm-initiator tool boots a QEMU guest (Debian's kernel, open-iscsi, dm-multipath with ALUA)
 * that logs in to both portals of a pair started from this build's jar, runs ext4 and fio verify
 * on the multipath map, SIGKILLs the primary (a crash) and checks every byte; the witness
 * promotes the secondary (TB_PROMOTE=0: nobody runs promote). About two minutes under software
 * emulation, so opt-in: run with {@code TWINBLOCK_KVM=1} (and the tool at
 * {@code ../../shared/tools/kvm-initiator}, or where {@code KI_TOOL_DIR} says). The measured
 * stall is printed.
 */
class KvmPairFailoverTest {

    /** The product's defaults (mirror.lease, witness --lease): what a host meets out of the box. */
    private static final Duration LEASE = Duration.ofSeconds(2);

    @Test
    void aLinuxHostRidesThroughThePrimarysDeathWithoutAPromote() throws Exception {
        Assumptions.assumeTrue("1".equals(System.getenv("TWINBLOCK_KVM")),
                "opt-in (about two minutes of QEMU under software emulation): set TWINBLOCK_KVM=1");
        Path tool = Paths.get(System.getenv().getOrDefault("KI_TOOL_DIR", "../../shared/tools/kvm-initiator"))
                .toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isRegularFile(tool.resolve("twinblock-pair.sh")),
                "no kvm-initiator tool at " + tool + " (set KI_TOOL_DIR)");
        Path work = NodeProcess.newWorkDir("kvm");
        String keyText = "kvm pair key " + System.nanoTime();
        Path key = work.resolve("pair.key");
        Files.writeString(key, keyText + "\n", StandardCharsets.US_ASCII);
        Path out = work.resolve("ki");
        try (WitnessProcess witness = WitnessProcess.start(List.of(keyText), LEASE)) {
            // Above the ranges NodeProcess.freePort hands out (10000-29999), below the ephemeral ports.
            int base = 30000 + ThreadLocalRandom.current().nextInt(27) * 100;
            // The host settings of examples/host (multipath.conf, iscsid.conf.snippet), which go with
            // the lease: the kernel fails I/O on the dead path after 2 s instead of multipath's 5.
            List<String> cmd = List.of("env", "KI_FAST_IO_FAIL_TMO=2", "KI_REPLACEMENT_TIMEOUT=2", "KI_POLLING_INTERVAL=2",
                    "TB_PROMOTE=0", "TB_PROMOTE_TRIES=30", "TB_BASE_PORT=" + base,
                    "TB_KEY_FILE=" + key, "TB_NODE_ARGS=--mirror.witness=127.0.0.1:" + witness.port()
                            + " --mirror.lease=" + LEASE.toMillis() + "ms",
                    "bash", tool.resolve("twinblock-pair.sh").toString(), NodeProcess.jar().toString(), out.toString());
            ToolResult r = ToolResult.runMerged(Duration.ofMinutes(8), cmd);
            Path stall = out.resolve("guest").resolve("stall.txt");
            System.out.println("kvm-initiator pair run, primary killed, no promote (lease " + LEASE.toMillis()
                    + " ms): exit " + r.exitCode() + "\n" + (Files.exists(stall) ? Files.readString(stall) : "no stall.txt")
                    + "\nsummary: " + out.resolve("summary.txt"));
            assertEquals(0, r.exitCode(), "the guest did not report PASS: " + r.describe() + "\n"
                    + r.stdout().lines().skip(Math.max(0, r.stdout().lines().count() - 40)).reduce("", (a, b) -> a + b + "\n"));
        }
    }
}
