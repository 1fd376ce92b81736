package io.kcdatazone.datazone;

import io.kcdatazone.datazone.DataZoneFailure.Category;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.NonRetryableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.datazone.model.AccessDeniedException;
import software.amazon.awssdk.services.datazone.model.ConflictException;
import software.amazon.awssdk.services.datazone.model.DataSourceErrorType;
import software.amazon.awssdk.services.datazone.model.InternalServerException;
import software.amazon.awssdk.services.datazone.model.ResourceNotFoundException;
import software.amazon.awssdk.services.datazone.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.datazone.model.ThrottlingException;
import software.amazon.awssdk.services.datazone.model.UnauthorizedException;
import software.amazon.awssdk.services.datazone.model.ValidationException;

/**
 * Classifies every failure of a DataZone call once, so that the sink and the source decide alike. Wrappers from
 * asynchronous calls ({@link CompletionException}, {@link ExecutionException}) are removed first.
 *
 * <table>
 *   <caption>Failure to category and DataZone {@code DataSourceErrorType}</caption>
 *   <tr><th>Failure</th><th>Category</th><th>Error type</th></tr>
 *   <tr><td>ThrottlingException, or any HTTP 429 / throttling error code (marked throttled)</td>
 *       <td>RETRIABLE</td><td>THROTTLING_EXCEPTION</td></tr>
 *   <tr><td>InternalServerException, any other HTTP 5xx</td><td>RETRIABLE</td><td>INTERNAL_SERVER_EXCEPTION</td></tr>
 *   <tr><td>ApiCallTimeoutException, ApiCallAttemptTimeoutException, a {@link TimeoutException} in the cause chain
 *       (e.g. no pooled connection became free in time)</td><td>RETRIABLE</td><td>INTERNAL_SERVER_EXCEPTION</td></tr>
 *   <tr><td>I/O error (an {@link IOException} in the cause chain)</td><td>RETRIABLE</td>
 *       <td>INTERNAL_SERVER_EXCEPTION</td></tr>
 *   <tr><td>the credentials could not be loaded (an {@link SdkClientException} of the SDK's credentials providers:
 *       "Unable to load credentials ...", "Failed to load credentials ...", "Unable to fetch credentials ...")</td>
 *       <td>RETRIABLE</td><td>INTERNAL_SERVER_EXCEPTION, named {@value DataZoneFailure#CREDENTIALS_UNAVAILABLE} (ours,
 *       not a DataZone type) on the wire</td></tr>
 *   <tr><td>any other client-side SDK error ({@link SdkClientException}, e.g. the credentials chain failing for a
 *       moment), but an unreadable answer and {@link NonRetryableException}</td><td>RETRIABLE</td>
 *       <td>INTERNAL_SERVER_EXCEPTION</td></tr>
 *   <tr><td>ConflictException, any other HTTP 409</td><td>CONFLICT</td><td>CONFLICT_EXCEPTION</td></tr>
 *   <tr><td>ValidationException, any other HTTP 400</td><td>PERMANENT</td><td>VALIDATION_EXCEPTION</td></tr>
 *   <tr><td>AccessDeniedException, UnauthorizedException, any other HTTP 401 / 403</td><td>PERMANENT</td>
 *       <td>ACCESS_DENIED_EXCEPTION</td></tr>
 *   <tr><td>ResourceNotFoundException, any other HTTP 404</td><td>PERMANENT</td>
 *       <td>RESOURCE_NOT_FOUND_EXCEPTION</td></tr>
 *   <tr><td>ServiceQuotaExceededException, any other HTTP 402</td><td>PERMANENT</td>
 *       <td>SERVICE_QUOTA_EXCEEDED_EXCEPTION</td></tr>
 *   <tr><td>any other HTTP 4xx</td><td>PERMANENT</td><td>VALIDATION_EXCEPTION</td></tr>
 *   <tr><td>anything else (an answer the SDK could not read, unknown exception)</td><td>PERMANENT</td>
 *       <td>INTERNAL_SERVER_EXCEPTION</td></tr>
 * </table>
 *
 * <p>The exception class decides first, because the SDK picks the class from DataZone's error code; the HTTP status
 * decides only for errors DataZone's model does not declare. The detail is DataZone's own message without the SDK's
 * "(Service: ..., Request ID: ...)" suffixes (the request id is kept in its own field), with every configured secret
 * masked.
 */
public final class DataZoneErrorClassifier {

    private static final Pattern SDK_NOISE =
            Pattern.compile("\\s*\\((Service: [^)]*|SDK Attempt Count: \\d+)\\)");
    private static final int MAX_CAUSE_DEPTH = 16;
    /** How the SDK's message begins when it could not read DataZone's answer. */
    private static final String UNREADABLE_RESPONSE = "Unable to unmarshall response";
    /** How the messages of the SDK's credentials providers begin when they have no credentials to give (auth 2.x). */
    private static final Pattern NO_CREDENTIALS =
            Pattern.compile("^(Unable to load|Failed to load|Unable to fetch) credentials\\b");

    private final SecretRedactor redactor;

    /** @param redactor masks the secrets of the connection whose failures are classified */
    public DataZoneErrorClassifier(SecretRedactor redactor) {
        this.redactor = redactor;
    }

