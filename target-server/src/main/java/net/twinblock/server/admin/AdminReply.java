package net.twinblock.server.admin;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an endpoint answers: status code, content type, body, and for 405 the allowed methods.
 */
public record AdminReply(int status, String contentType, String body, String allow) {

    public static final String JSON = "application/json; charset=utf-8";
    /** Prometheus text exposition format 0.0.4. */
    public static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    public static AdminReply json(int status, Object value) {
        return new AdminReply(status, JSON, Json.write(value), null);
    }

    public static AdminReply prometheus(String text) {
        return new AdminReply(200, PROMETHEUS, text, null);
    }

    /** An error as JSON: {"error": message, ...details}. */
    public static AdminReply error(int status, String message, Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.putAll(details);
        return json(status, body);
    }
}
