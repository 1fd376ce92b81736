package io.kcdatazone.simulator;

import java.util.Map;
import java.util.Optional;

/**
 * One call the simulator received for a known operation.
 *
 * @param operation the operation called
 * @param requestId the {@code x-amzn-RequestId} the call was answered with
 * @param labels the decoded path labels (e.g. {@code domainIdentifier})
 * @param clientToken the StartDataSourceRun client token, if the call carried one (not read for calls reset before
 *     handling)
 * @param httpStatus the status answered, or 0 when the connection was closed without an answer
 * @param errorType the {@code x-amzn-ErrorType} answered, if the call failed with a modelled error
 */
public record RecordedCall(Operation operation, String requestId, Map<String, String> labels,
        Optional<String> clientToken, int httpStatus, Optional<String> errorType) {

    /** Status recorded for a call whose connection was closed without an answer. */
    public static final int NO_RESPONSE = 0;
}
