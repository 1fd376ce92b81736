package io.kcdatazone.datazone;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A failed DataZone call, classified once by {@link DataZoneErrorClassifier}: what to do about it ({@link Category}),
 * DataZone's own {@code DataSourceErrorType} name for it, and what DataZone said. Holds no exception, so it can be
 * logged, stored in the ledger and put into events without carrying an SDK message that was not redacted.
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

    private final Category category;
    private final boolean throttled;
    private final String errorType;
    private final Integer httpStatus;
    private final String requestId;
    private final String errorCode;
    private final String detail;

    DataZoneFailure(Category category, boolean throttled, String errorType, Integer httpStatus, String requestId,
                    String errorCode, String detail) {
        this.category = Objects.requireNonNull(category, "category");
        this.throttled = throttled;
        this.errorType = Objects.requireNonNull(errorType, "errorType");
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
        return throttled;
    }

    /** DataZone's {@code DataSourceErrorType} name, e.g. {@code THROTTLING_EXCEPTION}. */
    public String errorType() {
        return errorType;
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
        return throttled == that.throttled
                && category == that.category
                && errorType.equals(that.errorType)
                && Objects.equals(httpStatus, that.httpStatus)
                && Objects.equals(requestId, that.requestId)
                && Objects.equals(errorCode, that.errorCode)
                && detail.equals(that.detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(category, throttled, errorType, httpStatus, requestId, errorCode, detail);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(errorType).append(" (").append(category);
        if (throttled) {
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
