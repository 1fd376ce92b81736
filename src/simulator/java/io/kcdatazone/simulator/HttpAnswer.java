package io.kcdatazone.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * A response as restJson1 frames it: status, JSON body, {@code x-amzn-RequestId} always, and {@code x-amzn-ErrorType}
 * on errors (the header the SDK maps to its exception classes).
 *
 * @param errorType the error's shape name, for error responses
 */
record HttpAnswer(int status, ObjectNode body, Optional<String> errorType) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static HttpAnswer success(ObjectNode body) {
        return new HttpAnswer(200, body, Optional.empty());
    }

    static HttpAnswer error(ServiceError error, ObjectNode body) {
        return new HttpAnswer(error.httpStatus(), body, Optional.of(error.errorType()));
    }

    void writeTo(HttpExchange exchange, String requestId) throws IOException {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        errorType.ifPresent(type -> exchange.getResponseHeaders().set("x-amzn-ErrorType", type));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
