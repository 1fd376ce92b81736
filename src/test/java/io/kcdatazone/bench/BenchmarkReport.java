package io.kcdatazone.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the rows of one benchmark, prints them as a table and writes them as JSON under target/benchmarks, both
 * headed by the machine they were measured on, and the charts of that JSON under target/benchmarks/charts.
 */
public final class BenchmarkReport {

    private final String name;
    private final List<String> columns;
    private final List<Map<String, Object>> rows = new ArrayList<>();

    public BenchmarkReport(String name, List<String> columns) {
        this.name = name;
        this.columns = columns;
    }

    public void add(Map<String, Object> row) {
        rows.add(new LinkedHashMap<>(row));
        System.out.println(name + ": " + row);
    }

    public void publish() throws IOException {
        String machine = machine();
        StringBuilder table = new StringBuilder("\n== ").append(name).append(" == ").append(machine).append('\n');
        int[] widths = columns.stream().mapToInt(String::length).toArray();
        List<List<String>> cells = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            List<String> line = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                String cell = format(row.get(columns.get(i)));
                widths[i] = Math.max(widths[i], cell.length());
                line.add(cell);
            }
            cells.add(line);
        }
        appendLine(table, columns, widths);
        for (List<String> line : cells) {
            appendLine(table, line, widths);
        }
        System.out.println(table);
        Path dir = Path.of("target", "benchmarks");
        Files.createDirectories(dir);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve(name + ".json").toFile(), Map.of("benchmark", name, "machine", machine,
                        "rows", rows));
        // Each report redraws the charts its JSON feeds, so a benchmark run leaves every chart beside the JSON.
        new BenchmarkCharts(dir, dir.resolve("charts")).drawAll();
    }

    /** Cores, memory and JVM: what the figures depend on besides the code. */
    private static String machine() {
        long memoryBytes = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return String.format("%d cores, %.1f GB memory, %s %s (%s), %s %s",
                Runtime.getRuntime().availableProcessors(), memoryBytes / 1e9, System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"),
                System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    private static void appendLine(StringBuilder out, List<String> cells, int[] widths) {
        for (int i = 0; i < cells.size(); i++) {
            out.append(String.format("%-" + widths[i] + "s", cells.get(i))).append(i + 1 < cells.size() ? " | " : "\n");
        }
    }

    private static String format(Object value) {
        if (value instanceof BenchmarkStats stats) {
            // Two decimals for small figures (calls per transition, microseconds), one for the rest.
            String number = Math.abs(stats.median()) < 10 ? "%.2f" : "%.1f";
            return String.format(number + " (" + number + ".." + number + ")", stats.median(), stats.min(),
                    stats.max());
        }
        if (value instanceof Double d) {
            return String.format("%.2f", d);
        }
        return String.valueOf(value);
    }
}
