package net.twinblock.server.admin;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import net.twinblock.server.config.ValueParsers;

/** The CLI side of the admin endpoint: one GET or POST per admin verb (see AdminVerb). */
public final class AdminClient {

    /** An admin call that did not produce an answer; the message is for the administrator. */
    public static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }

        /** The node took the connection but did not answer in time (the CLI's exit 4, not 3). */
        public boolean timedOut() {
            return getCause() instanceof HttpTimeoutException;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final InetSocketAddress address;
    private final String token;
    private final boolean https;
    private final HttpClient http;

    /**
     * @param token the admin token POSTs carry, or null
     * @param tls   HTTPS trusting this context, or null for plain HTTP
     */
    public AdminClient(InetSocketAddress address, String token, SSLContext tls) {
        this.address = address;
        this.token = token;
        this.https = tls != null;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
    }

    /** An answer of a POST command: its status code and body (JSON). */
    public record Answer(int status, String body) {
    }

    /** How long a POST command may take: promotion waits for durable metadata. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /** GETs {@code path}; returns the body of a 200 answer. */
    public String get(String path) throws Unreachable {
        Answer answer = getAnswer(path);
        if (answer.status() != 200) {
            throw new Unreachable("the admin endpoint at " + ValueParsers.format(address) + " answered "
                    + answer.status() + " to GET " + path + ": " + answer.body().strip(), null);
        }
        return answer.body();
    }

    /** GETs {@code path}; any HTTP answer is returned, as for {@link #post}. */
    public Answer getAnswer(String path) throws Unreachable {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET().build());
        return new Answer(response.statusCode(), response.body());
    }

    /**
     * POSTs a command to {@code path}. Any HTTP answer is returned (a refusal is an answer the
     * caller reports); only a missing answer throws.
     */
    public Answer post(String path) throws Unreachable {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(COMMAND_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", AdminToken.BEARER + token);
        }
        HttpResponse<String> response = send(request.build());
        return new Answer(response.statusCode(), response.body());
    }

    private URI uri(String path) {
        return URI.create((https ? "https://" : "http://") + ValueParsers.format(address) + path);
    }

    private HttpResponse<String> send(HttpRequest request) throws Unreachable {
        String where = ValueParsers.format(address);
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Unreachable("cannot reach the admin endpoint at " + where + ": connection refused"
                    + " (is the node running, and is admin.listen " + where + "?)", e);
        } catch (HttpTimeoutException e) {
            throw new Unreachable("the admin endpoint at " + where + " did not answer within "
                    + request.timeout().orElse(TIMEOUT).toSeconds() + " s", e);
        } catch (IOException e) {
            throw new Unreachable("cannot reach the admin endpoint at " + where + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while calling the admin endpoint at " + where, e);
        }
        return response;
    }

    /**
     * The "error" member of an admin error answer ({"error": "...", ...}), or the whole body if
     * it has none: enough JSON reading for one string we wrote ourselves.
     */
    public static String errorMessage(String body) {
        int key = body.indexOf("\"error\"");
        int colon = key < 0 ? -1 : body.indexOf(':', key);
        int open = colon < 0 ? -1 : body.indexOf('"', colon);
        if (open < 0) {
            return body.strip();
        }
        StringBuilder out = new StringBuilder();
        for (int i = open + 1; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\' && i + 1 < body.length()) {
                char n = body.charAt(++i);
                switch (n) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'u' -> {
                        if (i + 4 < body.length()) {
                            out.append((char) Integer.parseInt(body.substring(i + 1, i + 5), 16));
                            i += 4;
                        }
                    }
                    default -> out.append(n);
                }
            } else {
                out.append(c);
            }
        }
        return body.strip();
    }
}
