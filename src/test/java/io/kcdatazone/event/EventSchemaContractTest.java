package io.kcdatazone.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apicurio.registry.utils.converter.AvroConverter;
import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.LineageSummary;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.datazone.RunSnapshot.RunStatistics;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.testkit.ApicurioAvroConverterConfig;
import io.kcdatazone.testkit.ApicurioRegistryProcess;
import io.kcdatazone.testkit.ConfluentWireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The event contract: the Connect schema the source builds converts, with the converter settings the tests' workers
 * use, to the Avro schema published as {@code src/main/avro/DataSourceRunEvent.avsc}; what the converter writes is
 * readable with only that file; and the registry's compatibility rules accept the evolution the docs allow.
 *
 * <p>"Equal" means the same Parsing Canonical Form (names, types, field order) plus the same default value and
 * logical type at every field and type. Documentation and the converter's own {@code connect.*} properties are left
 * out: neither changes how a record is encoded or how a reader resolves it, and the converter moves docs into
 * {@code connect.doc}.
 */
class EventSchemaContractTest {

    private static final Path PUBLISHED = Path.of("src/main/avro/DataSourceRunEvent.avsc");
    /** Every schema published before, as released: DataSourceRunEvent-v1.avsc, -v2, ... */
    private static final Path EARLIER = Path.of("src/test/resources/event-schema-history");
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:09.5Z");
    private static final RequestCoordinates REQUEST = new RequestCoordinates("requests", 1, 77L);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ApicurioRegistryProcess registry;

