package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The request pipeline: route, latency, injected faults, request-rate quota, the operation's handler, and the
 * restJson1 answer. Every call of a known operation is recorded in the call log with the answer it got.
 */
final class SimulatorHttpHandler implements HttpHandler {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Router router = new Router();
    private final Map<Operation, OperationHandler> handlers;
    private final Shapes shapes;
    private final LatencyModel latency;
    private final Faults faults;
    private final RateLimiter rateLimiter;
    private final CallLog callLog;

    SimulatorHttpHandler(Map<Operation, OperationHandler> handlers, Shapes shapes, LatencyModel latency, Faults faults,
            RateLimiter rateLimiter, CallLog callLog) {
        this.handlers = Map.copyOf(handlers);
        this.shapes = shapes;
        this.latency = latency;
        this.faults = faults;
        this.rateLimiter = rateLimiter;
        this.callLog = callLog;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        byte[] body = exchange.getRequestBody().readAllBytes();
        String method = exchange.getRequestMethod();
        String rawPath = exchange.getRequestURI().getRawPath();
        Optional<Router.Route> route = router.route(method, rawPath);
        if (route.isEmpty()) {
            HttpAnswer.error(ServiceError.RESOURCE_NOT_FOUND,
                    shapes.error("No DataZone operation matches " + method + " " + rawPath))
                    .writeTo(exchange, requestId);
            return;
        }
        Operation operation = route.get().operation();
        pause(faults.stretch(latency.next()));

        Optional<String> clientToken = Optional.empty();
        Optional<Fault> fault = faults.next(operation);
        HttpAnswer answer;
        try {
            if (fault.isPresent() && fault.get() instanceof Fault.ResetBeforeHandling) {
                record(operation, requestId, route.get(), clientToken, Optional.empty());
                exchange.close();
                return;
            }
            ApiRequest request = new ApiRequest(operation, route.get().labels(),
                    parseQuery(exchange.getRequestURI().getRawQuery()), parseBody(body));
            clientToken = request.clientToken();
            if (fault.isPresent() && fault.get() instanceof Fault.Fail failure) {
                throw new ApiException(failure.error(), failure.error().defaultMessage());
            }
            if (!rateLimiter.tryAcquire(operation)) {
                throw new ApiException(ServiceError.THROTTLING, "Rate exceeded");
            }
            answer = HttpAnswer.success(handlers.get(operation).handle(request));
        } catch (ApiException e) {
            answer = HttpAnswer.error(e.error(), shapes.error(e.getMessage()));
        } catch (RuntimeException e) {
            // A simulator bug: answer it the way the service answers its own failures, naming the cause.
            answer = HttpAnswer.error(ServiceError.INTERNAL_SERVER, shapes.error("Simulator failure: " + e));
        }

        if (fault.isPresent() && fault.get() instanceof Fault.ResetAfterHandling) {
            record(operation, requestId, route.get(), clientToken, Optional.empty());
            exchange.close();
            return;
        }
        if (fault.isPresent() && fault.get() instanceof Fault.SlowResponse slow) {
            pause(slow.delay());
        }
        record(operation, requestId, route.get(), clientToken, Optional.of(answer));
        answer.writeTo(exchange, requestId);
    }

    private void record(Operation operation, String requestId, Router.Route route, Optional<String> clientToken,
            Optional<HttpAnswer> answer) {
        callLog.record(new RecordedCall(operation, requestId, route.labels(), clientToken,
                answer.map(HttpAnswer::status).orElse(RecordedCall.NO_RESPONSE),
                answer.flatMap(HttpAnswer::errorType)));
    }

    private static JsonNode parseBody(byte[] body) {
        if (body.length == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode json = MAPPER.readTree(body);
            if (json != null && json.isObject()) {
                return json;
            }
        } catch (IOException e) {
            // Falls through to the validation error below.
        }
        throw ApiException.validation("The request body is not a JSON object");
    }

    /** Query values are form-encoded by the SDK ({@code %20} for a space), so URL decoding applies. */
    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            try {
                query.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiException.validation("Malformed query parameter: " + pair);
            }
        }
        return query;
    }

    private static void pause(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
