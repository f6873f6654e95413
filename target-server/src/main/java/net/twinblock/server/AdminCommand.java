package net.twinblock.server;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.twinblock.server.admin.AdminClient;
import net.twinblock.server.admin.JsonNode;
import net.twinblock.server.cli.EventsView;
import net.twinblock.server.cli.JobView;
import net.twinblock.server.cli.SessionsView;
import net.twinblock.server.cli.StatusView;
import net.twinblock.server.config.ConfigException;
import net.twinblock.server.config.ValueParsers;

/**
 * The client side of an {@link AdminVerb} run from the command line: the verb's own options, the
 * options of how to show the answer ({@code status --json | --watch [SECONDS]}, {@code sessions
 * --json}, {@code verify --wait | --json}, {@code resync --checksum --wait | --json}, {@code
 * events --now}), the call, and the exit code.
 *
 * <p>Exit codes: the verb's (0 ok, 1 refused or blocks differ, 2 usage), 3 when the node cannot
 * be reached, 4 when it took the connection but did not answer in time.
 */
final class AdminCommand {

    static final int EXIT_UNREACHABLE = 3;
    static final int EXIT_TIMED_OUT = 4;

    /**
     * How long one events poll waits on the node for a change: short, so a SIGINT ends the stream
     * within it (the call itself is not interruptible); a change is still printed as it happens.
     */
    private static final int EVENTS_WAIT_SECONDS = 2;
    /** How often --wait asks for the job's progress, and prints it when it is not a terminal. */
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration PRINT_EVERY = Duration.ofSeconds(5);
    private static final Duration DEFAULT_WATCH = Duration.ofSeconds(2);

    private final AdminVerb verb;
    private final PrintStream out;
    private final PrintStream err;
    private final CompletableFuture<Void> stopRequested;
    private boolean json;
    private Duration watch;
    private boolean await;
    /** events --now: the state as it is, then exit. */
    private boolean onlyNow;

    private AdminCommand(AdminVerb verb, PrintStream out, PrintStream err, CompletableFuture<Void> stopRequested) {
        this.verb = verb;
        this.out = out;
        this.err = err;
        this.stopRequested = stopRequested;
    }

    /** Runs {@code verb} with {@code args} against the node they name; returns the exit code. */
    static int run(AdminVerb verb, String[] args, PrintStream out, PrintStream err, CompletableFuture<Void> stopRequested)
            throws ConfigException {
        AdminCommand c = new AdminCommand(verb, out, err, stopRequested);
        AdminVerb.Call call = verb.parse(c.clientOptions(args));
        AdminTarget target = AdminTarget.parse(call.rest());
        try {
            AdminClient client = target.client(!verb.method.equals("GET"));
            return c.watch != null ? c.watch(client) : verb == AdminVerb.EVENTS ? c.events(client)
                    : c.once(client, call.query());
        } catch (AdminClient.Unreachable e) {
            err.println(verb.command + ": " + e.getMessage());
            return e.timedOut() ? EXIT_TIMED_OUT : EXIT_UNREACHABLE;
        }
    }

