package io.kcdatazone.datazone;

import static io.kcdatazone.datazone.TestConnections.ACCESS_KEY;
import static io.kcdatazone.datazone.TestConnections.SECRETS;
import static io.kcdatazone.datazone.TestConnections.SESSION_TOKEN;
import static io.kcdatazone.datazone.TestConnections.config;
import static io.kcdatazone.datazone.TestConnections.staticKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static software.amazon.awssdk.services.datazone.model.DataSourceErrorType.ACCESS_DENIED_EXCEPTION;
import static software.amazon.awssdk.services.datazone.model.DataSourceErrorType.CONFLICT_EXCEPTION;
import static software.amazon.awssdk.services.datazone.model.DataSourceErrorType.INTERNAL_SERVER_EXCEPTION;
import static software.amazon.awssdk.services.datazone.model.DataSourceErrorType.RESOURCE_NOT_FOUND_EXCEPTION;
import static software.amazon.awssdk.services.datazone.model.DataSourceErrorType.SERVICE_QUOTA_EXCEEDED_EXCEPTION;
import static software.amazon.awssdk.services.datazone.model.DataSourceErrorType.THROTTLING_EXCEPTION;
import static software.amazon.awssdk.services.datazone.model.DataSourceErrorType.VALIDATION_EXCEPTION;

import io.kcdatazone.datazone.DataZoneFailure.Category;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.datazone.model.DataSourceErrorType;

/**
 * Every row of the classification table, produced by the real SDK client from DataZone's wire format (the SDK makes
 * a single attempt here, so each scripted answer reaches the classifier as it is).
 */
class DataZoneErrorClassifierTest {

    private static ScriptedHttpServer dataZone;
    private static DataZoneClients clients;

    @BeforeAll
    static void start() throws IOException {
        dataZone = Stubs.dataZone();
        clients = DataZoneClients.open(config(staticKeys(dataZone,
                "aws.session.token", SESSION_TOKEN,
                "datazone.sdk.max.attempts", "1")), "classifier-test");
    }

    @BeforeEach
    void forgetEarlierScripts() {
        dataZone.reset();
    }

    @AfterAll
    static void stop() {
        clients.close();
        dataZone.close();
    }

