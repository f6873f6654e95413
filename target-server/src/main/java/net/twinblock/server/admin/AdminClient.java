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
import net.twinblock.server.config.ValueParsers;

/** The CLI side of the admin endpoint: `status` and, later, the POST commands. */
public final class AdminClient {

    /** An admin call that did not produce an answer; the message is for the administrator. */
    public static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final InetSocketAddress address;
    private final HttpClient http;

    public AdminClient(InetSocketAddress address) {
        this.address = address;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** GETs {@code path}; returns the body of a 200 answer. */
    public String get(String path) throws Unreachable {
        String where = ValueParsers.format(address);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + where + path)).timeout(TIMEOUT).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Unreachable("cannot reach the admin endpoint at " + where + ": connection refused"
                    + " (is the node running, and is admin.listen " + where + "?)", e);
        } catch (HttpTimeoutException e) {
            throw new Unreachable("the admin endpoint at " + where + " did not answer within "
                    + TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new Unreachable("cannot reach the admin endpoint at " + where + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while calling the admin endpoint at " + where, e);
        }
        if (response.statusCode() != 200) {
            throw new Unreachable("the admin endpoint at " + where + " answered " + response.statusCode()
                    + " to GET " + path + ": " + response.body().strip(), null);
        }
        return response.body();
    }
}
