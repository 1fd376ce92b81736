package io.kcdatazone.ledger;

import java.util.Collections;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the ledger topic when it is missing, with the settings of {@link LedgerConfig#newTopic()}. */
public final class LedgerTopic {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerTopic.class);
    private static final long TIMEOUT_SECONDS = 60;

    private LedgerTopic() {
    }

    public static void ensureExists(LedgerConfig config, String clientId) {
        try (Admin admin = Admin.create(config.adminProps(clientId))) {
            admin.createTopics(Collections.singleton(config.newTopic())).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("Created ledger topic {}", config.topic());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                LOG.debug("Ledger topic {} exists", config.topic());
                return;
            }
            throw new ConnectException("Cannot create the ledger topic '" + config.topic() + "' (check "
                    + LedgerConfig.BOOTSTRAP_SERVERS + " and the principal's CREATE permission, or create it"
                    + " yourself): " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new ConnectException("Timed out after " + TIMEOUT_SECONDS + " s creating the ledger topic '"
                    + config.topic() + "'; is " + LedgerConfig.BOOTSTRAP_SERVERS + " reachable?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while creating the ledger topic", e);
        }
    }
}
