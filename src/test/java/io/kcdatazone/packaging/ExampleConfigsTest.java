package io.kcdatazone.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdatazone.config.DataSourceRunSinkConfig;
import io.kcdatazone.config.DataSourceRunSourceConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The example connector configurations in {@code config/} are what the demo and the README use: every setting must
 * be one the connector or Connect knows, the values must pass the connector's validation, and the REST bodies must
 * say what the standalone files say.
 */
class ExampleConfigsTest {

    private static final Path CONFIG = Path.of("config");
    /** Exactly-once needs a distributed worker, so only the REST body of the source turns it on. */
    private static final Set<String> DISTRIBUTED_ONLY = Set.of("exactly.once.support", "transaction.boundary");
    private static final List<String> CONVERTER_PREFIXES = List.of("key.converter.", "value.converter.",
            "header.converter.");

    @ParameterizedTest
    @CsvSource({"datazone-sink, sink", "datazone-source, source"})
    void everySettingIsKnownAndValid(String file, String kind) throws IOException {
        Map<String, String> properties = properties(CONFIG.resolve(file + ".properties"));
        ConfigDef connector = "sink".equals(kind) ? DataSourceRunSinkConfig.CONFIG_DEF
                : DataSourceRunSourceConfig.CONFIG_DEF;
        ConfigDef connect = "sink".equals(kind) ? SinkConnectorConfig.configDef() : SourceConnectorConfig.configDef();

        assertThat(properties.keySet()).allSatisfy(name -> assertThat(
                connector.names().contains(name) || connect.names().contains(name) || name.startsWith("errors.")
                        || CONVERTER_PREFIXES.stream().anyMatch(name::startsWith))
                .as("%s: %s is a setting of the connector or of Connect", file, name).isTrue());
        assertThatCode(() -> {
            if ("sink".equals(kind)) {
                new DataSourceRunSinkConfig(properties);
            } else {
                new DataSourceRunSourceConfig(properties);
            }
        }).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource({"datazone-sink", "datazone-source"})
    void restBodySaysWhatThePropertiesFileSays(String file) throws IOException {
        Map<String, String> properties = properties(CONFIG.resolve(file + ".properties"));
        JsonNode body = new ObjectMapper().readTree(CONFIG.resolve(file + ".json").toFile());
        Map<String, String> config = new LinkedHashMap<>();
        body.path("config").fields().forEachRemaining(field -> config.put(field.getKey(), field.getValue().asText()));
        DISTRIBUTED_ONLY.forEach(config::remove);

        assertThat(body.path("name").asText()).isEqualTo(properties.remove("name"));
        assertThat(config).isEqualTo(properties);
    }

    private static Map<String, String> properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        Map<String, String> map = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }
}
