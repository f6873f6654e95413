package net.twinblock.server;

import java.io.PrintStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import net.twinblock.server.config.ConfigException;
import net.twinblock.server.config.DefaultConfig;
import net.twinblock.server.config.Key;
import net.twinblock.server.config.Keys;
import net.twinblock.server.config.NodeConfig;
import net.twinblock.server.config.RawConfig;
import net.twinblock.server.systemd.SystemdNotifier;

/**
 * The node's command line:
 * <pre>
 *   twinblock serve [--config FILE] [--key=value ...]   (no --config: /etc/twinblock/node.conf if present)
 *   twinblock witness --listen HOST:PORT --secret-file FILE --data-dir DIR [--lease DURATION]
 *   twinblock status [--json | --watch [SECONDS]] [--admin HOST:PORT | --config FILE]
 *   twinblock sessions [--json] [--admin HOST:PORT | --config FILE]
 *   twinblock events [--now] [--admin HOST:PORT | --config FILE]
 *   twinblock promote [--force] [--admin HOST:PORT | --config FILE]
 *   twinblock demote [--force] [--admin HOST:PORT | --config FILE]
 *   twinblock resolve --discard NAME [--admin HOST:PORT | --config FILE]
 *   twinblock verify [--wait] [--admin HOST:PORT | --config FILE]
 *   twinblock resync --checksum [--wait] [--admin HOST:PORT | --config FILE]
 *   twinblock config check FILE [--key=value ...]
 *   twinblock help | version
 * </pre>
 * Every admin verb also takes {@code --token-file FILE} and {@code --cacert PEM} (see {@link AdminTarget}).
 * Exit codes: 0 done (serve: stopped cleanly on SIGTERM/SIGINT), 1 failed at run time (port in
 * use, promotion refused, verify found blocks that differ), 2 bad config or bad command line (a
 * resolve NAME that is neither node's included), 3 node unreachable, 4 node did not answer in
 * time. {@code resolve --discard-local} still works: it names the node it is run against.
 */
public final class Main {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    /** Every command's exit codes, as its --help says them. */
    static final String EXIT_CODES = "exit codes: 0 ok (a job started), 1 failed or the answer is no (port in use,"
            + " refused,\nblocks differ), 2 bad config or usage, 3 node unreachable, 4 node did not answer in time.\n";

    /** Logged once every listener is bound; tests and scripts wait for exactly this text. */
    public static final String READY_LINE = "twinblock node ready";

