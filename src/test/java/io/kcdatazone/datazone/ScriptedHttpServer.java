package io.kcdatazone.datazone;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny HTTP server on 127.0.0.1 for client-layer tests: answers each request with the next scripted {@link Reply}
 * (or a default one), and records every request it received. Stands in for DataZone and STS where the behaviour under
 * test is the client's, not the service's (the DataZone simulator covers the service).
 */
public final class ScriptedHttpServer implements AutoCloseable {

    /** One received request; header names are case-insensitive. */
    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }
    }

    /** How to answer one request. */
    @FunctionalInterface
    public interface Reply {
        void send(HttpExchange exchange, Request request) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Reply defaultReply;

    public ScriptedHttpServer(Reply defaultReply) throws IOException {
        this.defaultReply = defaultReply;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers the next requests with these replies, in order; then the default reply again. */
    synchronized ScriptedHttpServer script(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Forgets scripted replies not used yet and the requests received so far. */
    synchronized void reset() {
        script.clear();
        requests.clear();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(exchange.getRequestHeaders());
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body);
        requests.add(request);
        Reply reply;
        synchronized (this) {
            reply = script.isEmpty() ? defaultReply : script.poll();
        }
        reply.send(exchange, request);
    }

    // ---- replies ---------------------------------------------------------------------------------------------

    /** A JSON answer with DataZone's headers (datazone-api.md section 11). */
    static Reply json(int status, String body, String... extraHeaders) {
        return (exchange, request) -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
            for (int i = 0; i < extraHeaders.length; i += 2) {
                exchange.getResponseHeaders().add(extraHeaders[i], extraHeaders[i + 1]);
            }
            sendBody(exchange, status, body);
        };
    }

    /** A DataZone error as section 11.4 shows it: status, x-amzn-ErrorType, x-amzn-RequestId, {"message": ...}. */
    static Reply dataZoneError(int status, String errorType, String message, String requestId) {
        return (exchange, request) -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("x-amzn-RequestId", requestId);
            if (errorType != null) {
                exchange.getResponseHeaders().add("x-amzn-ErrorType", errorType);
            }
            sendBody(exchange, status, "{\"message\":\"" + message + "\"}");
        };
    }

    /** An error whose message is computed from the request (e.g. one that echoes what the client sent). */
    static Reply dataZoneError(int status, String errorType, Function<Request, String> message) {
        return (exchange, request) ->
                dataZoneError(status, errorType, message.apply(request), UUID.randomUUID().toString())
                        .send(exchange, request);
    }

    /** Closes the connection without answering: the client sees an I/O error. */
    static Reply closeConnection() {
        return (exchange, request) -> exchange.close();
    }

    /** Answers only when the server closes (or after a minute): the client's timeouts must fire first. */
    Reply hang() {
        return (exchange, request) -> {
            try {
                closing.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        };
    }

    static Reply text(int status, String contentType, String body) {
        return (exchange, request) -> {
            exchange.getResponseHeaders().add("Content-Type", contentType);
            sendBody(exchange, status, body);
        };
    }

    private static void sendBody(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
