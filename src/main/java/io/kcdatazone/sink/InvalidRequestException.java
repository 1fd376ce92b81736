package io.kcdatazone.sink;

/**
 * A request record that cannot become a StartDataSourceRun call: no usable key, an unparseable value, or ids that break
 * DataZone's patterns. Its message names the problem and ends up in the RUN_START_FAILED event (error type
 * {@code VALIDATION_EXCEPTION}) and, when configured, in the dead letter queue's headers.
 */
public class InvalidRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
