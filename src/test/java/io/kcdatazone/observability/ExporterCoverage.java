package io.kcdatazone.observability;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a scrape of a worker running the connectors lacks or has too many of: each documented metric needs a series
 * with exactly its labels, of one of the connectors and a numbered task; each series of ours must be documented; and no
 * metric of the connectors may fall to the exporter's generic plugin rule (a metric the rules do not name).
 */
public final class ExporterCoverage {

    private ExporterCoverage() {
    }

    /** The problems found, empty when the scrape covers the documented metrics exactly. */
    public static List<String> problems(PrometheusScrape scrape, List<DocumentedMetrics.Metric> documented,
            Set<String> connectors) {
        List<String> problems = new ArrayList<>();
        for (DocumentedMetrics.Metric metric : documented) {
            List<PrometheusScrape.Sample> samples = scrape.of(metric.prometheusName());
            boolean labelled = samples.stream().anyMatch(sample -> sample.labels().keySet()
                    .equals(new HashSet<>(metric.labels()))
                    && connectors.contains(sample.labels().get("connector"))
                    && sample.labels().get("task").matches("\\d+"));
            if (!labelled) {
                problems.add("not served with labels " + metric.labels() + ": " + metric.prometheusName()
                        + " (served: " + samples + ")");
            }
        }
        for (String name : scrape.names()) {
            if (name.startsWith(DocumentedMetrics.PROMETHEUS_PREFIX)
                    && documented.stream().noneMatch(metric -> metric.prometheusName().equals(name))) {
                problems.add("served but not in the README's metric tables: " + name);
            }
        }
        scrape.samples().stream().filter(sample -> sample.name().startsWith("kafka_connect_plugin_")
                && connectors.contains(sample.labels().get("connector")))
                .forEach(sample -> problems.add("no rule names this metric of ours: " + sample));
        return problems;
    }
}
