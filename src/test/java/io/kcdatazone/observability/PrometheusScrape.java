package io.kcdatazone.observability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The samples of a Prometheus text exposition (what {@code /metrics} answers), by metric name and labels. */
public final class PrometheusScrape {

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample: a series and its value. */
    public record Sample(String name, Map<String, String> labels, String value) {
    }

    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\\S+)");

    private final List<Sample> samples;
    private final Map<String, String> types;

    private PrometheusScrape(List<Sample> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    /** Scrapes {@code metrics} (an exporter's {@code /metrics}). */
    public static PrometheusScrape fetch(URI metrics) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(metrics + " answered " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    public static PrometheusScrape parse(String exposition) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            Matcher type = TYPE.matcher(line.trim());
            if (type.matches()) {
                types.put(type.group(1), type.group(2));
                continue;
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line.trim());
            if (!sample.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels, sample.group(3)));
        }
        return new PrometheusScrape(samples, types);
    }

    /**
     * The type ({@code counter}, {@code gauge}, ...) the exposition gives the series {@code name}; a counter's
     * {@code # TYPE} line may name it without its {@code _total} suffix (Prometheus client_java 1.x does).
     */
    public Optional<String> type(String name) {
        String type = types.get(name);
        if (type == null && name.endsWith("_total")) {
            type = types.get(name.substring(0, name.length() - "_total".length()));
        }
        return Optional.ofNullable(type);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The samples of one metric. */
    public List<Sample> of(String name) {
        return samples.stream().filter(sample -> sample.name().equals(name)).collect(Collectors.toList());
    }

    public Set<String> names() {
        return samples.stream().map(Sample::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every label name any series of {@code name} has. */
    public Set<String> labelNames(String name) {
        return of(name).stream().flatMap(sample -> sample.labels().keySet().stream())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
