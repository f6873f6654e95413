package net.twinblock.server;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.ToIntFunction;
import net.twinblock.server.admin.AdminEndpoint;
import net.twinblock.server.admin.AdminReply;
import net.twinblock.server.admin.AdminRequest;
import net.twinblock.server.admin.AdminRoutes;
import net.twinblock.server.admin.JsonNode;
import net.twinblock.server.config.ConfigException;

/**
 * The admin verbs, each said once: its CLI command and options, its HTTP route, the engine call
 * behind it ({@link AdminActions}), and the exit code the CLI makes of the answer. {@link Node}
 * routes the table; {@link Main} runs a row's client side. A verb that needs a pair answers 409
 * on a standalone node, here and nowhere else.
 *
 * <p>Exit codes: 0 for a 200 or a started job (verify --wait: only if no block differs
 * unrepaired), 2 for a 400 of a verb whose 400 means the command line named something wrong
 * (resolve's NAME), 1 otherwise; {@link AdminCommand} adds 3 and 4 for no answer.
 */
enum AdminVerb {
    STATUS("status", "GET", "/status", null, AdminVerb::noOptions, AdminVerb::zero, false, AdminActions::status),
    SESSIONS("sessions", "GET", "/sessions", null, AdminVerb::noOptions, AdminVerb::zero, false, AdminActions::sessions),
    EVENTS("events", "GET", "/events", null, AdminVerb::noOptions, AdminVerb::zero, false, AdminActions::events),
    /** Read by verify --wait and resync --wait: the background jobs' progress and results. */
    JOBS(null, "GET", "/jobs", null, null, null, false, AdminActions::jobs),
    /** Read by Prometheus, not by the CLI. */
    METRICS(null, "GET", "/metrics", null, null, null, false, AdminActions::metrics),
    /** Read by load balancers and cluster managers: 200 while the node takes I/O, else 503. */
    HEALTH(null, "GET", "/health", null, null, null, false, AdminActions::health),
    PROMOTE("promote", "POST", "/promote", "there is no pair to promote in", AdminVerb::promoteOptions, AdminVerb::zero, false,
            AdminActions::promote),
    DEMOTE("demote", "POST", "/demote", "there is no pair to demote in", AdminVerb::promoteOptions, AdminVerb::zero, false,
            AdminActions::demote),
    RESOLVE("resolve", "POST", "/resolve", "there is no pair to resolve", AdminVerb::resolveOptions, AdminVerb::zero, true,
            AdminActions::resolve),
    VERIFY("verify", "POST", "/verify", "there is no copy to compare with", AdminVerb::noOptions, AdminVerb::zeroIfIdentical, false,
            AdminActions::verify),
    RESYNC("resync", "POST", "/resync", "there is no copy to resync", AdminVerb::resyncOptions, AdminVerb::zero, false,
            AdminActions::resync);

    /** The verb's own options parsed off the command line: the query to send, and what is left. */
    record Call(String query, String[] rest) {
    }

    @FunctionalInterface
    interface Options {
        Call parse(String[] args) throws ConfigException;
    }

    final String command;
    final String method;
    final String path;
    /** Why a standalone node refuses it; null if it needs no pair. */
    private final String standalone;
    private final Options options;
    /** The exit code of a 200 answer (or of a finished job's result), from its body. */
    private final ToIntFunction<JsonNode> exitCodeOk;
    /** A 400 answer is a bad command line (exit 2), not a refusal (exit 1). */
    private final boolean badRequestIsUsage;
    private final BiFunction<AdminActions, AdminRequest, CompletableFuture<AdminReply>> action;

    AdminVerb(String command, String method, String path, String standalone, Options options,
              ToIntFunction<JsonNode> exitCodeOk, boolean badRequestIsUsage, BiFunction<AdminActions, AdminRequest, CompletableFuture<AdminReply>> action) {
        this.command = command;
        this.method = method;
        this.path = path;
        this.standalone = standalone;
        this.options = options;
        this.exitCodeOk = exitCodeOk;
        this.badRequestIsUsage = badRequestIsUsage;
        this.action = action;
    }

