package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * A routed request: the operation, its percent-decoded path labels and query parameters, and its JSON body (an
 * empty object for GETs).
 */
record ApiRequest(Operation operation, Map<String, String> labels, Map<String, String> query, JsonNode body) {

    String label(String name) {
        return labels.get(name);
    }

    Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /** The StartDataSourceRun clientToken, if the body carries one. */
    Optional<String> clientToken() {
        JsonNode token = body.get("clientToken");
        return token != null && token.isTextual() ? Optional.of(token.asText()) : Optional.empty();
    }
}