    /** Takes off the options of how to show the answer; the rest is the verb's and the target's. */
    private String[] clientOptions(String[] args) throws ConfigException {
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            boolean runsJob = verb == AdminVerb.VERIFY || verb == AdminVerb.RESYNC;
            boolean shows = verb == AdminVerb.STATUS || verb == AdminVerb.SESSIONS || runsJob;
            if (shows && a.equals("--json")) {
                json = true;
            } else if (verb == AdminVerb.STATUS && (a.equals("--watch") || a.startsWith("--watch="))) {
                String value = a.startsWith("--watch=") ? a.substring("--watch=".length())
                        : i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : null;
                watch = value == null ? DEFAULT_WATCH : interval(value);
            } else if (runsJob && a.equals("--wait")) {
                await = true;
            } else if (verb == AdminVerb.EVENTS && a.equals("--now")) {
                onlyNow = true;
            } else {
                rest.add(a);
            }
        }
        return rest.toArray(String[]::new);
    }

    /** SECONDS (1, 0.5) or a duration (500ms, 2s). */
    private static Duration interval(String value) throws ConfigException {
        try {
            return value.matches("\\d{1,6}(\\.\\d+)?") && Double.parseDouble(value) >= 0.1
                    ? Duration.ofMillis((long) (Double.parseDouble(value) * 1000))
                    : ValueParsers.duration(Duration.ofMillis(100), Duration.ofDays(1)).parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--watch", "expected the seconds between redraws, 0.1 or more (e.g. 2 or 500ms)",
                    value);
        }
    }

    private int once(AdminClient client, String query) throws AdminClient.Unreachable {
        boolean command = !verb.method.equals("GET");
        AdminClient.Answer answer = command ? client.post(verb.path + (query.isEmpty() ? "" : "?" + query))
                : client.getAnswer(verb.path);
        if (answer.status() == 202 && await) {
            return follow(client, JsonNode.parse(answer.body()).get("job"));
        }
        if (answer.status() == 202) {
            JsonNode job = JsonNode.parse(answer.body()).get("job");
            out.print(json ? answer.body() : verb.command + " job " + job.get("id").text() + " started: twinblock status"
                    + " shows its progress and result (or run " + verb.command + " --wait)\n");
            out.flush();
            return Main.EXIT_OK;
        }
        if (answer.status() == 200) {
            out.print(json || command ? answer.body() : view(JsonNode.parse(answer.body())));
            out.flush();
            return verb.exitCodeOk(JsonNode.parse(answer.body()));
        }
        int exit = verb.exitCodeRefused(answer.status());
        err.println(verb.command + (exit == Main.EXIT_USAGE ? ": " : " refused: ") + AdminClient.errorMessage(answer.body()));
        return exit;
    }

    private String view(JsonNode answer) {
        return verb == AdminVerb.SESSIONS ? SessionsView.render(answer) : StatusView.render(answer);
    }

    /**
     * {@code status --watch}: redraws the view every interval until SIGINT or SIGTERM. A node
     * that stops answering is said in the view's place; watching goes on, so a restart is seen.
     */
    private int watch(AdminClient client) {
        boolean terminal = System.console() != null;
        do {
            String frame;
            try {
                String body = client.get(verb.path);
                frame = json ? body : view(JsonNode.parse(body));
            } catch (AdminClient.Unreachable e) {
                frame = e.getMessage() + "\n";
            }
            String header = "twinblock " + verb.command + " every " + watch.toMillis() / 1000.0 + " s, "
                    + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " (Ctrl-C stops)\n\n";
            // On a terminal: home the cursor and clear, as watch(1) does; in a pipe: frames in sequence.
            out.print((terminal ? "\033[H\033[2J" : "") + header + frame + (terminal ? "" : "\n"));
            out.flush();
        } while (!stopped(watch));
        return Main.EXIT_OK;
    }

    /**
     * {@code events}: the watched facts as they are, then every change as the node sees it (long
     * polls of GET /events), until SIGINT or SIGTERM; {@code --now} stops after the first part.
     */
    private int events(AdminClient client) throws AdminClient.Unreachable {
        JsonNode answer = JsonNode.parse(client.get(verb.path));
        while (true) {
            if (answer.get("lost").isTrue()) {
                out.println("# events were lost: more changes than the node keeps since the last poll");
            }
            out.print(EventsView.render(answer));
            out.flush();
            if (onlyNow || stopRequested.isDone()) {
                return Main.EXIT_OK;
            }
            answer = JsonNode.parse(client.get(verb.path + "?after=" + answer.get("seq").asLong(0) + "&wait="
                    + EVENTS_WAIT_SECONDS));
        }
    }

    /**
     * {@code --wait}: follows the job the node started until it ends, printing its progress on
     * stderr, then its result on stdout with the verb's exit code of it (verify: 1 if blocks
     * differ). A stop (SIGINT) leaves the job running on the node.
     */
    private int follow(AdminClient client, JsonNode started) throws AdminClient.Unreachable {
        long id = started.get("id").asLong(-1);
        boolean terminal = System.console() != null;
        long lastPrint = 0;
        String lastLine = "";
        while (true) {
            AdminClient.Answer answer = client.getAnswer(AdminVerb.JOBS.path + "?id=" + id);
            if (answer.status() != 200) {
                err.println(verb.command + ": " + AdminClient.errorMessage(answer.body()));
                return Main.EXIT_FAILED;
            }
            JsonNode job = JsonNode.parse(answer.body());
            String line = JobView.line(job);
            String state = job.get("state").text();
            long now = System.nanoTime();
            if (terminal) {
                err.print("\r" + line + (state.equals("running") ? "" : "\n"));
            } else if (!state.equals("running") || !line.equals(lastLine) && now - lastPrint >= PRINT_EVERY.toNanos()) {
                err.println(line);
                lastPrint = now;
            }
            lastLine = line;
            err.flush();
            if (state.equals("done")) {
                out.print(job.get("result") + "\n");
                out.flush();
                return verb.exitCodeOk(job.get("result"));
            }
            if (!state.equals("running")) {
                err.println(verb.command + " failed: " + job.get("error").text());
                return Main.EXIT_FAILED;
            }
            if (stopped(POLL)) {
                err.println((terminal ? "\n" : "") + "stopped waiting: " + verb.command + " job " + id
                        + " keeps running on the node (twinblock status shows it)");
                return 130;
            }
        }
    }

    /** Waits {@code d} or until a stop is requested; true if it was. */
    private boolean stopped(Duration d) {
        try {
            stopRequested.get(d.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (ExecutionException e) {
            return true;
        }
    }
}
