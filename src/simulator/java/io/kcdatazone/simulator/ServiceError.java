package io.kcdatazone.simulator;

/**
 * The errors DataZone's service model declares for the simulated operations, with the HTTP status each one carries
 * on the wire. The short name is sent in {@code x-amzn-ErrorType}, which is what the AWS SDK maps to its exception
 * classes.
 */
public enum ServiceError {
    ACCESS_DENIED("AccessDeniedException", 403),
    CONFLICT("ConflictException", 409),
    INTERNAL_SERVER("InternalServerException", 500),
    RESOURCE_NOT_FOUND("ResourceNotFoundException", 404),
    // 402, not 429: the service model says so, and the SDK reports the status it receives.
    SERVICE_QUOTA_EXCEEDED("ServiceQuotaExceededException", 402),
    THROTTLING("ThrottlingException", 429),
    VALIDATION("ValidationException", 400),
    UNAUTHORIZED("UnauthorizedException", 401);

    private final String errorType;
    private final int httpStatus;

    ServiceError(String errorType, int httpStatus) {
        this.errorType = errorType;
        this.httpStatus = httpStatus;
    }

    /** The error's shape name, sent as {@code x-amzn-ErrorType}. */
    public String errorType() {
        return errorType;
    }

    /** The HTTP status the error is answered with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** A generic message, used when a fault is injected without one. */
    String defaultMessage() {
        return switch (this) {
            case ACCESS_DENIED -> "User is not authorized to perform this action";
            case CONFLICT -> "The request conflicts with the current state of the resource";
            case INTERNAL_SERVER -> "An internal error occurred";
            case RESOURCE_NOT_FOUND -> "The requested resource was not found";
            case SERVICE_QUOTA_EXCEEDED -> "Service quota exceeded";
            case THROTTLING -> "Rate exceeded";
            case VALIDATION -> "The request failed validation";
            case UNAUTHORIZED -> "The security token included in the request is invalid";
        };
    }
}