    /** The verb the CLI command names; null if none does. */
    static AdminVerb ofCommand(String command) {
        for (AdminVerb v : values()) {
            if (command.equals(v.command)) {
                return v;
            }
        }
        return null;
    }

    /** Every verb's route, each answering through {@code actions}. */
    static AdminRoutes routes(AdminActions actions) {
        AdminRoutes routes = new AdminRoutes();
        for (AdminVerb v : values()) {
            AdminEndpoint endpoint = request -> v.standalone != null && !actions.paired()
                    ? CompletableFuture.completedFuture(AdminReply.error(409,
                            "this node is standalone (mirror.role = standalone): " + v.standalone, Map.of()))
                    : v.action.apply(actions, request);
            if (v.method.equals("GET")) {
                routes.get(v.path, endpoint);
            } else {
                routes.post(v.path, endpoint);
            }
        }
        return routes;
    }

    Call parse(String[] args) throws ConfigException {
        return options.parse(args);
    }

    /** The exit code of a 200 answer, or of a finished job's result. */
    int exitCodeOk(JsonNode body) {
        return exitCodeOk.applyAsInt(body);
    }

    private static int zero(JsonNode body) {
        return Main.EXIT_OK;
    }

    /** Verify: 0 when the copies are identical or every difference was repaired, else 1. */
    private static int zeroIfIdentical(JsonNode result) {
        long mismatched = result.get("mismatchedBlocks").asLong(-1);
        return mismatched == 0 || mismatched == result.get("repairedBlocks").asLong(-1) ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    /** The exit code of any other answer. */
    int exitCodeRefused(int status) {
        return status == 400 && badRequestIsUsage ? Main.EXIT_USAGE : Main.EXIT_FAILED;
    }

    private static Call noOptions(String[] args) {
        return new Call("", args);
    }

    /** {@code --force}: promote an inconsistent copy, or demote without an in-sync secondary, anyway. */
    private static Call promoteOptions(String[] args) {
        String[] rest = Arrays.stream(args).filter(a -> !a.equals("--force")).toArray(String[]::new);
        return new Call(rest.length < args.length ? "force=true" : "", rest);
    }

    /**
     * {@code --discard NAME} names the node whose data loses; {@code --discard-local} is the older
     * form naming the node run against. Nothing is discarded without one of them.
     */
    private static Call resolveOptions(String[] args) throws ConfigException {
        if (args.length > 0 && args[0].equals("--discard-local")) {
            return new Call("discard=local", Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 1 && args[0].equals("--discard") && !args[1].startsWith("--")) {
            return new Call("node=" + URLEncoder.encode(args[1], StandardCharsets.UTF_8),
                    Arrays.copyOfRange(args, 2, args.length));
        }
        if (args.length > 0 && args[0].startsWith("--discard=") && args[0].length() > "--discard=".length()) {
            return new Call("node=" + URLEncoder.encode(args[0].substring("--discard=".length()), StandardCharsets.UTF_8),
                    Arrays.copyOfRange(args, 1, args.length));
        }
        throw new ConfigException("resolve", "say which node's data to drop: resolve --discard NAME [--admin"
                + " HOST:PORT | --config FILE], NAME the node whose writes are discarded (its node.name, as"
                + " status shows it), run against either node", String.join(" ", args));
    }

    /** --checksum is required, to say what runs: a reconnect resyncs from the bitmap by itself. */
    private static Call resyncOptions(String[] args) throws ConfigException {
        if (args.length == 0 || !args[0].equals("--checksum")) {
            throw new ConfigException("resync", "only a checksum resync runs on demand (a reconnect copies the"
                    + " outage bitmap by itself): resync --checksum [--admin HOST:PORT | --config FILE]",
                    String.join(" ", args));
        }
        return new Call("", Arrays.copyOfRange(args, 1, args.length));
    }
}
