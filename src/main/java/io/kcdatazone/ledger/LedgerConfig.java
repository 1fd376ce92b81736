package io.kcdatazone.ledger;

import io.kcdatazone.datazone.SecretRedactor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The ledger topic and the Kafka clients that write (sink) and read (source) it, declared once for both connectors.
 *
 * <p>Security and tuning settings for those clients pass through {@value #KAFKA_PREFIX}{@code *}; the settings that
 * carry the ledger's guarantees (acks, idempotence, isolation level, offset reset, serializers) are ours and cannot be
 * overridden: {@link #problems()} names any such setting given with another value, so {@code validate()} refuses it.
 */
public final class LedgerConfig {

    public static final String GROUP = "Ledger";

    public static final String TOPIC = "ledger.topic";
    public static final String BOOTSTRAP_SERVERS = "ledger.bootstrap.servers";
    public static final String TOPIC_PARTITIONS = "ledger.topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "ledger.topic.replication.factor";
    public static final String TOPIC_RETENTION_MS = "ledger.topic.retention.ms";
    public static final String KAFKA_PREFIX = "ledger.kafka.";

    public static final String DEFAULT_TOPIC = "datazone-run-ledger";
    /** The ledger topic's min.insync.replicas when it has three replicas or more. */
    public static final int MIN_IN_SYNC_REPLICAS = 2;

    /** Client settings that any of the ledger's clients declares a {@link Type#PASSWORD}. */
    private static final Set<String> PASSWORD_CLIENT_SETTINGS = passwordClientSettings();
    /** A JAAS login module option, {@code name=value} or {@code name="value"}. */
    private static final Pattern JAAS_OPTION =
            Pattern.compile("([\\w.-]+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s;\"]+))");

    /** Client settings the connectors fix, with the value they fix and why, keyed by the client setting. */
    private static final Map<String, FixedSetting> FIXED_CLIENT_SETTINGS = fixedClientSettings();

    private static final class FixedSetting {
        final String value;
        final String reason;

        FixedSetting(String value, String reason) {
            this.value = value;
            this.reason = reason;
        }
    }

    private final String topic;
    private final String bootstrapServers;
    private final int partitions;
    private final short replicationFactor;
    private final long retentionMs;
    private final Map<String, Object> clientOverrides;

    private LedgerConfig(AbstractConfig config) {
        this.topic = config.getString(TOPIC);
        this.bootstrapServers = String.join(",", config.getList(BOOTSTRAP_SERVERS));
        this.partitions = config.getInt(TOPIC_PARTITIONS);
        this.replicationFactor = config.getShort(TOPIC_REPLICATION_FACTOR);
        this.retentionMs = config.getLong(TOPIC_RETENTION_MS);
        this.clientOverrides = config.originalsWithPrefix(KAFKA_PREFIX);
    }

    /** Adds the ledger settings to a connector's ConfigDef. */
    public static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(TOPIC, Type.STRING, DEFAULT_TOPIC, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Internal topic through which the sink hands each request's outcome to the source. Both"
                                + " connectors of a pair must name the same topic.",
                        GROUP, ++order, ConfigDef.Width.MEDIUM, "Ledger topic")
                .define(BOOTSTRAP_SERVERS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                        "Kafka brokers that hold the ledger topic, usually the Connect cluster's own. Security"
                                + " settings for these clients go in " + KAFKA_PREFIX + "* (for example "
                                + KAFKA_PREFIX + "security.protocol).",
                        GROUP, ++order, ConfigDef.Width.LONG, "Ledger bootstrap servers")
                .define(TOPIC_PARTITIONS, Type.INT, 6, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Partitions of the ledger topic when a connector creates it. The source's parallelism is at"
                                + " most this number.",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Ledger partitions")
                .define(TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.LOW,
                        "Replication factor of the ledger topic when a connector creates it; -1 uses the broker's"
                                + " default.replication.factor. With 3 or more the topic gets min.insync.replicas=2.",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Ledger replication factor")
                .define(TOPIC_RETENTION_MS, Type.LONG, 7L * 24 * 60 * 60 * 1000, ConfigDef.Range.atLeast(3_600_000L),
                        Importance.LOW,
                        "Retention of the ledger topic when a connector creates it. It must exceed the longest time"
                                + " the source connector may be down, or outcomes expire unread.",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Ledger retention");
    }

    private static Map<String, FixedSetting> fixedClientSettings() {
        Map<String, FixedSetting> fixed = new HashMap<>();
        fixed.put(ProducerConfig.ACKS_CONFIG, new FixedSetting("all",
                "an outcome acknowledged by fewer replicas can be lost with a broker, and with it the run's events"));
        fixed.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, new FixedSetting("true",
                "without it a retried write can duplicate or reorder ledger entries"));
        fixed.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, new FixedSetting("read_committed",
                "the source must publish only outcomes the sink's writes committed"));
        fixed.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, new FixedSetting("false",
                "the source keeps its ledger position in Connect's offsets, which exactly-once delivery commits"
                        + " with the events"));
        fixed.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, new FixedSetting("none",
                "the source seeks every ledger partition itself and publishes a stored position the log no longer"
                        + " holds as a gap, which a reset would jump over without a trace"));
        fixed.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, new FixedSetting(null,
                "the ledger writer is idempotent, not transactional"));
        fixed.put(ConsumerConfig.GROUP_ID_CONFIG, new FixedSetting(null,
                "the source tasks are assigned ledger partitions by the connector, not by a consumer group"));
        return Collections.unmodifiableMap(fixed);
    }

    private static Set<String> passwordClientSettings() {
        Set<String> names = new HashSet<>();
        for (ConfigDef def : List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
                AdminClientConfig.configDef())) {
            def.configKeys().values().stream().filter(key -> key.type == Type.PASSWORD)
                    .forEach(key -> names.add(key.name));
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * The secret values among ledger client settings (prefix removed): those the Kafka clients declare
     * {@link Type#PASSWORD}, and within a {@code sasl.jaas.config} the options whose name says they are secret (its
     * password), since a message may quote one without the rest.
     */
    public static List<String> secretValues(Map<String, ?> clientSettings) {
        List<String> secrets = new ArrayList<>();
        clientSettings.forEach((name, value) -> {
            if (value == null || !PASSWORD_CLIENT_SETTINGS.contains(name)) {
                return;
            }
            String text = value instanceof Password ? ((Password) value).value() : value.toString();
            secrets.add(text);
            Matcher option = JAAS_OPTION.matcher(text);
            while (option.find()) {
                String optionValue = option.group(2) != null ? option.group(2) : option.group(3);
                if (SecretRedactor.looksSecret(option.group(1), optionValue)) {
                    secrets.add(optionValue);
                    secrets.add(optionValue.replaceAll("\\\\(.)", "$1")); // as the JAAS parser unquotes it
                }
            }
        });
        return secrets;
    }

    /** The ledger clients' secret values ({@link #secretValues(Map)}), for redactors of texts beyond the ledger's. */
    public List<String> clientSecretValues() {
        return secretValues(clientOverrides);
    }

    /** Masks the ledger clients' secrets in texts the connectors did not write, such as Kafka client errors. */
    public SecretRedactor secretRedactor() {
        return SecretRedactor.of(clientSecretValues());
    }

    /**
     * The {@value #KAFKA_PREFIX}{@code *} settings that would break the ledger's guarantees, keyed by the setting as
     * the user wrote it, each with a message that says why it is refused. Settings equal to the fixed value pass.
     */
    public Map<String, List<String>> problems() {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        clientOverrides.forEach((name, value) -> {
            FixedSetting fixed = FIXED_CLIENT_SETTINGS.get(name);
            if (fixed != null && !sameValue(name, fixed.value, value)) {
                problems.put(KAFKA_PREFIX + name, List.of((fixed.value == null
                        ? "Remove this setting: the connector does not allow it"
                        : "Remove this setting or set it to " + fixed.value + ": the connector fixes it")
                        + ", because " + fixed.reason + "."));
            }
        });
        return problems;
    }

    private static boolean sameValue(String name, String fixed, Object given) {
        if (fixed == null || given == null) {
            return false;
        }
        String value = given.toString().trim();
        return fixed.equalsIgnoreCase(value) || ProducerConfig.ACKS_CONFIG.equals(name) && "-1".equals(value);
    }

    public static LedgerConfig from(AbstractConfig config) {
        return new LedgerConfig(config);
    }

    public String topic() {
        return topic;
    }

    /** Whether {@value #TOPIC_REPLICATION_FACTOR} is set, rather than left to the broker's default. */
    public boolean replicationFactorConfigured() {
        return replicationFactor > 0;
    }

    /**
     * The topic as the connectors create it when missing, with {@value #TOPIC_REPLICATION_FACTOR} replicas. See
     * {@link #newTopic(short)}; when that setting is left to the broker, use that method with the broker's default.
     */
    public NewTopic newTopic() {
        return newTopic(replicationFactor);
    }

    /**
     * The topic as the connectors create it when missing: compaction would lose entries, so it is a plain log; with
     * three replicas or more, a write needs two in sync ({@value #MIN_IN_SYNC_REPLICAS}), so an outcome the sink was
     * told is durable survives the loss of a broker. With fewer replicas the broker's own setting stays: requiring
     * both of two replicas would stop the sink whenever one broker restarts.
     *
     * @param replicas how many replicas the topic gets: {@value #TOPIC_REPLICATION_FACTOR} when set, else the
     *                 broker's default as the caller learned it (the topic is still created with the broker's
     *                 default), or -1 when unknown
     */
    public NewTopic newTopic(short replicas) {
        Optional<Short> rf = replicationFactorConfigured() ? Optional.of(replicationFactor) : Optional.empty();
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
        if (replicas >= 3) {
            configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(MIN_IN_SYNC_REPLICAS));
        }
        return new NewTopic(topic, Optional.of(partitions), rf).configs(configs);
    }

    /** The sink's writer: idempotent, acknowledged by all in-sync replicas. */
    public Map<String, Object> producerProps(String clientId) {
        Map<String, Object> props = common(clientId);
        applyFixed(props, ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /** The source's reader: manual assignment, no group, committed data only. */
    public Map<String, Object> consumerProps(String clientId) {
        Map<String, Object> props = common(clientId);
        applyFixed(props, ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    public Map<String, Object> adminProps(String clientId) {
        return common(clientId);
    }

    /** Sets the named settings to the values {@link #problems()} holds them to, or removes those it forbids. */
    private static void applyFixed(Map<String, Object> props, String... names) {
        for (String name : names) {
            String value = FIXED_CLIENT_SETTINGS.get(name).value;
            if (value == null) {
                props.remove(name);
            } else {
                props.put(name, value);
            }
        }
    }

    private Map<String, Object> common(String clientId) {
        Map<String, Object> props = new HashMap<>(clientOverrides);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return props;
    }
}
