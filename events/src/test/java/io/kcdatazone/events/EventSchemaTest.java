package io.kcdatazone.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.event.DataSourceRunEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/** The generated class is the connector's published schema, and reads events of later schema versions. */
class EventSchemaTest {

    private static final Path PUBLISHED = Path.of("..", "src", "main", "avro", "DataSourceRunEvent.avsc");

    @Test
    void theClassIsThePublishedSchema() throws IOException {
        Schema published = new Schema.Parser().parse(PUBLISHED.toFile());
        Schema generated = DataSourceRunEvent.getClassSchema();

        // The generator adds avro.java.string to string types (String, not CharSequence), which changes no encoding.
        assertThat(SchemaNormalization.toParsingForm(generated)).isEqualTo(SchemaNormalization.toParsingForm(published));
        assertThat(annotations(generated, "")).isEqualTo(annotations(published, ""))
                .contains("eventTime: timestamp-millis", "stoppedAt: default null");
    }

    /** What the Parsing Canonical Form leaves out but changes the reading: defaults and logical types, by path. */
    private static List<String> annotations(Schema schema, String path) {
        List<String> found = new ArrayList<>();
        if (schema.getLogicalType() != null) {
            found.add(path + ": " + schema.getLogicalType().getName());
        }
        if (schema.getType() == Schema.Type.UNION) {
            schema.getTypes().forEach(branch -> found.addAll(annotations(branch, path)));
        } else if (schema.getType() == Schema.Type.RECORD) {
            for (Schema.Field field : schema.getFields()) {
                String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
                if (field.hasDefaultValue()) {
                    Object value = field.defaultVal();
                    found.add(fieldPath + ": default " + (value == JsonProperties.NULL_VALUE ? "null" : value));
                }
                found.addAll(annotations(field.schema(), fieldPath));
            }
        }
        return found;
    }

    @Test
    void readsAnEventOfALaterSchemaWithAFieldAndAnEventTypeItDoesNotKnow() throws IOException {
        // A later schema version may only add optional fields (docs/events.md, compatibility rule).
        Schema later = laterSchema();
        GenericRecord written = new GenericData.Record(later);
        written.put("eventId", "5b0e8a59-8f3c-3f5e-9d67-0c1b6c7f4a21");
        written.put("eventType", "RUN_SOMETHING_NEW");
        written.put("eventTime", 1772445609512L);
        written.put("status", "PARTIALLY_SUCCEEDED");
        written.put("stoppedAt", 1772445607123L);
        written.put("lineageStatus", "SUCCESS");
        byte[] bytes = encode(later, written);

        DataSourceRunEvent read = new SpecificDatumReader<DataSourceRunEvent>(later,
                DataSourceRunEvent.getClassSchema()).read(null, DecoderFactory.get().binaryDecoder(bytes, null));

        assertThat(read.getEventTime()).isEqualTo(Instant.ofEpochMilli(1772445609512L));
        assertThat(read.getStoppedAt()).isEqualTo(Instant.ofEpochMilli(1772445607123L));
        assertThat(RunEvents.eventType(read)).isEqualTo(EventType.UNKNOWN);
        assertThat(RunEvents.status(read)).contains(RunStatus.PARTIALLY_SUCCEEDED);
        assertThat(RunEvents.outcome(read)).isEqualTo(Optional.empty());
    }

    /** The published schema plus an optional field at the end, as a later version would add one. */
    private static Schema laterSchema() {
        Schema current = DataSourceRunEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        current.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
        fields.add(new Schema.Field("lineageStatus", SchemaBuilder.unionOf().nullType().and().stringType().endUnion(),
                "A field a later version adds", JsonProperties.NULL_VALUE));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    private static byte[] encode(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
