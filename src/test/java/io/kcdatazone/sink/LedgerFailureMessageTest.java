package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.SecretRedactor;
import java.util.List;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

/** The error a sink task fails with when the ledger refuses an outcome for good, as Connect's REST status shows it. */
class LedgerFailureMessageTest {

    /** A secret of the ledger clients' settings, such as the password in ledger.kafka.sasl.jaas.config. */
    private static final String SECRET = "ledger-sasl-s3cr3t";

    @Test
    void theMessageAndTheTraceMaskTheLedgerClientsSecrets() {
        SaslAuthenticationException producerError =
                new SaslAuthenticationException("Authentication failed for password " + SECRET);

        ConnectException failure = DataSourceRunSinkTask.ledgerBroken("ledger", producerError,
                SecretRedactor.of(List.of(SECRET)));

        assertThat(failure.getMessage()).contains("ledger topic 'ledger'")
                .contains("SaslAuthenticationException: Authentication failed for password [hidden]")
                .doesNotContain(SECRET);
        // Connect's REST status shows the whole stack trace, causes included.
        for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
            assertThat(t.getMessage()).doesNotContain(SECRET);
        }
    }
}