    private static final Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        LogSetup.install(System.err);
        CompletableFuture<Void> stopRequested = new CompletableFuture<>();
        Signals.onTerminate(stopRequested);
        System.exit(run(args, System.out, System.err, stopRequested));
    }

    /**
     * Runs one command and returns its exit code instead of exiting, so tests can call it.
     * {@code serve} returns only after {@code stopRequested} completes and the node stopped.
     */
    public static int run(String[] args, PrintStream out, PrintStream err, CompletableFuture<Void> stopRequested) {
        if (args.length == 0) {
            err.print(usage());
            return EXIT_USAGE;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        if (java.util.Arrays.asList(rest).contains("--help") || java.util.Arrays.asList(rest).contains("-h")) {
            String help = commandUsage(args[0]);
            if (help != null) {
                out.print(help);
                return EXIT_OK;
            }
        }
        try {
            return switch (args[0]) {
                case "serve" -> serve(rest, err, stopRequested);
                case "witness" -> WitnessCommand.run(rest, err, stopRequested);
                case "config" -> ConfigCheck.run(rest, out);
                case "help", "--help", "-h" -> {
                    out.print(usage());
                    yield EXIT_OK;
                }
                case "version", "--version" -> {
                    out.println("twinblock " + version());
                    yield EXIT_OK;
                }
                default -> {
                    AdminVerb verb = AdminVerb.ofCommand(args[0]);
                    if (verb != null) {
                        yield AdminCommand.run(verb, rest, out, err, stopRequested);
                    }
                    throw new ConfigException("command", "unknown command; expected serve, witness, status, sessions,"
                        + " events, promote, demote, resolve, verify, resync, config, help or version", args[0]);
                }
            };
        } catch (ConfigException e) {
            err.println("config error: " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    private static int serve(String[] args, PrintStream err, CompletableFuture<Void> stopRequested)
            throws ConfigException {
        NodeConfig config = NodeConfig.from(parseServeArgs(args));
        LogSetup.setLevel(config.get(Keys.LOG_LEVEL));
        Node node;
        try {
            node = Node.start(config);
        } catch (StartFailure e) {
            err.println(e.getMessage());
            LOG.log(Level.DEBUG, "start failed", e);
            return EXIT_FAILED;
        } catch (RuntimeException e) {
            // A bug rather than an administrator's mistake: say so in one line, keep the trace in the log.
            err.println("cannot start: " + e);
            LOG.log(Level.ERROR, "start failed", e);
            return EXIT_FAILED;
        }
        LOG.log(Level.INFO, READY_LINE);
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
        systemd.ready();
        Signals.awaitStop(stopRequested);
        systemd.stopping();
        node.stop();
        return EXIT_OK;
    }

    /** {@code [--config FILE] [--key=value ...]}: the file, then the command line on top. */
    static RawConfig parseServeArgs(String[] args) throws ConfigException {
        Path file = null;
        RawConfig cli = RawConfig.empty();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String fileArg = null;
            if (a.equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new ConfigException("--config", "needs a file name", "");
                }
                fileArg = args[++i];
            } else if (a.startsWith("--config=")) {
                fileArg = a.substring("--config=".length());
            }
            if (fileArg != null) {
                if (file != null) {
                    throw new ConfigException("--config", "given twice", fileArg);
                }
                if (fileArg.isBlank()) {
                    throw new ConfigException("--config", "needs a file name", fileArg);
                }
                file = Path.of(fileArg);
                continue;
            }
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq <= 2) {
                throw new ConfigException(a.startsWith("--") ? a : "command line",
                        "expected --key=value or --config FILE", a.contains("secret") ? "<hidden>" : a);
            }
            cli.put(a.substring(2, eq), a.substring(eq + 1), "command line");
        }
        if (file == null) {
            file = DefaultConfig.ifPresent();
        }
        RawConfig base = file == null ? RawConfig.empty() : RawConfig.read(file);
        return base.overriddenBy(cli);
    }

    /** The jar's version from its manifest; "dev" when run from classes. */
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static String usage() {
        StringBuilder u = new StringBuilder();
        u.append("usage: twinblock <command> [options]\n\n")
                .append("commands:\n")
                .append("  serve [--config FILE] [--key=value ...]  run the node until SIGTERM or SIGINT;\n")
                .append("                                           no --config: " + DefaultConfig.PATH + " if it exists\n")
                .append("  witness --listen HOST:PORT --secret-file FILE --data-dir DIR [--lease DURATION]\n")
                .append("                                           run a witness for mirrored pairs (no volume)\n")
                .append("                                           until SIGTERM; twinblock witness --help says more\n")
                .append("  status [--json | --watch [SECONDS]] [--admin HOST:PORT | --config FILE]\n")
                .append("                                           the node at a glance: role, serving or why\n")
                .append("                                           not, peer and link, witness, each LUN's sync\n")
                .append("                                           state with resync or scrub progress and ETA,\n")
                .append("                                           jobs; --json: the same as JSON; --watch:\n")
                .append("                                           redraw every SECONDS (2) until Ctrl-C\n")
                .append("  sessions [--json] [--admin HOST:PORT | --config FILE]\n")
                .append("                                           the hosts' iSCSI sessions: initiator, address,\n")
                .append("                                           ISID, TSIH, connections, commands in flight\n")
                .append("  events [--now] [--admin HOST:PORT | --config FILE]\n")
                .append("                                           the watched state (role, serving, link, peer,\n")
                .append("                                           witness, per LUN state, resync, split brain,\n")
                .append("                                           scrub), then a line per change until Ctrl-C;\n")
                .append("                                           --now: only the state as it is\n")
                .append("  promote [--force] [--admin HOST:PORT | --config FILE]\n")
                .append("                                           make this secondary the primary; refused\n")
                .append("                                           while its primary is still connected, and\n")
                .append("                                           while its copy is inconsistent (a resync\n")
                .append("                                           to it did not finish): --force serves that\n")
                .append("                                           copy anyway (acknowledged writes may be lost)\n")
                .append("  demote [--force] [--admin HOST:PORT | --config FILE]\n")
                .append("                                           make this primary a secondary (a switchover):\n")
                .append("                                           it listens on mirror.listen for the partner,\n")
                .append("                                           promoted by the witness once the lease runs\n")
                .append("                                           out, or by promote; refused unless in sync\n")
                .append("  resolve --discard NAME [--admin HOST:PORT | --config FILE]\n")
                .append("                                           end a split brain: drop the data of node NAME\n")
                .append("                                           (its node.name; run against either node); it\n")
                .append("                                           then takes a full copy from the other\n")
                .append("  verify [--wait | --json] [--admin HOST:PORT | --config FILE]\n")
                .append("                                           start comparing both copies (on the primary)\n")
                .append("                                           as a background job; status shows it; --wait\n")
                .append("                                           follows it and exits 1 if blocks differ\n")
                .append("                                           (scrub.repair fixes them)\n")
                .append("  resync --checksum [--wait | --json] [--admin HOST:PORT | --config FILE]\n")
                .append("                                           start comparing every region and copying what\n")
                .append("                                           differs from the primary, as a background job;\n")
                .append("                                           --wait follows it to the end\n")
                .append("  config check FILE [--key=value ...]      check a config as serve would read it here;\n")
                .append("                                           exit 2 with the key and the reason if wrong\n")
                .append("  help                                     this text\n")
                .append("  version                                  print the version\n\n")
                .append("config keys (file lines 'key = value', or --key=value; the command line wins):\n");
        for (Key<?> k : Keys.nodeKeys()) {
            keyLine(u, k.name(), k);
        }
        for (Key<?> k : Keys.lunKeys()) {
            keyLine(u, k.name(), k);
        }
        for (Key<?> k : Keys.aclKeys()) {
            keyLine(u, k.name(), k);
        }
        u.append("\nwithout any lun.* key the node serves LUN 0 of 1G at <data.dir>/lun0.img.\n")
                .append(EXIT_CODES);
        return u.toString();
    }

    /**
     * {@code COMMAND --help}: that command's lines of the usage (serve: all of it, with the config
     * keys), and the exit codes; null for a word that is no command.
     */
    static String commandUsage(String command) {
        String all = usage();
        if (command.equals("serve")) {
            return all;
        }
        if (command.equals("witness")) {
            return WitnessCommand.usage();
        }
        StringBuilder u = new StringBuilder();
        for (String line : all.split("\n")) {
            boolean first = line.startsWith("  " + command + " ") || line.equals("  " + command);
            if (first) {
                // "  status [...]  print ...": the syntax, then the description on lines of its own.
                String[] parts = line.strip().split("\\s{2,}", 2);
                u.append("usage: twinblock ").append(parts[0]).append('\n');
                if (parts.length > 1) {
                    u.append("       ").append(parts[1]).append('\n');
                }
            } else if (u.length() > 0 && line.startsWith("         ")) {
                u.append("       ").append(line.strip()).append('\n');
            } else if (u.length() > 0) {
                break;
            }
        }
        if (u.length() == 0) {
            return null;
        }
        return u + "\n"
                + "--admin HOST:PORT names the node's admin endpoint; --config FILE reads just admin.listen,\n"
                + "admin.token-file and admin.tls.* from that file (default: " + DefaultConfig.PATH + " if it\n"
                + "exists, else 127.0.0.1:3270). Commands that change the node send the admin token: from\n"
                + "--token-file FILE, else that config's admin.token-file (<data.dir>/admin.token); over\n"
                + "HTTPS the node's certificate is trusted from --cacert PEM or the config's admin.tls.keystore.\n"
                + EXIT_CODES;
    }

    private static void keyLine(StringBuilder u, String name, Key<?> k) {
        String dflt = k.defaultValue() == null ? "" : " [" + k.defaultValue() + "]";
        u.append(String.format("  %-36s %s%s%n", name, k.help(), dflt));
    }
}
