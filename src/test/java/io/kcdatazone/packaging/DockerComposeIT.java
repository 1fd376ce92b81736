package io.kcdatazone.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * No Docker engine runs here, so {@code docker-compose.yml} is checked rather than run: every file it mounts exists
 * once {@code mvn package} ran (the plugin ZIP of this version, the simulator jar, the connector bodies), it has the
 * services the README promises, and its connector bodies are the ones in {@code config/} with only the addresses of
 * the compose network changed.
 */
class DockerComposeIT {

    private static final Path BASEDIR = Path.of(System.getProperty("project.basedir", "."));
    private static final String VERSION = System.getProperty("project.version");
    /** What docker/*.json may change in config/*.json: where Kafka and DataZone are, and the simulator's keys. */
    private static final Set<String> COMPOSE_SETTINGS = Set.of("ledger.bootstrap.servers",
            "datazone.endpoint.override", "aws.access.key.id", "aws.secret.access.key", "status.poll.interval.ms",
            "status.poll.interval.max.ms");

    private final JsonNode compose = readCompose();

    @Test
    void everyMountedFileExistsInTheBuild() {
        List<String> mounted = new ArrayList<>();
        compose.path("services").forEach(service -> service.path("volumes").forEach(volume -> {
            String source = volume.asText().split(":")[0];
            if (source.startsWith("./")) {
                mounted.add(source);
            }
        }));

        assertThat(mounted).contains("./target/kcdatazone-kafka-connect-datazone-" + VERSION + ".zip",
                "./target/datazone-simulator.jar");
        assertThat(mounted).allSatisfy(source -> assertThat(BASEDIR.resolve(source)).exists());
    }

    @Test
    void runsTheConfluentStackWithTheSimulator() {
        JsonNode services = compose.path("services");
        assertThat(services.fieldNames()).toIterable()
                .contains("kafka", "schema-registry", "connect", "datazone", "create-connectors");
        assertThat(services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText())
                .isEqualTo("broker,controller");
        assertThat(services.path("connect").path("environment").path("CONNECT_VALUE_CONVERTER").asText())
                .isEqualTo("io.confluent.connect.avro.AvroConverter");
        assertThat(services.path("connect").path("environment").path("CONNECT_PLUGIN_PATH").asText())
                .contains("/usr/share/confluent-hub-components");
        // The simulator binds 127.0.0.1: only a shared network namespace lets the worker reach it.
        assertThat(services.path("datazone").path("network_mode").asText()).isEqualTo("service:connect");
    }

    @Test
    void connectorBodiesAreTheExampleConfigsWithComposeAddresses() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (String connector : List.of("datazone-sink", "datazone-source")) {
            JsonNode example = json.readTree(BASEDIR.resolve("config/" + connector + ".json").toFile());
            JsonNode composed = json.readTree(BASEDIR.resolve("docker/" + connector + ".json").toFile());

            assertThat(composed.path("name")).isEqualTo(example.path("name"));
            assertThat(withoutComposeSettings(composed)).as(connector).isEqualTo(withoutComposeSettings(example));
            assertThat(composed.path("config").path("datazone.endpoint.override").asText())
                    .isEqualTo("http://127.0.0.1:8090");
        }
    }

    private static Map<String, String> withoutComposeSettings(JsonNode body) {
        Map<String, String> config = new LinkedHashMap<>();
        body.path("config").fields().forEachRemaining(field -> config.put(field.getKey(), field.getValue().asText()));
        config.keySet().removeAll(COMPOSE_SETTINGS);
        return config;
    }

    private static JsonNode readCompose() {
        try {
            return new YAMLMapper().readTree(Files.readString(BASEDIR.resolve("docker-compose.yml")));
        } catch (IOException e) {
            throw new IllegalStateException("docker-compose.yml is not readable YAML", e);
        }
    }
}
