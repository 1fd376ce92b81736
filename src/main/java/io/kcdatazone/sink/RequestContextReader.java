package io.kcdatazone.sink;

import io.kcdatazone.config.DataSourceRunSinkConfig;
import io.kcdatazone.logging.PrintableText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;

/**
 * Reads a request's context: the configured request headers ({@code request.context.headers}) and the request value's
 * {@code context} object, which the source puts back on every event of the request and its run.
 *
 * <p>Credential-looking names are never carried, even when configured: events and their headers reach every consumer
 * of the output topic, and a bearer token there would be a leak (invariant 6). The headers are read before the body,
 * so a bad body context still leaves the valid headers on the request's RUN_START_FAILED event.
 */
final class RequestContextReader {

    /** Names that carry credentials in HTTP and AWS practice, compared in lower case. */
    private static final Set<String> CREDENTIAL_NAMES = Set.of("authorization", "proxy-authorization", "cookie",
            "set-cookie", "x-amz-security-token", "x-amz-credential", "x-api-key", "api-key", "apikey");
    /** Parts of a name that make it look like a credential, compared in lower case. */
    private static final List<String> CREDENTIAL_PARTS = List.of("token", "secret", "password", "passwd",
            "credential", "api-key", "api_key", "apikey", "auth", "cookie", "session");
    private static final int MAX_NAME_SHOWN = 64;

    private final List<String> headerNames;
    private final List<String> ignoredHeaderNames;
    private final int maxBytes;

    RequestContextReader(List<String> configuredHeaderNames, int maxBytes) {
        this.headerNames = configuredHeaderNames.stream().filter(name -> !looksLikeCredential(name))
                .collect(Collectors.toUnmodifiableList());
        this.ignoredHeaderNames = configuredHeaderNames.stream().filter(RequestContextReader::looksLikeCredential)
                .collect(Collectors.toUnmodifiableList());
        this.maxBytes = maxBytes;
    }

    /** Configured header names left out because they look like credentials, for the start-up log. */
    List<String> ignoredHeaderNames() {
        return ignoredHeaderNames;
    }

    static boolean looksLikeCredential(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return CREDENTIAL_NAMES.contains(lower) || CREDENTIAL_PARTS.stream().anyMatch(lower::contains);
    }

    /**
     * The context of a request with these headers and value fields ({@code fields} null when the value could not be
     * read): what is valid of it, and what is wrong with the rest.
     */
    RequestContext read(Headers headers, RunRequestParser.Fields fields) {
        Map<String, String> context = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String name : headerNames) {
            Header header = headers.lastWithName(name);
            if (header == null || header.value() == null) {
                continue;
            }
            try {
                context.put(name, Values.convertToString(header.schema(), header.value()));
            } catch (DataException e) {
                problems.add("request header '" + name + "' cannot be read as a string ("
                        + header.value().getClass().getSimpleName() + ")");
            }
        }
        if (bytes(context) > maxBytes) {
            problems.add("the context request headers take " + bytes(context) + " bytes, more than "
                    + DataSourceRunSinkConfig.CONTEXT_MAX_BYTES + " (" + maxBytes + ")");
            context.clear();
        }
        if (fields != null) {
            try {
                fields.context().ifPresent(body -> addBody(context, body));
            } catch (InvalidRequestException e) {
                problems.add(e.getMessage());
            }
        }
        return new RequestContext(context, problems.isEmpty() ? null : String.join("; ", problems));
    }

    /** Adds the value's context to the headers' when all of it is valid, or throws naming what is not. */
    private void addBody(Map<String, String> context, Map<String, String> body) {
        for (String key : body.keySet()) {
            Optional<String> problem = keyProblem(key, context);
            if (problem.isPresent()) {
                throw new InvalidRequestException("'" + RunRequestParser.CONTEXT_FIELD + "' key '"
                        + PrintableText.of(key, MAX_NAME_SHOWN) + "' " + problem.get());
            }
        }
        int total = bytes(context) + bytes(body);
        if (total > maxBytes) {
            throw new InvalidRequestException("the request's context takes " + total + " bytes, more than "
                    + DataSourceRunSinkConfig.CONTEXT_MAX_BYTES + " (" + maxBytes + ")");
        }
        context.putAll(body);
    }

    private static Optional<String> keyProblem(String key, Map<String, String> headerContext) {
        if (key.isEmpty()) {
            return Optional.of("is empty");
        }
        if (key.startsWith(DataSourceRunSinkConfig.RESERVED_HEADER_PREFIX)) {
            return Optional.of("starts with '" + DataSourceRunSinkConfig.RESERVED_HEADER_PREFIX
                    + "', the prefix of the events' routing headers");
        }
        if (looksLikeCredential(key)) {
            return Optional.of("looks like a credential, which is never carried to the events");
        }
        if (headerContext.containsKey(key)) {
            return Optional.of("is also a request header carried as context; name it once");
        }
        return Optional.empty();
    }

    private static int bytes(Map<String, String> context) {
        int bytes = 0;
        for (Map.Entry<String, String> entry : context.entrySet()) {
            bytes += entry.getKey().getBytes(StandardCharsets.UTF_8).length
                    + entry.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return bytes;
    }

    /** A request's valid context (empty when none) and what is wrong with the rest (null when nothing). */
    static final class RequestContext {

        private final Map<String, String> context;
        private final String problem;

        RequestContext(Map<String, String> context, String problem) {
            this.context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
            this.problem = problem;
        }

        Map<String, String> context() {
            return context;
        }

        String problem() {
            return problem;
        }
    }
}
