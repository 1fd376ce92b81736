package io.kcdatazone.observability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The task metrics the README documents (Operations, Metrics: the sink and the source metric tables), read from the
 * README itself so that the checks of the exporter and the dashboard stay in step with the documentation.
 *
 * <p>A table's first cell names metrics in backticks, such as {@code `calls-total`, `retries-total`, each with `-rate`}
 * or {@code `start-failures-total{error-type}`, `-rate`}: a name that starts with {@code -} replaces the last part of
 * the name before it, or of every name before it in the cell when the cell says "each with".
 */
public final class DocumentedMetrics {

    /** Prometheus names of the plugin's metrics (config/jmx-exporter.yml). */
    public static final String PROMETHEUS_PREFIX = "kafka_connect_datazone_";

    private static final Pattern QUOTED = Pattern.compile("`([^`]+)`");
    private static final Pattern NAME_AND_TAG = Pattern.compile("([a-z0-9-]+)(?:\\{([a-z-]+)})?");
    private static final List<String> TABLE_HEADS = List.of("| sink metric |", "| source metric |");

    /** A metric as JMX names it, with the tag it is split by, if any. */
    public record Metric(String name, Optional<String> tag) {

        /** Its name in Prometheus, as the exporter's rules make it. */
        public String prometheusName() {
            return PROMETHEUS_PREFIX + name.replace('-', '_');
        }

        /** The labels each of its series has: connector and task, and its tag. */
        public List<String> labels() {
            List<String> labels = new ArrayList<>(List.of("connector", "task"));
            tag.ifPresent(t -> labels.add(t.replace('-', '_')));
            return labels;
        }
    }

    private DocumentedMetrics() {
    }

    public static List<Metric> fromReadme(Path readme) throws IOException {
        List<Metric> metrics = new ArrayList<>();
        List<String> lines = Files.readAllLines(readme);
        for (String head : TABLE_HEADS) {
            int start = lines.indexOf(lines.stream().filter(line -> line.startsWith(head)).findFirst()
                    .orElseThrow(() -> new IllegalStateException(readme + " has no table headed " + head)));
            for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
                metrics.addAll(fromCell(lines.get(i).split("\\|")[1]));
            }
        }
        return metrics;
    }

    static List<Metric> fromCell(String cell) {
        List<Metric> named = new ArrayList<>();
        List<Metric> derived = new ArrayList<>();
        boolean eachWith = cell.contains("each with");
        Matcher quoted = QUOTED.matcher(cell);
        while (quoted.find()) {
            String text = quoted.group(1);
            if (text.startsWith("-")) {
                List<Metric> bases = eachWith ? named : named.subList(named.size() - 1, named.size());
                for (Metric base : bases) {
                    derived.add(new Metric(base.name().substring(0, base.name().lastIndexOf('-')) + text,
                            base.tag()));
                }
            } else {
                Matcher name = NAME_AND_TAG.matcher(text);
                if (!name.matches()) {
                    throw new IllegalStateException("not a metric name: " + text + " (in: " + cell + ")");
                }
                named.add(new Metric(name.group(1), Optional.ofNullable(name.group(2))));
            }
        }
        List<Metric> all = new ArrayList<>(named);
        all.addAll(derived);
        return all;
    }
}
