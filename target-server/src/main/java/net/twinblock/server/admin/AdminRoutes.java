package net.twinblock.server.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Path and method -&gt; endpoint. GET for reading state; POST is where commands go
 * (promote, verify, resync, resolve) as the mirror engine grows them.
 */
public final class AdminRoutes {

    private final Map<String, Map<String, AdminEndpoint>> byPath = new TreeMap<>();

    public AdminRoutes get(String path, AdminEndpoint endpoint) {
        return add("GET", path, endpoint);
    }

    public AdminRoutes post(String path, AdminEndpoint endpoint) {
        return add("POST", path, endpoint);
    }

    private AdminRoutes add(String method, String path, AdminEndpoint endpoint) {
        if (byPath.computeIfAbsent(path, p -> new LinkedHashMap<>()).putIfAbsent(method, endpoint) != null) {
            throw new IllegalArgumentException(method + " " + path + " is already routed");
        }
        return this;
    }

    /** Finds the endpoint; unknown paths get 404, known paths with another method 405. */
    public CompletableFuture<AdminReply> dispatch(AdminRequest request) {
        Map<String, AdminEndpoint> methods = byPath.get(request.path());
        if (methods == null) {
            return CompletableFuture.completedFuture(AdminReply.error(404, "no such endpoint",
                    Map.of("path", request.path(), "endpoints", byPath.keySet())));
        }
        AdminEndpoint endpoint = methods.get(request.method());
        // HEAD is GET without a body; the HTTP codec drops the body for us.
        if (endpoint == null && request.method().equals("HEAD")) {
            endpoint = methods.get("GET");
        }
        if (endpoint == null) {
            String allow = String.join(", ", methods.keySet());
            AdminReply body = AdminReply.error(405, "method not allowed",
                    Map.of("path", request.path(), "allowed", allow));
            return CompletableFuture.completedFuture(new AdminReply(405, body.contentType(), body.body(), allow));
        }
        return endpoint.handle(request);
    }
}
