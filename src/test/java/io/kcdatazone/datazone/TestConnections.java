package io.kcdatazone.datazone;

import io.kcdatazone.testkit.Settings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/** Connection settings for the client-layer tests, with secrets that are easy to spot if they ever leak. */
final class TestConnections {

    static final String ACCESS_KEY = "AKIASECRETSHOULDNOTLEAK";
    static final String SECRET_KEY = "secret-should-not-leak";
    static final String SESSION_TOKEN = "session-token-should-not-leak";
    static final String EXTERNAL_ID = "external-id-should-not-leak";
    static final List<String> SECRETS = List.of(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, EXTERNAL_ID,
            Stubs.ASSUMED_SECRET_ACCESS_KEY, Stubs.ASSUMED_SESSION_TOKEN);

    static final String REGION = "eu-west-1";
    static final String ROLE_ARN = "arn:aws:iam::123456789012:role/datazone-runs";

    private TestConnections() {
    }

    /** Region, endpoint, static keys and fast SDK settings; {@code overrides} replace or add (null removes). */
    static Map<String, String> staticKeys(ScriptedHttpServer dataZone, String... overrides) {
        Map<String, String> props = new HashMap<>();
        props.put("datazone.region", REGION);
        props.put("datazone.endpoint.override", dataZone.uri().toString());
        props.put("aws.access.key.id", ACCESS_KEY);
        props.put("aws.secret.access.key", SECRET_KEY);
        props.put("datazone.api.call.timeout.ms", "5000");
        props.put("datazone.api.call.attempt.timeout.ms", "2000");
        return Settings.with(props, overrides);
    }

    /** Like {@link #staticKeys} but without any credentials settings. */
    static Map<String, String> noCredentials(ScriptedHttpServer dataZone, String... overrides) {
        Map<String, String> props = staticKeys(dataZone, overrides);
        if (!List.of(overrides).contains("aws.access.key.id")) {
            props.remove("aws.access.key.id");
        }
        if (!List.of(overrides).contains("aws.secret.access.key")) {
            props.remove("aws.secret.access.key");
        }
        return props;
    }

    static DataZoneConnectionConfig config(Map<String, String> props) {
        return DataZoneConnectionConfig.from(new AbstractConfig(DataZoneConnectionConfig.define(new ConfigDef()), props));
    }
}
