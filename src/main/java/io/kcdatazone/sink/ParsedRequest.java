package io.kcdatazone.sink;

import io.kcdatazone.datazone.DataSourceRef;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A request record read as far as it goes: its client token and run request when both are valid; otherwise the
 * problems found and whatever could still be read (a valid value with a bad key still names its data source, so the
 * RUN_START_FAILED event lands with that data source's other events).
 */
final class ParsedRequest {

    private final String clientToken;
    private final DataSourceRef request;
    private final String problem;

    private ParsedRequest(String clientToken, DataSourceRef request, String problem) {
        this.clientToken = clientToken;
        this.request = request;
        this.problem = problem;
    }

    static ParsedRequest of(SinkRecord record, RunRequestParser parser) {
        String clientToken = null;
        DataSourceRef request = null;
        StringBuilder problems = new StringBuilder();
        try {
            clientToken = ClientTokens.fromKey(record.key());
        } catch (InvalidRequestException e) {
            problems.append(e.getMessage());
        }
        try {
            request = parser.parse(record.value());
        } catch (InvalidRequestException e) {
            problems.append(problems.length() > 0 ? "; " : "").append(e.getMessage());
        }
        return new ParsedRequest(clientToken, request, problems.length() > 0 ? problems.toString() : null);
    }

    /** The token, or null when the key has none. */
    String clientToken() {
        return clientToken;
    }

    /** The request, or null when the value is invalid. */
    DataSourceRef request() {
        return request;
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