    static Stream<Arguments> serviceErrors() {
        return Stream.of(
                row(429, "ThrottlingException", Category.RETRIABLE, true, THROTTLING_EXCEPTION),
                row(400, "ThrottlingException", Category.RETRIABLE, true, THROTTLING_EXCEPTION),
                row(429, null, Category.RETRIABLE, true, THROTTLING_EXCEPTION),
                row(500, "InternalServerException", Category.RETRIABLE, false, INTERNAL_SERVER_EXCEPTION),
                row(502, null, Category.RETRIABLE, false, INTERNAL_SERVER_EXCEPTION),
                row(503, "ServiceUnavailable", Category.RETRIABLE, false, INTERNAL_SERVER_EXCEPTION),
                row(409, "ConflictException", Category.CONFLICT, false, CONFLICT_EXCEPTION),
                row(500, "ConflictException", Category.CONFLICT, false, CONFLICT_EXCEPTION),
                row(409, null, Category.CONFLICT, false, CONFLICT_EXCEPTION),
                row(400, "ValidationException", Category.PERMANENT, false, VALIDATION_EXCEPTION),
                row(403, "AccessDeniedException", Category.PERMANENT, false, ACCESS_DENIED_EXCEPTION),
                row(401, "UnauthorizedException", Category.PERMANENT, false, ACCESS_DENIED_EXCEPTION),
                row(403, "UnrecognizedClientException", Category.PERMANENT, false, ACCESS_DENIED_EXCEPTION),
                row(404, "ResourceNotFoundException", Category.PERMANENT, false, RESOURCE_NOT_FOUND_EXCEPTION),
                row(404, null, Category.PERMANENT, false, RESOURCE_NOT_FOUND_EXCEPTION),
                row(402, "ServiceQuotaExceededException", Category.PERMANENT, false, SERVICE_QUOTA_EXCEEDED_EXCEPTION),
                row(400, null, Category.PERMANENT, false, VALIDATION_EXCEPTION),
                row(418, "SomethingElseException", Category.PERMANENT, false, VALIDATION_EXCEPTION));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serviceErrors")
    void classifiesServiceErrorsFromTheWire(int status, String errorType, Category category, boolean throttled,
                                            DataSourceErrorType dataSourceErrorType) {
        String requestId = "req-" + status + "-" + errorType;
        dataZone.script(ScriptedHttpServer.dataZoneError(status, errorType, "what DataZone says", requestId));

        Throwable thrown = catchThrowable(() -> clients.async().startDataSourceRun(Stubs.startRequest()).join());
        DataZoneFailure failure = clients.errorClassifier().classify(thrown);

        assertThat(thrown).isInstanceOf(CompletionException.class);
        assertThat(failure.category()).isEqualTo(category);
        assertThat(failure.isThrottled()).isEqualTo(throttled);
        assertThat(failure.errorType()).isEqualTo(dataSourceErrorType);
        assertThat(failure.errorTypeName()).isEqualTo(dataSourceErrorType.toString());
        assertThat(failure.httpStatus()).hasValue(status);
        assertThat(failure.requestId()).contains(requestId);
        assertThat(failure.errorCode()).isEqualTo(Optional.ofNullable(errorType));
        assertThat(failure.detail()).isEqualTo("what DataZone says");
    }

    @Test
    void errorWithoutMessageIsDescribedByStatusAndCode() {
        dataZone.script(ScriptedHttpServer.json(409, "{}", "x-amzn-ErrorType", "ConflictException"));

        DataZoneFailure failure = classifySyncCall();

        assertThat(failure.isConflict()).isTrue();
        assertThat(failure.detail()).isEqualTo("DataZone answered HTTP 409 with error code ConflictException");
    }

    @Test
    void syncCallFailuresNeedNoUnwrapping() {
        dataZone.script(ScriptedHttpServer.dataZoneError(404, "ResourceNotFoundException", "no such run", "r-1"));

        DataZoneFailure failure = classifySyncCall();

        assertThat(failure.isNotFound()).isTrue();
        assertThat(failure.toString()).isEqualTo(
                "RESOURCE_NOT_FOUND_EXCEPTION (PERMANENT, HTTP 404, code ResourceNotFoundException, request id r-1)"
                        + ": no such run");
    }

    @Test
    void unwrapsExecutionException() {
        dataZone.script(ScriptedHttpServer.dataZoneError(429, "ThrottlingException", "Rate exceeded", "r-2"));

        Throwable thrown = catchThrowable(() -> clients.async().startDataSourceRun(Stubs.startRequest()).get());
        DataZoneFailure failure = clients.errorClassifier().classify(thrown);

        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(failure.isRetriable()).isTrue();
        assertThat(failure.isThrottled()).isTrue();
        assertThat(failure.requestId()).contains("r-2");
    }

    @Test
    void connectionClosedWithoutAnswerIsARetriableIoError() {
        dataZone.script(ScriptedHttpServer.closeConnection());

        Throwable thrown = catchThrowable(() -> clients.async().startDataSourceRun(Stubs.startRequest()).join());
        DataZoneFailure failure = clients.errorClassifier().classify(thrown);

        assertThat(thrown).hasCauseInstanceOf(SdkClientException.class).hasRootCauseInstanceOf(IOException.class);
        assertRetriableWithoutResponse(failure, "I/O error: ");
    }

    @Test
    void attemptTimeoutIsRetriable() throws IOException {
        try (ScriptedHttpServer hanging = Stubs.dataZone();
             DataZoneClients slow = DataZoneClients.open(config(staticKeys(hanging,
                     "datazone.sdk.max.attempts", "1",
                     "datazone.api.call.timeout.ms", "5000",
                     "datazone.api.call.attempt.timeout.ms", "300")), "classifier-test")) {
            hanging.script(hanging.hang());

            Throwable thrown = catchThrowable(() -> slow.async().startDataSourceRun(Stubs.startRequest()).join());
            DataZoneFailure failure = slow.errorClassifier().classify(thrown);

            assertThat(thrown).hasCauseInstanceOf(ApiCallAttemptTimeoutException.class);
            assertRetriableWithoutResponse(failure, "timed out: ");
        }
    }

    @Test
    void callTimeoutIsRetriable() throws IOException {
        // two attempts of 200 ms cannot fit into a 300 ms call
        try (ScriptedHttpServer hanging = Stubs.dataZone();
             DataZoneClients slow = DataZoneClients.open(config(staticKeys(hanging,
                     "datazone.sdk.max.attempts", "2",
                     "datazone.api.call.timeout.ms", "300",
                     "datazone.api.call.attempt.timeout.ms", "200")), "classifier-test")) {
            hanging.script(hanging.hang(), hanging.hang());

            Throwable thrown = catchThrowable(() -> slow.sync().startDataSourceRun(Stubs.startRequest()));
            DataZoneFailure failure = slow.errorClassifier().classify(thrown);

            assertThat(thrown).isInstanceOf(ApiCallTimeoutException.class);
            assertRetriableWithoutResponse(failure, "timed out: ");
            assertThat(failure.detail()).doesNotContain("SDK Attempt Count");
        }
    }

    @Test
    void ioErrorsAnywhereInTheCauseChainAreRetriable() {
        DataZoneFailure failure = clients.errorClassifier().classify(new CompletionException(
                SdkClientException.create("Unable to execute HTTP request",
                        new UncheckedIOException(new IOException("Connection reset")))));

        assertRetriableWithoutResponse(failure, "I/O error: Unable to execute HTTP request");
    }

    @Test
    void timeoutsAnywhereInTheCauseChainAreRetriable() {
        DataZoneFailure failure = clients.errorClassifier().classify(SdkClientException.create(
                "Unable to execute HTTP request: Acquire operation took longer than the configured maximum time",
                new TimeoutException("Acquire operation took longer than 10000 milliseconds")));

        assertRetriableWithoutResponse(failure, "timed out: Unable to execute HTTP request: Acquire operation");
    }

    @Test
    void credentialsThatCannotBeLoadedAreRetriableAndSaySo() {
        // The messages of the SDK's credentials providers (auth 2.40): the chain, system settings, IMDS, container.
        for (String message : List.of(
                "Unable to load credentials from any of the providers in the chain AwsCredentialsProviderChain("
                        + "credentialsProviders=[WebIdentityTokenFileCredentialsProvider(), InstanceProfile"
                        + "CredentialsProvider()]) : [Failed to load credentials from IMDS.]",
                "Unable to load credentials from system settings. Access key must be specified either via"
                        + " environment variable (AWS_ACCESS_KEY_ID) or system property (aws.accessKeyId).",
                "Failed to load credentials from IMDS.",
                "Unable to fetch credentials from container.")) {
            DataZoneFailure failure = clients.errorClassifier().classify(
                    new CompletionException(SdkClientException.create(message)));

            assertThat(failure.category()).as(message).isEqualTo(Category.RETRIABLE);
            assertThat(failure.isCredentialsUnavailable()).as(message).isTrue();
            assertThat(failure.errorTypeName()).as(message).isEqualTo("CREDENTIALS_UNAVAILABLE");
            assertThat(failure.detail()).as(message).startsWith("SdkClientException: " + message.substring(0, 20));
        }
    }

    @Test
    void otherUnknownClientSideErrorsAreRetriable() {
        DataZoneFailure failure = clients.errorClassifier().classify(new CompletionException(SdkClientException.create(
                "Unable to resolve the endpoint of the service")));

        assertRetriableWithoutResponse(failure, "SdkClientException: Unable to resolve the endpoint");
    }

    @Test
    void unreadableResponseIsPermanent() {
        dataZone.script(ScriptedHttpServer.json(200, "{\"id\":\"run\",\"createdAt\":\"2024-05-01 12:00:00\"}"));

        DataZoneFailure failure = classifySyncCall();

        assertThat(failure.category()).isEqualTo(Category.PERMANENT);
        assertThat(failure.errorType()).isEqualTo(DataSourceErrorType.INTERNAL_SERVER_EXCEPTION);
        assertThat(failure.httpStatus()).isEmpty();
        assertThat(failure.detail()).startsWith("SdkClientException: Unable to unmarshall response");
    }

    @Test
    void unknownFailuresArePermanent() {
        DataZoneFailure failure = clients.errorClassifier().classify(
                new CompletionException(new IllegalStateException("bug")));

        assertThat(failure.category()).isEqualTo(Category.PERMANENT);
        assertThat(failure.errorType()).isEqualTo(DataSourceErrorType.INTERNAL_SERVER_EXCEPTION);
        assertThat(failure.detail()).isEqualTo("IllegalStateException: bug");
    }

    @Test
    void detailMasksSecretsThatAnErrorMessageEchoes() {
        dataZone.script(ScriptedHttpServer.dataZoneError(403, "UnrecognizedClientException", request ->
                "The security token " + request.header("X-Amz-Security-Token") + " of "
                        + Stubs.signingAccessKeyId(request) + " is invalid"));

        Throwable thrown = catchThrowable(() -> clients.sync().startDataSourceRun(Stubs.startRequest()));
        DataZoneFailure failure = clients.errorClassifier().classify(thrown);

        assertThat(thrown.getMessage()).as("the SDK's own message echoes the secrets").contains(ACCESS_KEY);
        assertThat(failure.detail()).isEqualTo("The security token [hidden] of [hidden] is invalid");
        assertThat(failure.toString()).doesNotContain(SECRETS);
    }

    private DataZoneFailure classifySyncCall() {
        return clients.errorClassifier().classify(
                catchThrowable(() -> clients.sync().startDataSourceRun(Stubs.startRequest())));
    }

    private static void assertRetriableWithoutResponse(DataZoneFailure failure, String detailPrefix) {
        assertThat(failure.category()).isEqualTo(Category.RETRIABLE);
        assertThat(failure.isThrottled()).isFalse();
        assertThat(failure.errorType()).isEqualTo(DataSourceErrorType.INTERNAL_SERVER_EXCEPTION);
        assertThat(failure.httpStatus()).isEmpty();
        assertThat(failure.requestId()).isEmpty();
        assertThat(failure.detail()).startsWith(detailPrefix);
    }

    private static Arguments row(int status, String errorType, Category category, boolean throttled,
                                 DataSourceErrorType type) {
        return Arguments.of(status, errorType, category, throttled, type);
    }
}
