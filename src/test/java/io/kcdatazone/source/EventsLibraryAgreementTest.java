package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.event.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.datazone.model.DataSourceRunStatus;
import software.amazon.awssdk.services.datazone.model.LineageImportStatus;

/**
 * The events library (events/, a build of its own) knows what the connector emits: its event types, and the run
 * statuses with the same terminal rule as {@link RunLifecycle}. Read from the library's sources, which this build does
 * not compile.
 */
class EventsLibraryAgreementTest {

    private static final Path LIBRARY = Path.of("events", "src", "main", "java", "io", "kcdatazone", "events");
    private static final Pattern CONSTANT = Pattern.compile("(?m)^ {4}([A-Z_]+)(?:\\((true|false)\\))?[,;]");
    private static final Instant STOPPED = Instant.parse("2026-03-02T10:00:07Z");

    @Test
    void theLibraryKnowsEveryEventTypeTheConnectorEmits() throws IOException {
        Map<String, String> types = constants("EventType.java");

        assertThat(types).containsKey("UNKNOWN");
        types.remove("UNKNOWN");
        assertThat(types.keySet()).containsExactlyInAnyOrderElementsOf(Arrays.stream(EventType.values())
                .map(Enum::name).collect(Collectors.toList()));
    }

    @Test
    void theLibrarysStatusesAreDataZonesWithTheConnectorsTerminalRule() throws IOException {
        Map<String, String> statuses = constants("RunStatus.java");
        statuses.remove("UNKNOWN");

        assertThat(statuses.keySet()).containsExactlyInAnyOrderElementsOf(DataSourceRunStatus.knownValues().stream()
                .map(DataSourceRunStatus::toString).collect(Collectors.toList()));
        statuses.forEach((status, terminal) -> {
            assertThat(RunLifecycle.isKnown(status)).as(status).isTrue();
            assertThat(RunLifecycle.isTerminal(run(status, null))).as(status).isEqualTo(Boolean.parseBoolean(terminal));
            // The library reads any status with a stop time as an end (RunOutcome.STOPPED), as the connector does.
            assertThat(RunLifecycle.isTerminal(run(status, STOPPED))).as(status + " stopped").isTrue();
        });
    }

    @Test
    void theLibrarysLineageImportStatusesAreDataZones() throws IOException {
        Map<String, String> statuses = constants("LineageImportStatus.java");

        assertThat(statuses).containsKey("UNKNOWN");
        statuses.remove("UNKNOWN");
        assertThat(statuses.keySet()).containsExactlyInAnyOrderElementsOf(LineageImportStatus.knownValues().stream()
                .map(LineageImportStatus::toString).collect(Collectors.toList()));
    }

    /** The enum's constants, each with its constructor argument if it has one. */
    private static Map<String, String> constants(String file) throws IOException {
        Map<String, String> constants = new LinkedHashMap<>();
        Matcher constant = CONSTANT.matcher(Files.readString(LIBRARY.resolve(file)));
        while (constant.find()) {
            constants.put(constant.group(1), constant.group(2));
        }
        return constants;
    }

    private static RunSnapshot run(String status, Instant stoppedAt) {
        return new RunSnapshot("run-1", "dzd_demo", "sales_glue", "project", status, "PRIORITIZED", STOPPED, null,
                stoppedAt, null, null, null, null);
    }
}