    /** The classification of {@code failure}, as thrown or completed exceptionally by a DataZone client call. */
    public DataZoneFailure classify(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof SdkServiceException) {
            return serviceFailure((SdkServiceException) cause);
        }
        if (cause instanceof ApiCallTimeoutException || cause instanceof ApiCallAttemptTimeoutException
                || causedBy(cause, TimeoutException.class)) {
            return failure(Category.RETRIABLE, DataSourceErrorType.INTERNAL_SERVER_EXCEPTION, false, null, null, null,
                    "timed out: " + message(cause));
        }
        if (causedBy(cause, IOException.class) || causedBy(cause, UncheckedIOException.class)) {
            return failure(Category.RETRIABLE, DataSourceErrorType.INTERNAL_SERVER_EXCEPTION, false, null, null, null,
                    "I/O error: " + message(cause));
        }
        if (isRetriableClientError(cause)) {
            boolean noCredentials = NO_CREDENTIALS.matcher(String.valueOf(cause.getMessage())).find();
            return failure(Category.RETRIABLE, DataSourceErrorType.INTERNAL_SERVER_EXCEPTION, noCredentials, null, null,
                    null, cause.getClass().getSimpleName() + ": " + message(cause));
        }
        return failure(Category.PERMANENT, DataSourceErrorType.INTERNAL_SERVER_EXCEPTION, false, null, null, null,
                cause.getClass().getSimpleName() + ": " + message(cause));
    }

    /**
     * A client-side SDK error before DataZone answered, e.g. the credentials chain failing for a moment (STS or the
     * instance metadata service not answering): the same call may well succeed later, and retrying is harmless because
     * the client token makes it idempotent. Excluded: errors the SDK itself marks as not retryable, and an answer the
     * SDK could not read (the same call would get the same unreadable answer).
     */
    private static boolean isRetriableClientError(Throwable cause) {
        return cause instanceof SdkClientException && !(cause instanceof NonRetryableException)
                && !String.valueOf(cause.getMessage()).startsWith(UNREADABLE_RESPONSE);
    }

    private DataZoneFailure serviceFailure(SdkServiceException e) {
        int status = e.statusCode();
        AwsErrorDetails details = e instanceof AwsServiceException ? ((AwsServiceException) e).awsErrorDetails() : null;
        String errorCode = details == null ? null : details.errorCode();
        String serviceMessage = details == null ? null : details.errorMessage();
        String detail = serviceMessage != null ? serviceMessage
                : "DataZone answered HTTP " + status + (errorCode == null ? "" : " with error code " + errorCode);

        Category category;
        DataSourceErrorType type;
        if (e instanceof ThrottlingException || e.isThrottlingException()) {
            category = Category.RETRIABLE;
            type = DataSourceErrorType.THROTTLING_EXCEPTION;
        } else if (e instanceof InternalServerException) {
            category = Category.RETRIABLE;
            type = DataSourceErrorType.INTERNAL_SERVER_EXCEPTION;
        } else if (e instanceof ConflictException) {
            category = Category.CONFLICT;
            type = DataSourceErrorType.CONFLICT_EXCEPTION;
        } else if (e instanceof ValidationException) {
            category = Category.PERMANENT;
            type = DataSourceErrorType.VALIDATION_EXCEPTION;
        } else if (e instanceof AccessDeniedException || e instanceof UnauthorizedException) {
            category = Category.PERMANENT;
            type = DataSourceErrorType.ACCESS_DENIED_EXCEPTION;
        } else if (e instanceof ResourceNotFoundException) {
            category = Category.PERMANENT;
            type = DataSourceErrorType.RESOURCE_NOT_FOUND_EXCEPTION;
        } else if (e instanceof ServiceQuotaExceededException) {
            category = Category.PERMANENT;
            type = DataSourceErrorType.SERVICE_QUOTA_EXCEEDED_EXCEPTION;
        } else if (status >= 500) {
            category = Category.RETRIABLE;
            type = DataSourceErrorType.INTERNAL_SERVER_EXCEPTION;
        } else if (status == 409) {
            category = Category.CONFLICT;
            type = DataSourceErrorType.CONFLICT_EXCEPTION;
        } else {
            category = Category.PERMANENT;
            type = typeOfClientStatus(status);
        }
        return failure(category, type, false, status > 0 ? status : null, e.requestId(), errorCode, detail);
    }

    private static DataSourceErrorType typeOfClientStatus(int status) {
        switch (status) {
            case 401:
            case 403:
                return DataSourceErrorType.ACCESS_DENIED_EXCEPTION;
            case 402:
                return DataSourceErrorType.SERVICE_QUOTA_EXCEEDED_EXCEPTION;
            case 404:
                return DataSourceErrorType.RESOURCE_NOT_FOUND_EXCEPTION;
            default:
                return status >= 400 ? DataSourceErrorType.VALIDATION_EXCEPTION
                        : DataSourceErrorType.INTERNAL_SERVER_EXCEPTION;
        }
    }

    private DataZoneFailure failure(Category category, DataSourceErrorType type, boolean credentialsUnavailable,
                                    Integer status, String requestId, String errorCode, String detail) {
        return new DataZoneFailure(category, type, credentialsUnavailable, status, requestId, errorCode,
                redactor.redact(detail));
    }

    /** The failure inside the wrappers that asynchronous code adds ({@link CompletionException} and the like). */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String message(Throwable t) {
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : SDK_NOISE.matcher(message).replaceAll("");
    }
}
