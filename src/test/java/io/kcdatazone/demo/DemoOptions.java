package io.kcdatazone.demo;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The demo's command line. Each argument may hold several options separated by blanks, because Maven hands the demo
 * one {@code -Ddemo.args="..."} value.
 */
final class DemoOptions {

    static final String USAGE = "usage: demo [--keep-running] [--no-scenario] [--prometheus]"
            + " [--datazone-endpoint URL]\n"
            + "  --keep-running          leave everything up after the scenario and keep printing events (Ctrl-C stops)\n"
            + "  --prometheus            run the Connect worker with the Prometheus JMX exporter (config/jmx-exporter.yml)\n"
            + "                          and print its metrics URL\n"
            + "  --no-scenario           start the stack and both connectors, produce no requests of our own\n"
            + "  --datazone-endpoint URL call this DataZone endpoint (default AWS credentials chain) instead of\n"
            + "                          starting the simulator; needs --no-scenario";

    final boolean keepRunning;
    final boolean scenario;
    final boolean prometheus;
    final URI datazoneEndpoint;

    private DemoOptions(boolean keepRunning, boolean scenario, boolean prometheus, URI datazoneEndpoint) {
        this.keepRunning = keepRunning;
        this.scenario = scenario;
        this.prometheus = prometheus;
        this.datazoneEndpoint = datazoneEndpoint;
    }

    /**
     * @throws IllegalArgumentException with a message for the user when the options make no sense
     */
    static DemoOptions parse(String... args) {
        List<String> words = new ArrayList<>();
        for (String arg : args) {
            Arrays.stream(arg.trim().split("\\s+")).filter(word -> !word.isEmpty()).forEach(words::add);
        }
        boolean keepRunning = false;
        boolean scenario = true;
        boolean prometheus = false;
        URI endpoint = null;
        for (int i = 0; i < words.size(); i++) {
            switch (words.get(i)) {
                case "--keep-running" -> keepRunning = true;
                case "--no-scenario" -> scenario = false;
                case "--prometheus" -> prometheus = true;
                case "--datazone-endpoint" -> {
                    if (i + 1 == words.size()) {
                        throw new IllegalArgumentException("--datazone-endpoint needs a URL");
                    }
                    endpoint = endpoint(words.get(++i));
                }
                default -> throw new IllegalArgumentException("unknown option " + words.get(i));
            }
        }
        if (endpoint != null && scenario) {
            throw new IllegalArgumentException("the built-in scenario uses the simulator's data sources; "
                    + "with --datazone-endpoint add --no-scenario and send your own requests");
        }
        return new DemoOptions(keepRunning, scenario, prometheus, endpoint);
    }

    private static URI endpoint(String text) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--datazone-endpoint: not a URL: " + text);
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("--datazone-endpoint: expected http(s)://HOST[:PORT], got " + text);
        }
        return uri;
    }
}