    @BeforeAll
    static void startRegistry() throws IOException {
        Path home = ApicurioRegistryProcess.homeFromSystemProperty();
        registry = ApicurioRegistryProcess.launch(home, home.resolveSibling("apicurio-work"))
                .awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private static Schema published() throws IOException {
        return new Schema.Parser().parse(Files.readString(PUBLISHED));
    }

    @Test
    void theConnectSchemaConvertsToThePublishedAvroSchema() throws IOException {
        Schema converted = new AvroData(new AvroDataConfig(ApicurioAvroConverterConfig.settings("http://unused")))
                .fromConnectSchema(DataSourceRunEventSchema.SCHEMA);

        assertThat(SchemaNormalization.toParsingForm(converted))
                .isEqualTo(SchemaNormalization.toParsingForm(published()));
        assertThat(defaultsAndLogicalTypes(converted, "")).containsExactlyElementsOf(
                defaultsAndLogicalTypes(published(), ""));
    }

    @Test
    void everyFieldButTheEventsIdentityIsOptionalWithANullDefault() throws IOException {
        List<String> required = new ArrayList<>();
        for (Schema.Field field : published().getFields()) {
            if (!field.hasDefaultValue()) {
                required.add(field.name());
            } else {
                assertThat(field.schema().getTypes().get(0).getType()).as(field.name()).isEqualTo(Schema.Type.NULL);
            }
        }
        assertThat(required).containsExactly("eventId", "eventType", "eventTime");
    }

    @Test
    void eventsWrittenByTheConverterAreReadableWithOnlyThePublishedSchema() throws IOException {
        AvroConverter<?> converter = new AvroConverter<>();
        converter.configure(ApicurioAvroConverterConfig.settings(registry.registryApiUrl()), false);
        DataSourceRunEvents events = new DataSourceRunEvents(true);
        RunSnapshot ended = new RunSnapshot("run-1", "dzd_demo", "orders_glue", "demo_project",
                "PARTIALLY_SUCCEEDED", "PRIORITIZED", NOW.minusSeconds(9), NOW.minusSeconds(7), NOW, NOW,
                new RunError("ACCESS_DENIED_EXCEPTION", "no access to 2 tables"), new RunStatistics(5, 2, 0, 1, 0),
                "{\"glueRunConfiguration\":{}}", new LineageSummary("IN_PROGRESS"));
        Struct statusChanged = events.statusChanged("token-1", REQUEST, ended, "RUNNING", NOW);
        Struct startFailed = events.result(LedgerEntry.failed(REQUEST, "token-2", "dzd_demo", "gone_source",
                new RunError("RESOURCE_NOT_FOUND_EXCEPTION", "not found"), "req-9", NOW), NOW);

        byte[] changedBytes = converter.fromConnectData("contract-events", DataSourceRunEventSchema.SCHEMA,
                statusChanged);
        byte[] failedBytes = converter.fromConnectData("contract-events", DataSourceRunEventSchema.SCHEMA,
                startFailed);

        int id = ConfluentWireFormat.schemaId(changedBytes);
        assertThat(ConfluentWireFormat.schemaId(failedBytes)).isEqualTo(id);
        assertThat(SchemaNormalization.toParsingForm(new Schema.Parser().parse(registry.ccompat().schemaById(id))))
                .isEqualTo(SchemaNormalization.toParsingForm(published()));

        GenericRecord changed = readWithPublishedSchema(changedBytes);
        assertThat(changed.get("eventId").toString()).isEqualTo(statusChanged.getString("eventId"));
        assertThat(changed.get("eventType").toString()).isEqualTo("RUN_STATUS_CHANGED");
        assertThat(changed.get("eventTime")).isEqualTo(NOW.toEpochMilli());
        assertThat(changed.get("clientToken").toString()).isEqualTo("token-1");
        assertThat(changed.get("requestTopic").toString()).isEqualTo("requests");
        assertThat(changed.get("requestPartition")).isEqualTo(1);
        assertThat(changed.get("requestOffset")).isEqualTo(77L);
        assertThat(changed.get("status").toString()).isEqualTo("PARTIALLY_SUCCEEDED");
        assertThat(changed.get("previousStatus").toString()).isEqualTo("RUNNING");
        assertThat(changed.get("stoppedAt")).isEqualTo(NOW.toEpochMilli());
        assertThat(((GenericRecord) changed.get("errorMessage")).get("errorType").toString())
                .isEqualTo("ACCESS_DENIED_EXCEPTION");
        assertThat(((GenericRecord) changed.get("runStatisticsForAssets")).get("failed")).isEqualTo(2);
        assertThat(changed.get("dataSourceConfigurationSnapshot").toString())
                .isEqualTo("{\"glueRunConfiguration\":{}}");
        assertThat(((GenericRecord) changed.get("lineageSummary")).get("importStatus").toString())
                .isEqualTo("IN_PROGRESS");

        GenericRecord failed = readWithPublishedSchema(failedBytes);
        assertThat(failed.get("eventType").toString()).isEqualTo("RUN_START_FAILED");
        assertThat(failed.get("runId")).isNull();
        assertThat(((GenericRecord) failed.get("errorMessage")).get("errorDetail").toString()).isEqualTo("not found");
    }

    /** Old consumers read the events of this version, and this version's consumers read the old events. */
    @Test
    void thePublishedSchemaIsFullyCompatibleWithEveryEarlierOne() throws IOException {
        List<Path> earlier;
        try (Stream<Path> files = Files.list(EARLIER)) {
            earlier = files.sorted().collect(Collectors.toList());
        }
        assertThat(earlier).isNotEmpty();

        for (Path version : earlier) {
            String schema = new Schema.Parser().parse(Files.readString(version)).toString();
            assertThat(compatible("FULL", schema, published().toString())).as(version.toString()).isTrue();
        }
    }

    /** Each published change moves the Connect schema's version on, which storage sinks need to see the change. */
    @Test
    void theConnectSchemasVersionCountsThePublishedSchemas() throws IOException {
        long earlier;
        try (Stream<Path> files = Files.list(EARLIER)) {
            earlier = files.count();
        }

        assertThat(DataSourceRunEventSchema.SCHEMA.version()).isEqualTo((int) earlier + 1);
    }

    @Test
    void addingAnOptionalFieldPassesBackwardAndFullChecks() throws IOException {
        String added = withField("{\"name\": \"runDuration\", \"type\": [\"null\", \"long\"], \"default\": null}");

        assertThat(compatibleWithPublished("BACKWARD", added)).isTrue();
        assertThat(compatibleWithPublished("FULL", added)).isTrue();
    }

    /**
     * The fields added since the first schema (the {@code context} map, the {@code lineageSummary} record, both null
     * by default) evolve a schema already in use: registered after it under FULL, and each reads what the other wrote.
     */
    @Test
    void eventsOfThisSchemaAndOfTheFirstAreReadByConsumersOfEither() throws IOException {
        Schema previous = new Schema.Parser().parse(Files.readString(EARLIER.resolve("DataSourceRunEvent-v1.avsc")));
        assertThat(previous.getField("context")).isNull();
        String subject = "evolution-context-value";
        registry.ccompat().register(subject, previous.toString());
        registry.ccompat().setCompatibility(subject, "FULL");
        assertThat(registry.ccompat().isCompatibleWithLatest(subject, published().toString())).isTrue();

        GenericRecord withContext = new GenericData.Record(published());
        withContext.put("eventId", "e-1");
        withContext.put("eventType", "RUN_STARTED");
        withContext.put("eventTime", NOW.toEpochMilli());
        withContext.put("context", Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        GenericRecord readByOldReader = roundTrip(withContext, published(), previous);
        assertThat(readByOldReader.get("eventId").toString()).isEqualTo("e-1");

        GenericRecord old = new GenericData.Record(previous);
        old.put("eventId", "e-2");
        old.put("eventType", "RUN_STARTED");
        old.put("eventTime", NOW.toEpochMilli());
        assertThat(roundTrip(old, previous, published()).get("context")).isNull();
    }

    private static GenericRecord roundTrip(GenericRecord record, Schema writer, Schema reader) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(writer, reader).read(null,
                DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }

    @Test
    void addingARequiredFieldIsRefusedByTheBackwardCheck() throws IOException {
        assertThat(compatibleWithPublished("BACKWARD", withField("{\"name\": \"runDuration\", \"type\": \"long\"}")))
                .isFalse();
    }

    /**
     * Avro's BACKWARD rule lets a new reader drop a field (it skips the writer's value), so only FULL (or FORWARD),
     * which also protects consumers still on the old schema, refuses a removal. docs/events.md recommends FULL for
     * the output topic's subject for this reason.
     */
    @Test
    void removingAFieldIsRefusedByTheFullCheckThoughBackwardAllowsIt() throws IOException {
        String removed = withoutField("eventId");

        assertThat(compatibleWithPublished("BACKWARD", removed)).isTrue();
        assertThat(compatibleWithPublished("FULL", removed)).isFalse();
    }

    private static boolean compatibleWithPublished(String level, String candidate) throws IOException {
        return compatible(level, published().toString(), candidate);
    }

    /** Registers {@code registered} under a fresh subject with the given level and checks the candidate. */
    private static boolean compatible(String level, String registered, String candidate) throws IOException {
        String subject = "evolution-" + level.toLowerCase() + "-"
                + Integer.toHexString((registered + candidate).hashCode()) + "-value";
        registry.ccompat().register(subject, registered);
        registry.ccompat().setCompatibility(subject, level);
        return registry.ccompat().isCompatibleWithLatest(subject, candidate);
    }

    private static GenericRecord readWithPublishedSchema(byte[] value) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null);
        GenericRecord record = new GenericDatumReader<GenericRecord>(published()).read(null, decoder);
        assertThat(decoder.isEnd()).as("bytes left after the record").isTrue();
        return record;
    }

