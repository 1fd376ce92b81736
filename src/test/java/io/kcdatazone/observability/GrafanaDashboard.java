package io.kcdatazone.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PromQL queries of a Grafana dashboard (config/grafana-dashboard.json): its panels' and its variables'. */
public final class GrafanaDashboard {

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*([a-zA-Z_]\\w*)\\)");

    /** A query and where it is. */
    public record Query(String where, String expr) {
    }

    private final JsonNode dashboard;

    private GrafanaDashboard(JsonNode dashboard) {
        this.dashboard = dashboard;
    }

    public static GrafanaDashboard read(Path file) throws IOException {
        return new GrafanaDashboard(new ObjectMapper().readTree(file.toFile()));
    }

    public List<String> panelTitles() {
        List<String> titles = new ArrayList<>();
        panels().forEach(panel -> titles.add(panel.path("title").asText()));
        return titles;
    }

    /**
     * Every query: each panel target's {@code expr}, and each query variable's {@code label_values(selector, label)}
     * as {@code count by (label) (selector)}, which uses the same names.
     */
    public List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query("panel \"" + panel.path("title").asText() + "\" " + target.path("refId").asText(),
                        target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                String definition = variable.path("definition").asText();
                Matcher labelValues = LABEL_VALUES.matcher(definition);
                if (!labelValues.matches()) {
                    throw new IllegalStateException("variable " + variable.path("name") + ": not label_values(...): "
                            + definition);
                }
                queries.add(new Query("variable " + variable.path("name").asText(),
                        "count by (" + labelValues.group(2) + ") (" + labelValues.group(1) + ")"));
            }
        }
        return queries;
    }

    private List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            // A collapsed row holds its panels.
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }
}
