package io.kcdatazone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * SVG charts of the benchmarks' JSON (XChart): sink runs per second against the limit by calls in flight, the
 * detection lag's distribution of the connector and of per-run polling, and the source's costs against the runs it
 * tracks. {@link BenchmarkReport#publish()} draws every chart whose JSON is there, so a benchmark run leaves them
 * beside the JSON; {@code main} draws them from another directory of JSON (the README's charts, docs/charts).
 */
public final class BenchmarkCharts {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 460;
    private static final Pattern LONG_DECIMALS = Pattern.compile("(\\d\\.\\d{2})\\d+");

    static {
        // Drawn off screen: no display needed, wherever the benchmarks run. Set before XChart first touches AWT.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private final Path jsonDir;
    private final Path chartDir;
    private final ObjectMapper json = new ObjectMapper();

    BenchmarkCharts(Path jsonDir, Path chartDir) {
        this.jsonDir = jsonDir;
        this.chartDir = chartDir;
    }

    /** {@code BenchmarkCharts JSON_DIR CHART_DIR}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: BenchmarkCharts JSON_DIR CHART_DIR");
        }
        System.setProperty("java.awt.headless", "true");
        new BenchmarkCharts(Path.of(args[0]), Path.of(args[1])).drawAll();
    }

    /** Draws each chart whose benchmark JSON is in the JSON directory. */
    void drawAll() throws IOException {
        Files.createDirectories(chartDir);
        JsonNode sink = read("sink-throughput");
        if (sink != null) {
            save(sinkThroughput(sink), "sink-throughput");
        }
        JsonNode tracking = read("status-tracking");
        if (tracking != null) {
            save(detectionLag(tracking), "detection-lag");
        }
        JsonNode scale = read("scale");
        if (scale != null) {
            save(scale(scale), "scale");
        }
    }

    /** Runs per second by calls in flight, one line per DataZone latency, each with its limit (dashed). */
    static XYChart sinkThroughput(JsonNode report) {
        XYChart chart = chart("Sink: runs started per second by calls in flight", "calls in flight",
                "runs per second (log)");
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        Map<Long, List<double[]>> byLatency = new TreeMap<>();
        for (JsonNode row : report.path("rows")) {
            if ("none".equals(row.path("quota/s").asText())) {
                byLatency.computeIfAbsent(row.path("latency ms").asLong(), latency -> new ArrayList<>())
                        .add(new double[] {row.path("in flight").asDouble(), median(row.path("runs/s median (min..max)")),
                            row.path("limit/s").asDouble()});
            }
        }
        byLatency.forEach((latency, points) -> {
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            chart.addSeries(latency + " ms per call", column(points, 0), column(points, 1));
            XYSeries limit = chart.addSeries("limit at " + latency + " ms (in flight / latency)", column(points, 0),
                    column(points, 2));
            limit.setLineStyle(SeriesLines.DASH_DASH);
            limit.setMarker(SeriesMarkers.NONE);
        });
        return chart;
    }

    /** The share of status changes seen within a lag, for each way of tracking that has a lag distribution. */
    static XYChart detectionLag(JsonNode report) {
        XYChart chart = chart("Detection lag: status change to event (connector) or answer (per-run polling)",
                "detection lag, ms", "share of status changes seen");
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        for (JsonNode row : report.path("rows")) {
            JsonNode quantiles = row.path("detection lag quantiles ms");
            if (quantiles.isObject() && quantiles.size() > 0) {
                List<double[]> points = new ArrayList<>();
                quantiles.fields().forEachRemaining(q -> points.add(new double[] {q.getValue().asDouble(),
                    Double.parseDouble(q.getKey()) / 100}));
                points.sort((a, b) -> Double.compare(a[1], b[1]));
                chart.addSeries(row.path("tracking").asText(), column(points, 0), column(points, 1));
            }
        }
        return chart;
    }

    /** The source's costs per event and per run against the runs it tracks (log scales: one line per figure). */
    static XYChart scale(JsonNode report) {
        XYChart chart = chart("Source: cost against runs tracked", "runs tracked", "per event or per run (log)");
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        Map<String, String> figures = new TreeMap<>(Map.of(
                "source CPU us/event", "CPU µs per event",
                "offset B/event", "offset bytes per event",
                "offset B/status event", "offset bytes per status event",
                "heap B/tracked run", "heap bytes per tracked run"));
        figures.forEach((column, label) -> {
            List<double[]> points = new ArrayList<>();
            for (JsonNode row : report.path("rows")) {
                OptionalDouble runs = number(row.path("runs tracked").asText());
                OptionalDouble value = number(row.path(column).asText());
                if (runs.isPresent() && value.isPresent()) {
                    points.add(new double[] {runs.getAsDouble(), value.getAsDouble()});
                }
            }
            if (!points.isEmpty()) {
                chart.addSeries(label, column(points, 0), column(points, 1));
            }
        });
        return chart;
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(6);
        return chart;
    }

    /** A benchmark table's cell as a number: "1,341" and 1341 alike; "-", "failed" and the like are none. */
    static OptionalDouble number(String cell) {
        String digits = cell.replace(",", "").trim();
        try {
            return OptionalDouble.of(Double.parseDouble(digits));
        } catch (NumberFormatException notANumber) {
            return OptionalDouble.empty();
        }
    }

    /** A {@link BenchmarkStats} as the JSON has it, or a plain number. */
    private static double median(JsonNode cell) {
        return cell.has("median") ? cell.path("median").asDouble() : cell.asDouble();
    }

    private static double[] column(List<double[]> points, int index) {
        return points.stream().mapToDouble(point -> point[index]).toArray();
    }

    private JsonNode read(String benchmark) throws IOException {
        Path file = jsonDir.resolve(benchmark + ".json");
        return Files.isRegularFile(file) ? json.readTree(file.toFile()) : null;
    }

    /**
     * Writes the chart as SVG. XChart draws every letter as a path, so the SVG also gets a title and a description
     * naming the series: what a screen reader reads, and what a search finds.
     */
    private void save(XYChart chart, String name) throws IOException {
        ByteArrayOutputStream drawn = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, drawn, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        // Hundredths of a pixel are plenty: the full precision triples the file.
        String svg = LONG_DECIMALS.matcher(drawn.toString(StandardCharsets.UTF_8)).replaceAll("$1");
        int afterSvgTag = svg.indexOf('>', svg.indexOf("<svg")) + 1;
        String described = svg.substring(0, afterSvgTag) + "\n  <title>" + xml(chart.getTitle()) + "</title>\n  <desc>"
                + xml(String.join("; ", chart.getSeriesMap().keySet())) + "</desc>" + svg.substring(afterSvgTag);
        Files.writeString(chartDir.resolve(name + ".svg"), described);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
