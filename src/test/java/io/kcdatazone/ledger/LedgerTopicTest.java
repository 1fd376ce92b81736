package io.kcdatazone.ledger;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

/** A ledger whose brokers do not answer fails the check within its bound, saying what to check and do. */
class LedgerTopicTest {

    @Test
    void unreachableBrokersFailTheCheckWithAMessageThatSaysWhatToDo() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        LedgerConfig ledger = LedgerConfig.from(new AbstractConfig(LedgerConfig.define(new ConfigDef()),
                Map.of("ledger.bootstrap.servers", "127.0.0.1:" + closedPort)));

        try (Admin admin = Admin.create(ledger.adminProps("unreachable-ledger-check"))) {
            assertThatThrownBy(() -> new LedgerTopic(admin, ledger, Duration.ofSeconds(2)).ensureExists())
                    .isInstanceOf(ConnectException.class)
                    .hasMessageContaining("No broker of the ledger answered within 2 s describing the ledger topic"
                            + " 'datazone-run-ledger'")
                    .hasMessageContaining("ledger.bootstrap.servers")
                    .hasMessageContaining("restart the connector");
        }
    }
}
