package io.kcdatazone.connector;

import io.kcdatazone.config.DataZoneConnectorConfig;
import io.kcdatazone.config.InconsistentConfigException;
import io.kcdatazone.datazone.DataZoneClients;
import io.kcdatazone.datazone.DataZoneConnectionConfig;
import io.kcdatazone.datazone.DataZoneFailure;
import io.kcdatazone.ledger.LedgerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The checks of a connector's {@code validate()} beyond each setting on its own, so a misconfigured connector is
 * refused at {@code PUT /connectors/...} with a message on the key to fix, not hours later: settings that do not go
 * together ({@link DataZoneConnectorConfig#problems()}, the same check the configuration's constructor applies, so
 * nothing accepted here fails a task start; it includes ledger client settings that would break the ledger's
 * delivery guarantees), then (with {@value
 * DataZoneConnectionConfig#VALIDATE_LIVE}) credentials that do not resolve, a DataZone that does not answer or a
 * default domain it does not know, and ledger brokers that cannot be reached.
 */
public final class LiveConfigValidator {

    private static final long LEDGER_TIMEOUT_SECONDS = 15;
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Function<Map<String, String>, ? extends DataZoneConnectorConfig> parse;
    private final String domainKey;

    /**
     * @param parse builds the connector's config from the submitted settings
     * @param domainKey the key naming a domain that must exist, or null when the connector has none
     */
    public LiveConfigValidator(Function<Map<String, String>, ? extends DataZoneConnectorConfig> parse,
                               String domainKey) {
        this.parse = parse;
        this.domainKey = domainKey;
    }

    /** Adds the problems found to {@code result}, which holds the ConfigDef's own validation of {@code props}. */
    public Config validate(Config result, Map<String, String> props) {
        List<ConfigValue> values = result.configValues();
        if (values.stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return result; // Each setting must be valid on its own before they are tried together.
        }
        DataZoneConnectorConfig config;
        try {
            config = parse.apply(props);
        } catch (InconsistentConfigException e) {
            e.problems().forEach((key, messages) -> messages.forEach(message -> addError(values, key, message)));
            return result;
        } catch (ConfigException e) {
            values.stream().findFirst().ifPresent(v -> v.addErrorMessage(e.getMessage()));
            return result;
        }
        DataZoneConnectionConfig connection = config.connection();
        if (!connection.validateLive()) {
            return result;
        }
        String connectorName = props.getOrDefault("name", "validation");
        checkDataZone(values, connection, domainKey == null ? null : config.getString(domainKey), connectorName);
        checkLedger(values, config.ledger(), connectorName);
        return result;
    }

    private void checkDataZone(List<ConfigValue> values, DataZoneConnectionConfig connection, String domainId,
                               String connectorName) {
        String credentialsKey = connection.credentials().keyToCheck();
        try (DataZoneClients clients = DataZoneClients.open(connection, connectorName)) {
            clients.verifyCredentials();
            if (domainId == null) {
                return;
            }
            try {
                clients.sync().getDomain(b -> b.identifier(domainId));
            } catch (RuntimeException e) {
                DataZoneFailure failure = clients.errorClassifier().classify(e);
                addError(values, keyFor(failure, credentialsKey, connection), describe(failure, domainId));
            }
        } catch (ConfigException e) {
            addError(values, credentialsKey, e.getMessage());
        }
    }

    private String keyFor(DataZoneFailure failure, String credentialsKey, DataZoneConnectionConfig connection) {
        if (failure.isNotFound() || failure.isValidationError()) {
            return domainKey;
        }
        if (failure.isAccessDenied()) {
            return credentialsKey;
        }
        return connection.endpointOverride().isPresent()
                ? DataZoneConnectionConfig.ENDPOINT_OVERRIDE : DataZoneConnectionConfig.REGION;
    }

    private static String describe(DataZoneFailure failure, String domainId) {
        if (failure.isNotFound()) {
            return "DataZone has no domain '" + domainId + "' in this region (GetDomain: " + failure.detail()
                    + "). Check the domain id and " + DataZoneConnectionConfig.REGION + ".";
        }
        if (failure.isAccessDenied()) {
            return "The credentials may not call DataZone (GetDomain on '" + domainId + "': " + failure.detail()
                    + "). Grant datazone:GetDomain, datazone:StartDataSourceRun, datazone:GetDataSourceRun and"
                    + " datazone:ListDataSourceRuns.";
        }
        return "DataZone did not answer GetDomain for '" + domainId + "': " + failure.errorTypeName() + " "
                + failure.detail() + ". Check " + DataZoneConnectionConfig.REGION + " and "
                + DataZoneConnectionConfig.ENDPOINT_OVERRIDE + ", or set "
                + DataZoneConnectionConfig.VALIDATE_LIVE + "=false where DataZone is not reachable from here.";
    }

    private static void checkLedger(List<ConfigValue> values, LedgerConfig ledger, String connectorName) {
        Admin admin = null;
        try {
            admin = Admin.create(ledger.adminProps("datazone-config-validation-" + connectorName));
            admin.describeCluster().clusterId().get(LEDGER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            addError(values, LedgerConfig.BOOTSTRAP_SERVERS, "No broker of the ledger answered within "
                    + LEDGER_TIMEOUT_SECONDS + " s; check the addresses and the " + LedgerConfig.KAFKA_PREFIX
                    + "* security settings.");
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            addError(values, LedgerConfig.BOOTSTRAP_SERVERS, "Cannot reach the ledger's brokers: "
                    + ledger.secretRedactor().redact(cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (admin != null) {
                // Admin.close() without a timeout would wait for the pending describe of unreachable brokers.
                admin.close(ADMIN_CLOSE_TIMEOUT);
            }
        }
    }

    private static void addError(List<ConfigValue> values, String key, String message) {
        Optional<ConfigValue> value = values.stream().filter(v -> v.name().equals(key)).findFirst();
        if (value.isPresent()) {
            value.get().addErrorMessage(message);
        } else {
            ConfigValue added = new ConfigValue(key);
            added.addErrorMessage(message);
            values.add(added);
        }
    }
}
