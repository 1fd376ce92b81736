package io.kcdatazone.testkit;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.test.api.TestKitDefaults;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.apache.kafka.network.SocketServerConfigs;
import org.apache.kafka.raft.KRaftConfigs;
import org.apache.kafka.server.config.ServerConfigs;

/**
 * A second, single-node KRaft cluster whose only client listener speaks SASL_PLAINTEXT with the PLAIN mechanism: a
 * ledger cluster that demands authentication, next to the stack's own open cluster.
 *
 * <p>Kafka's test kit writes the brokers' JAAS file itself, with the users {@value #USER} and an admin; the
 * authorizer lets any authenticated user do anything that no ACL restricts. {@link #enforcingAcls} makes a cluster
 * whose authorizer allows only what ACLs grant, with more users, for least-privilege tests; {@link
 * #stackBrokerProperties} makes a {@link KafkaConnectStack}'s own cluster such a cluster.
 */
public final class SaslKafkaService implements StackService {

    /** The super user of every such cluster: ACLs do not apply to it. */
    public static final String ADMIN = JaasUtils.KAFKA_PLAIN_ADMIN;
    public static final String ADMIN_PASSWORD = JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD;

    /** A user the brokers know. */
    public static final String USER = JaasUtils.KAFKA_PLAIN_USER1;
    /** Its password. */
    public static final String PASSWORD = JaasUtils.KAFKA_PLAIN_USER1_PASSWORD;

    /** The client listener's own JAAS setting, which wins over the test kit's JAAS file. */
    private static final String EXTERNAL_LISTENER_JAAS_CONFIG = "listener.name.external.plain.sasl.jaas.config";
    private static final String CONTROLLER_LISTENER_JAAS_CONFIG = "listener.name.controller.plain.sasl.jaas.config";

    private final boolean enforceAcls;
    private final Map<String, String> extraUsers;
    private KafkaClusterTestKit cluster;

    /** A cluster whose authorizer lets authenticated users do anything no ACL restricts. */
    public SaslKafkaService() {
        this(false, Map.of());
    }

    private SaslKafkaService(boolean enforceAcls, Map<String, String> extraUsers) {
        this.enforceAcls = enforceAcls;
        this.extraUsers = Map.copyOf(extraUsers);
    }

    /**
     * A cluster whose authorizer denies whatever no ACL allows, knowing {@code users} (name to password) besides
     * {@value #USER} and the super user {@link #ADMIN}.
     */
    public static SaslKafkaService enforcingAcls(Map<String, String> users) {
        return new SaslKafkaService(true, users);
    }

    /** Starts the cluster without a stack, for tests that need only a broker. */
    public void start() throws Exception {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                // With ACLs enforced, the broker must register with the controller as the super user, not anonymously.
                .setControllerSecurityProtocol(
                        enforceAcls ? SecurityProtocol.SASL_PLAINTEXT : SecurityProtocol.PLAINTEXT)
                .build());
        if (!enforceAcls) {
            // The test kit denies everything without an ACL; a ledger user needs no special grants here.
            builder.setConfigProp("allow.everyone.if.no.acl.found", "true");
        }
        if (!extraUsers.isEmpty()) {
            // The test kit's JAAS file knows only its two users; the client listener's own JAAS setting wins over it.
            builder.setConfigProp(EXTERNAL_LISTENER_JAAS_CONFIG, serverJaasConfig(extraUsers));
        }
        KafkaClusterTestKit started = builder
                // One node: internal topics cannot have their default three replicas.
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .build();
        try {
            started.format();
            started.startup();
            started.waitForReadyBrokers();
        } catch (Exception | Error e) {
            started.close();
            throw e;
        }
        cluster = started;
    }

    @Override
    public void start(KafkaConnectStack stack) throws Exception {
        start();
    }

    public String bootstrapServers() {
        if (cluster == null) {
            throw new IllegalStateException("The SASL cluster is not running");
        }
        return cluster.bootstrapServers();
    }

    /**
     * Broker settings that make a {@link KafkaConnectStack}'s own cluster enforce ACLs as {@link #enforcingAcls}
     * does: both of the test kit's listeners speak SASL_PLAINTEXT with PLAIN, the broker and the controller log in to
     * each other as the super user {@link #ADMIN}, and the authorizer allows only what ACLs grant. The stack's own
     * clients then need the {@link #clientSettings} of {@link #ADMIN}.
     *
     * @param users name to password of the users the brokers accept besides {@value #USER} and {@link #ADMIN}
     */
    public static Map<String, String> stackBrokerProperties(Map<String, String> users) {
        Map<String, String> properties = new HashMap<>();
        String sasl = SecurityProtocol.SASL_PLAINTEXT.name;
        properties.put(SocketServerConfigs.LISTENER_SECURITY_PROTOCOL_MAP_CONFIG,
                TestKitDefaults.DEFAULT_BROKER_LISTENER_NAME + ":" + sasl + ","
                        + TestKitDefaults.DEFAULT_CONTROLLER_LISTENER_NAME + ":" + sasl);
        properties.put(BrokerSecurityConfigs.SASL_ENABLED_MECHANISMS_CONFIG, "PLAIN");
        properties.put(BrokerSecurityConfigs.SASL_MECHANISM_INTER_BROKER_PROTOCOL_CONFIG, "PLAIN");
        properties.put(KRaftConfigs.SASL_MECHANISM_CONTROLLER_PROTOCOL_CONFIG, "PLAIN");
        properties.put(EXTERNAL_LISTENER_JAAS_CONFIG, serverJaasConfig(users));
        // The controller listener needs only the super user, as which the broker registers.
        properties.put(CONTROLLER_LISTENER_JAAS_CONFIG, serverJaasConfig(Map.of()));
        properties.put(ServerConfigs.AUTHORIZER_CLASS_NAME_CONFIG, StandardAuthorizer.class.getName());
        properties.put(StandardAuthorizer.ALLOW_EVERYONE_IF_NO_ACL_IS_FOUND_CONFIG, "false");
        properties.put(StandardAuthorizer.SUPER_USERS_CONFIG, "User:" + ADMIN);
        return properties;
    }

    /** The broker's PLAIN login (as the super user, for its own connections) and every user it accepts. */
    private static String serverJaasConfig(Map<String, String> extraUsers) {
        StringBuilder jaas = new StringBuilder(PlainLoginModule.class.getName()).append(" required username=\"")
                .append(ADMIN).append("\" password=\"").append(ADMIN_PASSWORD).append('"');
        Map<String, String> users = new HashMap<>(extraUsers);
        users.put(ADMIN, ADMIN_PASSWORD);
        users.put(USER, PASSWORD);
        users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password)
                .append('"'));
        return jaas.append(';').toString();
    }

    /** The {@code sasl.jaas.config} a PLAIN client logs in with. */
    public static String jaasConfig(String user, String password) {
        return PlainLoginModule.class.getName() + " required username=\"" + user + "\" password=\"" + password
                + "\";";
    }

    /** Client settings that log in as {@code user}, without the bootstrap servers. */
    public static Map<String, String> clientSettings(String user, String password) {
        Map<String, String> settings = new HashMap<>();
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
        settings.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        settings.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(user, password));
        return settings;
    }

    @Override
    public void close() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                throw new IllegalStateException("Could not stop the SASL cluster", e);
            } finally {
                cluster = null;
            }
        }
    }
}
