package net.twinblock.server.admin;

import java.util.List;
import java.util.Map;

/**
 * One admin call, free of Netty types so endpoints stay plain functions.
 *
 * @param method HTTP method, upper case
 * @param path   decoded path without the query ("/status")
 * @param query  query parameters
 * @param body   request body as UTF-8 text (empty for GET)
 */
public record AdminRequest(String method, String path, Map<String, List<String>> query, String body) {
    public AdminRequest {
        query = Map.copyOf(query);
    }
}
