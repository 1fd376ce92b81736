package io.kcdatazone.sink;

import io.kcdatazone.datazone.DataSourceRef;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A request record read as far as it goes: its client token and run request when both are valid; otherwise the
 * problems found and whatever could still be read (a valid value with a bad key still names its data source, so the
 * RUN_START_FAILED event lands with that data source's other events).
 */
final class ParsedRequest {

    private final String clientToken;
    private final DataSourceRef request;
    private final Map<String, String> context;
    private final String problem;

    private ParsedRequest(String clientToken, DataSourceRef request, Map<String, String> context, String problem) {
        this.clientToken = clientToken;
        this.request = request;
        this.context = context;
        this.problem = problem;
    }

    static ParsedRequest of(SinkRecord record, RunRequestParser parser, RequestContextReader contexts) {
        String clientToken = null;
        DataSourceRef request = null;
        RunRequestParser.Fields fields = null;
        StringBuilder problems = new StringBuilder();
        try {
            clientToken = ClientTokens.fromKey(record.key());
        } catch (InvalidRequestException e) {
            problems.append(e.getMessage());
        }
        try {
            fields = parser.fields(record.value());
            request = parser.dataSource(fields);
        } catch (InvalidRequestException e) {
            append(problems, e.getMessage());
        }
        RequestContextReader.RequestContext context = contexts.read(record.headers(), fields);
        if (context.problem() != null) {
            append(problems, context.problem());
        }
        return new ParsedRequest(clientToken, request, context.context(),
                problems.length() > 0 ? problems.toString() : null);
    }

    private static void append(StringBuilder problems, String problem) {
        problems.append(problems.length() > 0 ? "; " : "").append(problem);
    }

    /** The token, or null when the key has none. */
    String clientToken() {
        return clientToken;
    }

    /** The request, or null when the value is invalid. */
    DataSourceRef request() {
        return request;
    }

    /** The valid part of the request's context, empty when it has none. */
    Map<String, String> context() {
        return context;
    }

    /** What is wrong, or null when the request can be sent. */
    String problem() {
        return problem;
    }

    String domainId() {
        return request != null ? request.domainId() : null;
    }

    String dataSourceId() {
        return request != null ? request.dataSourceId() : null;
    }
}
