package io.kcdatazone.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one-command demo (README, Quick start): a KRaft broker, Apicurio Registry, the DataZone simulator and a
 * distributed Connect worker that loads the plugin from the built ZIP, all on loopback ({@link DemoStack}); both
 * connectors made from the files in {@code config/}; a scenario of requests; each event printed as it arrives; a
 * summary. Exits 0 only when every expected event came, 1 when something failed, 2 on bad options.
 */
public final class Demo {

    private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(120);

    private final DemoOptions options;
    private final DemoLayout layout;
    private final PrintStream out = System.out;
    private volatile DemoStack stack;

    private Demo(DemoOptions options, DemoLayout layout) {
        this.options = options;
        this.layout = layout;
    }

    public static void main(String[] args) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        Demo demo = new Demo(options, DemoLayout.fromSystemProperties());
        // Ctrl-C (--keep-running) ends here: stop the child processes with the JVM.
        Runtime.getRuntime().addShutdownHook(new Thread(demo::stop, "demo-shutdown"));
        int status;
        try {
            status = demo.run();
        } catch (Exception e) {
            System.err.println("demo FAILED: " + e.getMessage());
            System.err.println("logs: " + demo.layout.workDir());
            status = 1;
        }
        demo.stop();
        System.exit(status);
    }

    private int run() throws Exception {
        StackPorts ports = StackPorts.demo();
        ports.requireFree(options.datazoneEndpoint == null);
        JmxExporter exporter = null;
        if (options.prometheus) {
            Ports.requireFree(JmxExporter.DEMO_PORT, "Prometheus JMX exporter");
            exporter = JmxExporter.of(layout, JmxExporter.DEMO_PORT);
        }
        stack = DemoStack.start(layout, layout.kafkaClasspath("kafka-runtime.classpath"), ports,
                options.datazoneEndpoint, exporter, out);
        out.println();
        DemoStack.Topics topics = stack.topics();
        out.println("kafka: " + stack.bootstrapServers());
        out.println("connect: " + stack.connect().url());
        out.println("registry: " + stack.registry().ccompatUrl());
        out.println("datazone: " + stack.datazone());
        if (exporter != null) {
            out.println("metrics: " + exporter.metricsUrl() + " (Prometheus JMX exporter, rules in "
                    + "config/jmx-exporter.yml; dashboard: config/grafana-dashboard.json)");
        }
        out.printf("topics: request=%s output=%s ledger=%s dlq=%s%n", topics.request(), topics.output(),
                topics.ledger(), topics.dlq());
        stack.connect().connectorPlugins().stream().filter(plugin -> plugin.startsWith("io.kcdatazone."))
                .forEach(plugin -> out.println("plugin: " + plugin));
        Map<String, String> changed = stack.createConnectors(Map.of());
        out.println("connectors: " + stack.connectorNames() + " RUNNING (from config/datazone-sink.json and"
                + " config/datazone-source.json; changed: " + String.join(", ", changed.keySet()) + ")");
        out.println();

        try (EventFeed feed = new EventFeed(stack.bootstrapServers(), stack.registry().ccompatUrl(),
                topics.output(), topics.dlq(), out)) {
            int status = 0;
            if (options.scenario) {
                List<String> missing = new ScenarioRun(stack, feed, out).run(SCENARIO_TIMEOUT);
                if (missing.isEmpty()) {
                    out.println("demo OK: every expected event arrived");
                } else {
                    out.println("demo FAILED: missing after " + SCENARIO_TIMEOUT.toSeconds() + " s:");
                    missing.forEach(item -> out.println("  - " + item));
                    out.println("logs: " + layout.workDir());
                    status = 1;
                }
            }
            if (options.keepRunning) {
                out.printf("running until Ctrl-C; send requests as KEY<TAB>JSON lines, e.g.%n"
                        + "  printf 'my-key\\t{\"domainIdentifier\":\"dzd_demo\",\"dataSourceIdentifier\":"
                        + "\"sales_glue\"}\\n' | kafka-console-producer.sh --bootstrap-server %s --topic %s"
                        + " --property parse.key=true%n", stack.bootstrapServers(), topics.request());
                while (!Thread.currentThread().isInterrupted()) {
                    feed.poll(Duration.ofSeconds(1));
                }
            }
            return status;
        }
    }

    private void stop() {
        DemoStack running = stack;
        if (running != null) {
            running.close();
        }
    }
}
