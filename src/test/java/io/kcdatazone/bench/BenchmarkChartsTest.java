package io.kcdatazone.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charts come out of the benchmarks' JSON, drawn here from the README's figures (docs/charts/figures). */
class BenchmarkChartsTest {

    @Test
    void drawsEachChartFromItsJson(@TempDir Path charts) throws Exception {
        new BenchmarkCharts(Path.of("docs", "charts", "figures"), charts).drawAll();

        assertThat(Files.readString(charts.resolve("sink-throughput.svg"))).startsWith("<?xml")
                .contains("<svg").contains("20 ms per call").contains("limit at 100 ms");
        assertThat(Files.readString(charts.resolve("detection-lag.svg")))
                .contains("connector: ListDataSourceRuns per data source").contains("baseline: GetDataSourceRun");
        assertThat(Files.readString(charts.resolve("scale.svg"))).contains("CPU µs per event")
                .contains("heap bytes per tracked run");
    }

    @Test
    void readsTheTablesNumbers() {
        assertThat(BenchmarkCharts.number("1,341")).isEqualTo(OptionalDouble.of(1341));
        assertThat(BenchmarkCharts.number("0.0072")).isEqualTo(OptionalDouble.of(0.0072));
        assertThat(BenchmarkCharts.number("-")).isEmpty();
        assertThat(BenchmarkCharts.number("failed")).isEmpty();
    }
}
