package io.kcdatazone.demo;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Prometheus JMX exporter as a Java agent of the demo's Connect worker, with the rules of
 * {@code config/jmx-exporter.yml}, serving the worker's metrics on a loopback port.
 *
 * @param agentJar the agent the build copied from Maven Central
 * @param config the exporter's rules
 * @param port where it serves {@code /metrics}
 */
record JmxExporter(Path agentJar, Path config, int port) {

    /** The demo's fixed port: the exporter's own default, so a Prometheus set up for it finds the demo. */
    static final int DEMO_PORT = 9404;

    static JmxExporter of(DemoLayout layout, int port) {
        Path agent = layout.jmxExporterAgent();
        if (!Files.isRegularFile(agent)) {
            throw new IllegalStateException(agent + " is missing: the build copies it (maven-dependency-plugin)");
        }
        return new JmxExporter(agent, layout.configDir().resolve("jmx-exporter.yml"), port);
    }

    /** The JVM option that starts the agent: {@code -javaagent:JAR=HOST:PORT:CONFIG}. */
    String jvmOption() {
        return "-javaagent:" + agentJar + "=" + Ports.HOST + ":" + port + ":" + config;
    }

    URI metricsUrl() {
        return URI.create("http://" + Ports.HOST + ":" + port + "/metrics");
    }
}
