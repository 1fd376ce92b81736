package io.kcdatazone.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.utils.converter.AvroConverter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each part of the test stack answers: the broker, a Connect worker's REST API and the registry. */
class StackSmokeTest {

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder().build();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void brokerStoresAndServesRecords() {
        STACK.createTopic("smoke-records", 1);

        STACK.produce("smoke-records", "request-1", "hello");

        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        STACK.consume(1, TIMEOUT, "smoke-records").forEach(records::add);
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("request-1");
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("hello");
        });
    }

    @Test
    void workerRestApiListsPlugins() throws Exception {
        URI plugins = STACK.workers().iterator().next().url().resolve("connector-plugins?connectorsOnly=false");

        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(plugins).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> classes = new ArrayList<>();
        new ObjectMapper().readTree(response.body()).forEach(plugin -> classes.add(plugin.path("class").asText()));
        assertThat(classes).contains(StringConverter.class.getName(), JsonConverter.class.getName());
    }

    @Test
    void registryRegistersAndServesSchemasWithBackwardCompatibility() {
        CcompatClient registry = STACK.registry().ccompat();
        String v1 = "{\"type\":\"record\",\"name\":\"Smoke\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
        String withoutDefault = "{\"type\":\"record\",\"name\":\"Smoke\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
                + "{\"name\":\"b\",\"type\":\"string\"}]}";

        int id = registry.register("smoke-value", v1);

        assertThat(registry.globalCompatibility()).isEqualTo("BACKWARD");
        assertThat(parseAvro(registry.schemaById(id))).isEqualTo(parseAvro(v1));
        assertThat(registry.register("smoke-value", v1)).as("same schema, same id").isEqualTo(id);
        assertThatThrownBy(() -> registry.register("smoke-value", withoutDefault))
                .as("a new field without default breaks BACKWARD compatibility")
                .hasMessageContaining("409");
    }

    @Test
    void apicurioAvroConverterWritesConfluentWireFormat() throws Exception {
        Schema schema = SchemaBuilder.struct().name("io.kcdatazone.smoke.RunFinished")
                .field("runId", Schema.STRING_SCHEMA)
                .field("failedAssets", Schema.INT32_SCHEMA)
                .field("errorMessage", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Struct value = new Struct(schema).put("runId", "run-1").put("failedAssets", 3);

        byte[] bytes;
        try (AvroConverter<Object> converter = new AvroConverter<>()) {
            converter.configure(STACK.avroConverterSettings(), false);
            bytes = converter.fromConnectData("smoke-events", schema, value);
        }

        assertThat(bytes[0]).as("magic byte").isZero();
        ConfluentWireFormat wireFormat = STACK.confluentWireFormat();
        int id = ConfluentWireFormat.schemaId(bytes);
        assertThat(wireFormat.schema(id).getFullName()).isEqualTo("io.kcdatazone.smoke.RunFinished");
        GenericRecord record = wireFormat.decode(bytes);
        assertThat(record.get("runId")).hasToString("run-1");
        assertThat(record.get("failedAssets")).isEqualTo(3);
        assertThat(record.get("errorMessage")).isNull();
    }

    private static org.apache.avro.Schema parseAvro(String schema) {
        return new org.apache.avro.Schema.Parser().parse(schema);
    }
}
