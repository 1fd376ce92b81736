package io.kcdatazone.datazone;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awssdk.services.datazone.model.StartDataSourceRunRequest;

/**
 * Canned DataZone and STS stand-ins for the client-layer tests (and the STS of the end-to-end secret scan), and readers
 * for what the client sent them.
 */
public final class Stubs {

    static final String DOMAIN_ID = "dzd_6ri3ojm2aq7cl3";
    static final String DATA_SOURCE_ID = "4cwzmlddk64enb";
    static final String RUN_ID = "bkcr3d9rgkqnav";

    /** StartDataSourceRun's success answer, as datazone-api.md section 11.1 shows it. */
    static final String START_RUN_RESPONSE = "{\"createdAt\":\"2025-11-25T12:01:59.412Z\","
            + "\"dataSourceConfigurationSnapshot\":\"{}\",\"dataSourceId\":\"" + DATA_SOURCE_ID + "\","
            + "\"domainId\":\"" + DOMAIN_ID + "\",\"id\":\"" + RUN_ID + "\",\"projectId\":\"5iw2c3cnd0kltj\","
            + "\"status\":\"REQUESTED\",\"type\":\"PRIORITIZED\",\"updatedAt\":\"2025-11-25T12:01:59.412Z\"}";

    public static final String ASSUMED_ACCESS_KEY_ID = "ASIAASSUMEDROLEKEY";
    public static final String ASSUMED_SECRET_ACCESS_KEY = "assumed-role-secret-should-not-leak";
    public static final String ASSUMED_SESSION_TOKEN = "assumed-role-token-should-not-leak";

    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/\\d{8}/([^/]+)/([^/]+)/");

    private Stubs() {
    }

    /** StartDataSourceRun for the stub's data source, with an explicit client token as the sink sends it. */
    static StartDataSourceRunRequest startRequest() {
        return StartDataSourceRunRequest.builder()
                .domainIdentifier(DOMAIN_ID)
                .dataSourceIdentifier(DATA_SOURCE_ID)
                .clientToken("request-1")
                .build();
    }

    /** DataZone answering every request with a started run unless scripted otherwise. */
    static ScriptedHttpServer dataZone() throws IOException {
        return new ScriptedHttpServer(ScriptedHttpServer.json(200, START_RUN_RESPONSE));
    }

    /** STS answering every AssumeRole (AWS query protocol) with the ASSUMED_* credentials, valid for an hour. */
    public static ScriptedHttpServer sts() throws IOException {
        return new ScriptedHttpServer(assumeRoleResponse());
    }

    static ScriptedHttpServer.Reply assumeRoleResponse() {
        return assumeRoleResponse(Instant.now().plus(1, ChronoUnit.HOURS));
    }

    /** STS answering each AssumeRole with credentials that expire {@code validFor} after that request. */
    public static ScriptedHttpServer.Reply expiringAssumeRoleResponses(java.time.Duration validFor) {
        return (exchange, request) -> assumeRoleResponse(Instant.now().plus(validFor)).send(exchange, request);
    }

    private static ScriptedHttpServer.Reply assumeRoleResponse(Instant expiresAt) {
        String expiration = expiresAt.truncatedTo(ChronoUnit.SECONDS).toString();
        return ScriptedHttpServer.text(200, "text/xml",
                "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                        + "<AssumeRoleResult>"
                        + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/datazone/session</Arn>"
                        + "<AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId></AssumedRoleUser>"
                        + "<Credentials>"
                        + "<AccessKeyId>" + ASSUMED_ACCESS_KEY_ID + "</AccessKeyId>"
                        + "<SecretAccessKey>" + ASSUMED_SECRET_ACCESS_KEY + "</SecretAccessKey>"
                        + "<SessionToken>" + ASSUMED_SESSION_TOKEN + "</SessionToken>"
                        + "<Expiration>" + expiration + "</Expiration>"
                        + "</Credentials>"
                        + "</AssumeRoleResult>"
                        + "<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>"
                        + "</ResponseMetadata>"
                        + "</AssumeRoleResponse>");
    }

    /** An STS error in the AWS query protocol's XML shape. */
    public static ScriptedHttpServer.Reply stsError(int status, String code, String message) {
        return ScriptedHttpServer.text(status, "text/xml",
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                        + "<Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message + "</Message></Error>"
                        + "<RequestId>4f9b2b4a-0000-0000-0000-000000000000</RequestId>"
                        + "</ErrorResponse>");
    }

    /** The access key id a request was signed with (SigV4 Authorization header). */
    static String signingAccessKeyId(ScriptedHttpServer.Request request) {
        return credentialScope(request).group(1);
    }

    /** The region a request was signed for. */
    static String signingRegion(ScriptedHttpServer.Request request) {
        return credentialScope(request).group(2);
    }

    /** The form parameters of an AWS query protocol request body. */
    public static Map<String, String> formParameters(ScriptedHttpServer.Request request) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : request.body().split("&")) {
            int eq = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static Matcher credentialScope(ScriptedHttpServer.Request request) {
        Matcher matcher = CREDENTIAL.matcher(request.header("Authorization"));
        if (!matcher.find()) {
            throw new AssertionError("request is not SigV4-signed: " + request.path());
        }
        return matcher;
    }
}
