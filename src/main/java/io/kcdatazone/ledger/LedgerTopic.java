package io.kcdatazone.ledger;

import java.util.Collections;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger topic as the connectors see it through an {@link Admin} client of {@link LedgerConfig#adminProps}:
 * created when missing, with the settings of {@link LedgerConfig#newTopic()}, and its partition count.
 */
public final class LedgerTopic {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerTopic.class);
    private static final long TIMEOUT_SECONDS = 60;

    private final Admin admin;
    private final LedgerConfig config;

    public LedgerTopic(Admin admin, LedgerConfig config) {
        this.admin = admin;
        this.config = config;
    }

    /** Opens an Admin client of its own for one check, for callers that need the topic only once. */
    public static void ensureExists(LedgerConfig config, String clientId) {
        try (Admin admin = Admin.create(config.adminProps(clientId))) {
            new LedgerTopic(admin, config).ensureExists();
        }
    }

    /** Creates the topic unless it exists. */
    public void ensureExists() {
        try {
            await(admin.createTopics(Collections.singleton(config.newTopic())).all(), "creating");
            LOG.info("Created ledger topic {}", config.topic());
        } catch (ConnectException e) {
            if (e.getCause() instanceof TopicExistsException) {
                LOG.debug("Ledger topic {} exists", config.topic());
                return;
            }
            throw new ConnectException(e.getMessage() + " (check " + LedgerConfig.BOOTSTRAP_SERVERS
                    + " and the principal's CREATE permission, or create the topic yourself)", e.getCause());
        }
    }

    /** The number of partitions the topic has now. */
    public int partitionCount() {
        return await(admin.describeTopics(Collections.singleton(config.topic())).allTopicNames(), "describing")
                .get(config.topic()).partitions().size();
    }

    private <T> T await(KafkaFuture<T> future, String action) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new ConnectException("Failed " + action + " the ledger topic '" + config.topic() + "': "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new ConnectException("Timed out after " + TIMEOUT_SECONDS + " s " + action + " the ledger topic '"
                    + config.topic() + "'; is " + LedgerConfig.BOOTSTRAP_SERVERS + " reachable?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while " + action + " the ledger topic '" + config.topic() + "'",
                    e);
        }
    }
}
