package net.twinblock.server;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.witness.WitnessServer;
import net.twinblock.mirror.witness.WitnessSettings;
import net.twinblock.server.config.ConfigException;
import net.twinblock.server.config.KeyFile;
import net.twinblock.server.config.ValueParser;
import net.twinblock.server.config.ValueParsers;
import net.twinblock.server.systemd.SystemdNotifier;

/**
 * {@code twinblock witness}: the third process of a highly available pair, with no volume (see
 * DESIGN section 8, Witness). Its options are few and its own, so they are command-line options
 * rather than node config keys; each error names the option and exits 2.
 */
final class WitnessCommand {

    /** Logged once the witness listens; tests and scripts wait for exactly this text. */
    static final String READY_LINE = "twinblock witness ready";

    private static final Logger LOG = System.getLogger(WitnessCommand.class.getName());
    private static final List<String> OPTIONS = List.of("--listen", "--secret-file", "--data-dir", "--lease",
            "--log-level");

    private WitnessCommand() {
    }

    static String usage() {
        return "usage: twinblock witness --listen HOST:PORT --secret-file FILE --data-dir DIR [--lease DURATION]\n"
                + "                         [--log-level LEVEL]\n"
                + "       run a witness for mirrored pairs until SIGTERM or SIGINT: the third vote that lets a\n"
                + "       pair fail over without a person. One witness serves many pairs.\n\n"
                + "  --listen HOST:PORT    where the nodes connect (their mirror.witness)\n"
                + "  --secret-file FILE    the pairs' keys, one per line: each line is a pair's mirror.secret-file\n"
                + "                        key (at least 16 bytes); a pair's state belongs to the key that\n"
                + "                        founded it and no other key reads or changes it\n"
                + "  --data-dir DIR        each pair's durable state (a few bytes a pair); created if missing\n"
                + "  --lease DURATION      how long a primary's lease runs (e.g. 3s, 500ms) ["
                + ValueParsers.human(WitnessSettings.DEFAULT_LEASE) + "]; a promotion waits this long after\n"
                + "                        the primary's last renewal, and after a witness restart\n"
                + "  --log-level LEVEL     debug, info, warning or error [info]\n\n"
                + "exit codes: 0 stopped cleanly, 1 failed (address in use, data dir locked or damaged),\n"
                + "2 bad option.\n";
    }

    /** Runs the witness until {@code stopRequested} completes. */
    static int run(String[] args, PrintStream err, CompletableFuture<Void> stopRequested) throws ConfigException {
        Map<String, String> o = parse(args);
        WitnessSettings settings = new WitnessSettings(
                value(o, "--listen", ValueParsers.hostPort(), "the address the nodes connect to (their mirror.witness)"),
                KeyFile.readLines(value(o, "--secret-file", ValueParsers.path(), "a file with the pairs' keys, one per"
                        + " line"), "--secret-file"),
                value(o, "--data-dir", ValueParsers.path(), "a directory for the pairs' state"),
                o.containsKey("--lease") ? value(o, "--lease", ValueParsers.duration(Duration.ofMillis(100),
                        Duration.ofMinutes(10)), null) : WitnessSettings.DEFAULT_LEASE);
        LogSetup.setLevel(o.containsKey("--log-level") ? value(o, "--log-level",
                ValueParsers.oneOf("debug", "info", "warning", "error"), null) : "info");
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(2, "witness");
        WitnessServer witness;
        try {
            witness = WitnessServer.start(settings, group, transport.serverChannelClass());
        } catch (IOException | RuntimeException e) {
            err.println("cannot start the witness: " + e.getMessage());
            LOG.log(Level.DEBUG, "witness start failed", e);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            return Main.EXIT_FAILED;
        }
        LOG.log(Level.INFO, READY_LINE);
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
        systemd.ready();
        Signals.awaitStop(stopRequested);
        systemd.stopping();
        try {
            witness.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "witness: " + e.getMessage());
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        LOG.log(Level.INFO, "witness stopped");
        return Main.EXIT_OK;
    }

    /** {@code --option VALUE} or {@code --option=VALUE}, each known option at most once. */
    private static Map<String, String> parse(String[] args) throws ConfigException {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            if (!OPTIONS.contains(name)) {
                throw new ConfigException(a.startsWith("--") ? name : "command line", "unknown option; expected "
                        + String.join(", ", OPTIONS), a);
            }
            String value;
            if (eq > 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new ConfigException(name, "needs a value", null);
            }
            if (o.put(name, value) != null) {
                throw new ConfigException(name, "given twice", value);
            }
        }
        return o;
    }

    /** The parsed value of option {@code name}; {@code what} says what a required one is for. */
    private static <T> T value(Map<String, String> o, String name, ValueParser<T> parser, String what)
            throws ConfigException {
        String raw = o.get(name);
        if (raw == null) {
            throw new ConfigException(name, "is required: " + what, "");
        }
        if (raw.isBlank()) {
            throw new ConfigException(name, "needs a value", raw);
        }
        try {
            return parser.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, e.getMessage(), raw);
        }
    }
}
