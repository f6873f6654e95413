package net.twinblock.server;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.twinblock.server.admin.Sizes;
import net.twinblock.server.config.ConfigException;
import net.twinblock.server.config.Keys;
import net.twinblock.server.config.LunConfig;
import net.twinblock.server.config.NodeConfig;
import net.twinblock.server.config.ValueParsers;

/**
 * {@code twinblock config check FILE [--key=value ...]}: reads and checks a config exactly as
 * {@code serve} would from this directory (the same parsing, so the same error text, and files it
 * names such as mirror.secret-file are read), without binding or opening anything. Valid: one
 * line saying what the node would be, exit 0. Invalid: {@link Main} prints "config error: KEY:
 * reason" and exits 2, as the node does at start.
 */
final class ConfigCheck {

    private ConfigCheck() {
    }

    static int run(String[] args, PrintStream out) throws ConfigException {
        if (args.length < 2 || !args[0].equals("check") || args[1].startsWith("--")) {
            throw new ConfigException("config", "expected: config check FILE [--key=value ...]", String.join(" ", args));
        }
        List<String> serveArgs = new ArrayList<>(List.of("--config", args[1]));
        serveArgs.addAll(List.of(args).subList(2, args.length));
        NodeConfig config = NodeConfig.from(Main.parseServeArgs(serveArgs.toArray(String[]::new)));
        out.println(args[1] + ": valid: " + summary(config));
        return Main.EXIT_OK;
    }

    /** What the node would be: its name and role, partner, LUNs, and where it listens. */
    static String summary(NodeConfig config) {
        StringBuilder s = new StringBuilder();
        String name = config.get(Keys.NODE_NAME);
        s.append("node ").append(name == null ? "(host name)" : name).append(", ").append(config.get(Keys.MIRROR_ROLE));
        InetSocketAddress peer = config.get(Keys.MIRROR_PEER);
        if (!config.get(Keys.MIRROR_ROLE).equals("standalone")) {
            InetSocketAddress listen = config.get(Keys.MIRROR_LISTEN);
            s.append(peer != null ? " (peer " + ValueParsers.format(peer) + ")" : "")
                    .append(listen != null ? " (link on " + ValueParsers.format(listen) + ")" : "")
                    .append(config.mirror().tls() != null ? " over TLS" : "");
        }
        int luns = config.luns().size();
        s.append(", ").append(luns).append(luns == 1 ? " LUN (" : " LUNs (")
                .append(config.luns().values().stream().map(ConfigCheck::lun).collect(Collectors.joining(", ")))
                .append("), iSCSI on ")
                .append(config.get(Keys.ISCSI_LISTEN).stream().map(ValueParsers::format).collect(Collectors.joining(", ")))
                .append(", admin on ").append(ValueParsers.format(config.get(Keys.ADMIN_LISTEN)));
        return s.toString();
    }

    private static String lun(LunConfig l) {
        return l.lun() + ": " + Sizes.human(l.sizeBytes());
    }
}
