package io.kcdatazone.simulator;

/** A modelled DataZone error raised while handling a request; the HTTP layer renders it as an error response. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ServiceError error;

    ApiException(ServiceError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    ServiceError error() {
        return error;
    }

    static ApiException notFound(String message) {
        return new ApiException(ServiceError.RESOURCE_NOT_FOUND, message);
    }

    static ApiException validation(String message) {
        return new ApiException(ServiceError.VALIDATION, message);
    }

    static ApiException conflict(String message) {
        return new ApiException(ServiceError.CONFLICT, message);
    }
}