    private static String withField(String fieldJson) throws IOException {
        ObjectNode schema = (ObjectNode) JSON.readTree(PUBLISHED.toFile());
        ((ArrayNode) schema.get("fields")).add(JSON.readTree(fieldJson));
        return schema.toString();
    }

    private static String withoutField(String name) throws IOException {
        ObjectNode schema = (ObjectNode) JSON.readTree(PUBLISHED.toFile());
        ArrayNode fields = (ArrayNode) schema.get("fields");
        for (int i = 0; i < fields.size(); i++) {
            if (name.equals(fields.get(i).get("name").asText())) {
                fields.remove(i);
                return schema.toString();
            }
        }
        throw new IllegalArgumentException("no field " + name);
    }

    /** One line per field and type: its path, default value and logical type, in schema order. */
    private static List<String> defaultsAndLogicalTypes(Schema schema, String path) {
        List<String> lines = new ArrayList<>();
        lines.add(path + ": " + schema.getType() + (schema.getLogicalType() == null ? ""
                : " logicalType=" + schema.getLogicalType().getName()));
        switch (schema.getType()) {
            case RECORD:
                for (Schema.Field field : schema.getFields()) {
                    String fieldPath = path + "/" + field.name();
                    lines.add(fieldPath + " default=" + (field.hasDefaultValue() ? field.defaultVal() : "none"));
                    lines.addAll(defaultsAndLogicalTypes(field.schema(), fieldPath));
                }
                break;
            case UNION:
                for (Schema branch : schema.getTypes()) {
                    lines.addAll(defaultsAndLogicalTypes(branch, path + "|"));
                }
                break;
            default:
                break;
        }
        return lines;
    }
}
