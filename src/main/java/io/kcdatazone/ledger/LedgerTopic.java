package io.kcdatazone.ledger;

import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger topic as the connectors see it through an {@link Admin} client of {@link LedgerConfig#adminProps}:
 * described first, created only when missing (with the settings of {@link LedgerConfig#newTopic}), and its partition
 * count.
 *
 * <p>Describing first is what lets a principal without CREATE run the connectors on a topic that exists (the ACLs
 * are in docs/security.md). Every call is bounded by {@link #CALL_TIMEOUT}: connector start waits on these calls, and
 * a start that hangs on unreachable brokers blocks the worker's view of the connector without saying why. Connect
 * does not retry a connector whose start failed until it is restarted, so the messages say what to do.
 */
public final class LedgerTopic {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerTopic.class);
    /** The most one admin call may take: long enough for a leader election, short enough for a start. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** How long closing a one-off Admin client may wait for calls still pending (after a timeout, say). */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final String MAY_NOT_CREATE = "The topic does not exist and the connector's principal may not"
            + " create it: grant it CREATE on the topic, or create the topic yourself (see docs/security.md).";

    private final Admin admin;
    private final LedgerConfig config;
    private final Duration callTimeout;

    public LedgerTopic(Admin admin, LedgerConfig config) {
        this(admin, config, CALL_TIMEOUT);
    }

    LedgerTopic(Admin admin, LedgerConfig config, Duration callTimeout) {
        this.admin = admin;
        this.config = config;
        this.callTimeout = callTimeout;
    }

    /** Opens an Admin client of its own for one check, for callers that need the topic only once. */
    public static void ensureExists(LedgerConfig config, String clientId) {
        Admin admin = Admin.create(config.adminProps(clientId));
        try {
            new LedgerTopic(admin, config).ensureExists();
        } finally {
            admin.close(CLOSE_TIMEOUT);
        }
    }

    /**
     * Describes the topic and creates it only when it is missing; a topic another connector created meanwhile counts
     * as existing.
     *
     * @return the topic's partition count
     */
    public int ensureExists() {
        try {
            int partitions = partitionCount();
            LOG.debug("Ledger topic {} exists with {} partitions", config.topic(), partitions);
            return partitions;
        } catch (ConnectException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw e;
            }
        }
        try {
            return create();
        } catch (ConnectException e) {
            if (e.getCause() instanceof TopicExistsException) {
                LOG.debug("Ledger topic {} was created meanwhile", config.topic());
                return partitionCount();
            }
            throw e;
        }
    }

    /** The number of partitions the topic has now. */
    public int partitionCount() {
        return await(admin.describeTopics(Collections.singleton(config.topic())).allTopicNames(), "describing",
                "The connector's principal needs DESCRIBE on it (see docs/security.md).")
                .get(config.topic()).partitions().size();
    }

    /**
     * Creates the topic. When its replication factor is left to the broker, a validate-only request learns the
     * broker's default first, so that {@link LedgerConfig#newTopic(short)} can decide the topic's min ISR; the broker
     * tells it only to a principal that may describe the topic's configs (DESCRIBE_CONFIGS), and without it the
     * topic keeps the broker's min ISR.
     *
     * @return the partition count the topic was created with
     */
    private int create() {
        short replicas = -1;
        if (!config.replicationFactorConfigured()) {
            CreateTopicsResult planned = admin.createTopics(Collections.singleton(config.newTopic()),
                    new CreateTopicsOptions().validateOnly(true));
            await(planned.values().get(config.topic()), "planning", MAY_NOT_CREATE);
            replicas = replicationFactorOrUnknown(planned);
        }
        NewTopic topic = config.replicationFactorConfigured() ? config.newTopic() : config.newTopic(replicas);
        await(admin.createTopics(Collections.singleton(topic)).values().get(config.topic()), "creating",
                MAY_NOT_CREATE);
        LOG.info("Created ledger topic {} with {} partitions and the settings {}", config.topic(),
                topic.numPartitions(), topic.configs());
        return topic.numPartitions();
    }

    /** The replication factor a create request reports, or -1 when the broker would not tell this principal. */
    private short replicationFactorOrUnknown(CreateTopicsResult result) {
        try {
            return (short) (int) await(result.replicationFactor(config.topic()), "planning", "");
        } catch (ConnectException e) {
            LOG.info("The broker did not say what replication factor the ledger topic {} gets ({}); it keeps the"
                    + " broker's min.insync.replicas. Set {} to have it created with min.insync.replicas={} from"
                    + " 3 replicas up.", config.topic(), e.getMessage(), LedgerConfig.TOPIC_REPLICATION_FACTOR,
                    LedgerConfig.MIN_IN_SYNC_REPLICAS);
            return -1;
        }
    }

    /**
     * Waits for one admin call.
     *
     * @param whenDenied what to tell the user when the broker refuses the call for lack of an ACL
     */
    private <T> T await(KafkaFuture<T> future, String action, String whenDenied) {
        try {
            return future.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String reason = config.secretRedactor().redact(cause.getMessage());
            if (cause instanceof AuthorizationException) {
                reason = (reason.endsWith(".") ? reason : reason + ".") + " " + whenDenied;
            }
            throw new ConnectException("Failed " + action + " the ledger topic '" + config.topic() + "': " + reason,
                    cause);
        } catch (TimeoutException e) {
            throw new ConnectException("No broker of the ledger answered within " + callTimeout.toSeconds()
                    + " s " + action + " the ledger topic '" + config.topic() + "'. Check "
                    + LedgerConfig.BOOTSTRAP_SERVERS + " and the " + LedgerConfig.KAFKA_PREFIX + "* security"
                    + " settings, then restart the connector: Connect does not retry a failed start on its own.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while " + action + " the ledger topic '" + config.topic() + "'",
                    e);
        }
    }
}
