package io.kcdatazone.datazone;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.services.datazone.model.DataSourceErrorType;

/**
 * A failed DataZone call, classified once by {@link DataZoneErrorClassifier}: what to do about it ({@link Category}),
 * DataZone's own {@link DataSourceErrorType} for it, and what DataZone said. Holds no exception, so it can be logged,
 * stored in the ledger and put into events without carrying an SDK message that was not redacted. Callers decide on
 * the typed error and its predicates; only {@link #errorTypeName()} goes on the wire.
 */
public final class DataZoneFailure {

    /** What a caller should do with a failed call. */
    public enum Category {
        /** Transient (throttling, server error, I/O, timeout): the same call may succeed later. */
        RETRIABLE,
        /** DataZone refused because of conflicting state (e.g. a run of that data source is in progress). */
        CONFLICT,
        /** Repeating the call cannot help (invalid request, access denied, not found, quota exhausted, unknown). */
        PERMANENT
    }

    /**
     * The wire name of a call that failed because the credentials could not be loaded (ours, not a DataZone type):
     * retried like any client-side error, but a request that gives up says what was missing rather than blaming
     * DataZone.
     */
    public static final String CREDENTIALS_UNAVAILABLE = "CREDENTIALS_UNAVAILABLE";

    private final Category category;
    private final DataSourceErrorType errorType;
    private final boolean credentialsUnavailable;
    private final Integer httpStatus;
    private final String requestId;
    private final String errorCode;
    private final String detail;

    DataZoneFailure(Category category, DataSourceErrorType errorType, boolean credentialsUnavailable,
                    Integer httpStatus, String requestId, String errorCode, String detail) {
        this.category = Objects.requireNonNull(category, "category");
        this.errorType = Objects.requireNonNull(errorType, "errorType");
        this.credentialsUnavailable = credentialsUnavailable;
        this.httpStatus = httpStatus;
        this.requestId = requestId;
        this.errorCode = errorCode;
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    public Category category() {
        return category;
    }

    public boolean isRetriable() {
        return category == Category.RETRIABLE;
    }

    public boolean isConflict() {
        return category == Category.CONFLICT;
    }

    public boolean isPermanent() {
        return category == Category.PERMANENT;
    }

    /** True when DataZone throttled the call, so a caller can lower its request rate, not just retry. */
    public boolean isThrottled() {
        return errorType == DataSourceErrorType.THROTTLING_EXCEPTION;
    }

    /** True when DataZone does not know what the call named (HTTP 404). */
    public boolean isNotFound() {
        return errorType == DataSourceErrorType.RESOURCE_NOT_FOUND_EXCEPTION;
    }

    /** True when DataZone refused the caller's identity or permissions (HTTP 401, 403). */
    public boolean isAccessDenied() {
        return errorType == DataSourceErrorType.ACCESS_DENIED_EXCEPTION;
    }

    /** True when DataZone refused the request itself as invalid (HTTP 400 and other 4xx not named otherwise). */
    public boolean isValidationError() {
        return errorType == DataSourceErrorType.VALIDATION_EXCEPTION;
    }

    /** True when the call never went out: the credentials could not be loaded ({@value #CREDENTIALS_UNAVAILABLE}). */
    public boolean isCredentialsUnavailable() {
        return credentialsUnavailable;
    }

    /**
     * DataZone's {@link DataSourceErrorType} for the failure, e.g. {@code THROTTLING_EXCEPTION}. A call that failed on
     * our side before DataZone answered (I/O, timeout, credentials) is an {@code INTERNAL_SERVER_EXCEPTION}.
     */
    public DataSourceErrorType errorType() {
        return errorType;
    }

    /**
     * The error type as written to the ledger, events, logs and metric tags: the {@link DataSourceErrorType}'s name,
     * or {@value #CREDENTIALS_UNAVAILABLE}.
     */
    public String errorTypeName() {
        return credentialsUnavailable ? CREDENTIALS_UNAVAILABLE : errorType.toString();
    }

    /** The HTTP status DataZone answered with; empty when no response arrived (I/O error, timeout). */
    public OptionalInt httpStatus() {
        return httpStatus == null ? OptionalInt.empty() : OptionalInt.of(httpStatus);
    }

    /** DataZone's request id ({@code x-amzn-RequestId}), to find the call in CloudTrail or with AWS support. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** The error code DataZone sent (e.g. {@code ThrottlingException}), if any. */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** What went wrong, in DataZone's words where it gave some; never contains a configured secret. */
    public String detail() {
        return detail;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DataZoneFailure)) {
            return false;
        }
        DataZoneFailure that = (DataZoneFailure) o;
        return credentialsUnavailable == that.credentialsUnavailable
                && category == that.category
                && errorType == that.errorType
                && Objects.equals(httpStatus, that.httpStatus)
                && Objects.equals(requestId, that.requestId)
                && Objects.equals(errorCode, that.errorCode)
                && detail.equals(that.detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(category, errorType, credentialsUnavailable, httpStatus, requestId, errorCode, detail);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(errorTypeName()).append(" (").append(category);
        if (isThrottled()) {
            sb.append(", throttled");
        }
        if (httpStatus != null) {
            sb.append(", HTTP ").append(httpStatus);
        }
        if (errorCode != null) {
            sb.append(", code ").append(errorCode);
        }
        if (requestId != null) {
            sb.append(", request id ").append(requestId);
        }
        return sb.append("): ").append(detail).toString();
    }
}
