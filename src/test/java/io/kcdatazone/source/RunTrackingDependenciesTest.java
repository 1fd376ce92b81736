package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The run-tracking state machine stays free of Kafka's clients and of Connect, so unit tests reach all of it without
 * a worker: only Kafka's {@code Time} (a clock that tests move) may come from Kafka. The task is where Connect starts.
 */
class RunTrackingDependenciesTest {

    private static final Path SOURCE = Path.of("src", "main", "java", "io", "kcdatazone", "source");
    private static final List<String> STATE_MACHINE = List.of("RunTracker", "LedgerPartitionState",
            "PublishedResults", "RequestProgress", "SlotTable", "PartitionOffset", "SlotOffset", "OffsetFields",
            "FollowedRun", "Emission", "StoredOffsets", "TrackedRun", "RunLifecycle", "RunObservation");

    @Test
    void theStateMachineImportsNothingOfKafkaButItsClock() throws IOException {
        for (String type : STATE_MACHINE) {
            List<String> kafkaImports = Files.readAllLines(SOURCE.resolve(type + ".java")).stream()
                    .filter(line -> line.startsWith("import org.apache.kafka."))
                    .collect(Collectors.toList());
            assertThat(kafkaImports).as(type).allMatch("import org.apache.kafka.common.utils.Time;"::equals);
        }
    }

    @Test
    void theTaskIsWhereConnectComesIn() throws IOException {
        assertThat(Files.readString(SOURCE.resolve("DataSourceRunSourceTask.java")))
                .contains("import org.apache.kafka.connect.source.SourceTask;", "RunTracker");
    }
}
