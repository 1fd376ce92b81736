package io.kcdatazone.sink;

import io.kcdatazone.config.DataSourceRunSinkConfig;
import io.kcdatazone.event.EventHeaders;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.logging.PrintableText;
import io.kcdatazone.logging.ThrottledLog;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
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
 * <p>Credentials are never carried: events and their headers reach every consumer of the output topic, and a bearer
 * token there would be a leak. Header names are operator configuration, so any name with a credential
 * word in it is refused; the value's keys are the orchestrator's own vocabulary ({@code taskToken} of Step Functions,
 * {@code session_id}), so only the exact names of credential fields are refused there. The headers are read before the
 * body, so a bad body context still leaves the valid headers on the request's RUN_START_FAILED event.
 *
 * <p>Sizes are those of the context's JSON form, as the ledger and the source offsets store it: escaping cannot make
 * the stored context larger than the limit.
 */
final class RequestContextReader {

    /** Names of credential fields in HTTP, AWS and common practice, compared in lower case. */
    static final Set<String> CREDENTIAL_NAMES = Set.of("authorization", "proxy-authorization", "cookie",
            "set-cookie", "x-amz-security-token", "x-amz-credential", "x-api-key", "api-key", "api_key", "apikey",
            "password", "passwd", "secret", "client_secret", "access_token", "refresh_token", "id_token");
    /** Parts of a header name that make it look like a credential, compared in lower case. */
    static final List<String> CREDENTIAL_PARTS = List.of("token", "secret", "password", "passwd",
            "credential", "api-key", "api_key", "apikey", "auth", "cookie", "session");
    /** The W3C trace context header: kept as long as it fits, since it is what ties the events to the trace. */
    private static final String TRACEPARENT = "traceparent";
    /** W3C trace context allows vendors' tracestate to be truncated: the first header left out when over the limit. */
    private static final String TRACESTATE = "tracestate";
    private static final int MAX_NAME_SHOWN = 64;

    private final List<String> headerNames;
    private final List<String> ignoredHeaderNames;
    private final int maxBytes;
    private final ThrottledLog warnings;

    /**
     * @param maxBytes the largest context, 0 to carry none
     * @param warnings where headers left out for size are reported
     */
    RequestContextReader(List<String> configuredHeaderNames, int maxBytes, ThrottledLog warnings) {
        this.headerNames = configuredHeaderNames.stream().filter(name -> !looksLikeCredential(name))
                .collect(Collectors.toUnmodifiableList());
        this.ignoredHeaderNames = configuredHeaderNames.stream().filter(RequestContextReader::looksLikeCredential)
                .collect(Collectors.toUnmodifiableList());
        this.maxBytes = maxBytes;
        this.warnings = warnings;
    }

    /** Configured header names left out because they look like credentials, for the start-up log. */
    List<String> ignoredHeaderNames() {
        return ignoredHeaderNames;
    }

    /** Whether a header name looks like a credential: it is one, or has a credential word in it. */
    static boolean looksLikeCredential(String headerName) {
        String lower = headerName.toLowerCase(Locale.ROOT);
        return CREDENTIAL_NAMES.contains(lower) || CREDENTIAL_PARTS.stream().anyMatch(lower::contains);
    }

    /** Whether a key of the value's context is the name of a credential field. */
    static boolean isCredentialName(String key) {
        return CREDENTIAL_NAMES.contains(key.toLowerCase(Locale.ROOT));
    }

    /**
     * The context of a request with these headers and value fields ({@code fields} null when the value could not be
     * read): what is valid of it, and what is wrong with the rest. Headers over the limit are left out, not wrong.
     */
    RequestContext read(Headers headers, RunRequestParser.Fields fields) {
        Map<String, String> context = new LinkedHashMap<>();
        if (maxBytes == 0) {
            return new RequestContext(context, null);
        }
        List<String> problems = new ArrayList<>();
        for (String name : headerNames) {
            Header header = headers.lastWithName(name);
            if (header == null || header.value() == null) {
                continue;
            }
            try {
                context.put(name, text(header));
            } catch (DataException e) {
                problems.add("request header '" + name + "' cannot be read as a string ("
                        + header.value().getClass().getSimpleName() + ")");
            } catch (CharacterCodingException e) {
                problems.add("request header '" + name + "' is not UTF-8 text");
            }
        }
        fitHeaders(context);
        if (fields != null) {
            try {
                fields.context().ifPresent(body -> addBody(context, body));
            } catch (InvalidRequestException e) {
                problems.add(e.getMessage());
            }
        }
        return new RequestContext(context, problems.isEmpty() ? null : String.join("; ", problems));
    }

    /**
     * A header's value as text: bytes (from a header converter that passes them through) as the UTF-8 text a client
     * sent, never Connect's base64 form of bytes; anything else in Connect's text form.
     */
    private static String text(Header header) throws CharacterCodingException {
        Object value = header.value();
        if (value instanceof byte[]) {
            value = ByteBuffer.wrap((byte[]) value);
        }
        if (value instanceof ByteBuffer) {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(((ByteBuffer) value).duplicate())
                    .toString();
        }
        return Values.convertToString(header.schema(), value);
    }

    /**
     * Leaves headers out until the rest fits: tracestate first, then the others from the last configured, the
     * traceparent last. A request is not failed for its headers: they are often set by a library, not by its sender.
     */
    private void fitHeaders(Map<String, String> context) {
        int bytes = LedgerEntry.contextBytes(context);
        if (bytes <= maxBytes) {
            return;
        }
        List<String> order = new ArrayList<>(context.keySet());
        Collections.reverse(order);
        order.sort(Comparator.comparingInt(name -> TRACESTATE.equals(name) ? 0 : TRACEPARENT.equals(name) ? 2 : 1));
        List<String> leftOut = new ArrayList<>();
        for (Iterator<String> it = order.iterator(); it.hasNext() && LedgerEntry.contextBytes(context) > maxBytes; ) {
            String name = it.next();
            context.remove(name);
            leftOut.add(name);
        }
        warnings.warn("context headers over the limit", "Request headers carried as context took {} bytes, more"
                + " than {} ({}): left out {}", bytes, DataSourceRunSinkConfig.CONTEXT_MAX_BYTES, maxBytes, leftOut);
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
        Map<String, String> whole = new LinkedHashMap<>(context);
        whole.putAll(body);
        int total = LedgerEntry.contextBytes(whole);
        if (total > maxBytes) {
            throw new InvalidRequestException("the request's context takes " + total + " bytes as JSON, more than "
                    + DataSourceRunSinkConfig.CONTEXT_MAX_BYTES + " (" + maxBytes + ")");
        }
        context.putAll(body);
    }

    private static Optional<String> keyProblem(String key, Map<String, String> headerContext) {
        if (key.isEmpty()) {
            return Optional.of("is empty");
        }
        if (key.startsWith(EventHeaders.PREFIX)) {
            return Optional.of("starts with '" + EventHeaders.PREFIX + "', the prefix of the events' routing headers");
        }
        if (isCredentialName(key)) {
            return Optional.of("is the name of a credential, which is never carried to the events");
        }
        if (headerContext.containsKey(key)) {
            return Optional.of("is also a request header carried as context; name it once");
        }
        return Optional.empty();
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
