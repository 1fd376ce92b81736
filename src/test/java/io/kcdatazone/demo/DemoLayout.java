package io.kcdatazone.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the demo finds what the build made (Maven passes the locations as system properties) and where it writes its
 * own files: everything under {@code target/demo}.
 */
final class DemoLayout {

    private final Path basedir;
    private final Path target;
    private final String version;

    private DemoLayout(Path basedir, Path target, String version) {
        this.basedir = basedir;
        this.target = target;
        this.version = version;
    }

    static DemoLayout fromSystemProperties() {
        return new DemoLayout(Path.of(required("demo.basedir")), Path.of(required("demo.target")),
                required("demo.version"));
    }

    private static String required(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("System property " + name + " is not set: start the demo through Maven"
                    + " (see README.md, Quick start)");
        }
        return value;
    }

    /** The example configuration files the connectors and the worker are made from. */
    Path configDir() {
        return basedir.resolve("config");
    }

    Path pluginZip() {
        return target.resolve("kcdatazone-kafka-connect-datazone-" + version + ".zip");
    }

    /** The Prometheus JMX exporter's Java agent, copied there by the build. */
    Path jmxExporterAgent() {
        return target.resolve("jmx-exporter").resolve("jmx_prometheus_javaagent.jar");
    }

    Path workDir() {
        return target.resolve("demo");
    }

    /** The worker's plugin.path: the unpacked ZIP and the Apicurio converter, each in its own directory. */
    Path pluginPath() {
        return workDir().resolve("plugins");
    }

    /**
     * Kafka's runtime jars (broker and Connect), as src/demo/kafka-runtime/pom.xml resolved them into a file under
     * {@link #workDir()}.
     */
    String kafkaClasspath(String fileName) throws IOException {
        Path file = workDir().resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: the build writes it (maven-invoker-plugin)");
        }
        return Files.readString(file).trim();
    }

    /** An empty directory under {@link #workDir()}: what an earlier demo left there is deleted. */
    Path freshDir(String name) throws IOException {
        Path dir = workDir().resolve(name);
        deleteRecursively(dir);
        return Files.createDirectories(dir);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** JVM options that send a child's log to {@code logFile}, whether it logs through Log4j 2 or reload4j. */
    List<String> logOptions(List<String> jvmOptions, Path logFile) {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Dlog4j2.configurationFile=" + basedir.resolve("src/demo/log4j2.properties"));
        options.add("-Dlog4j.configuration=" + basedir.resolve("src/demo/log4j.properties").toUri());
        options.add("-Ddemo.log.file=" + logFile);
        return options;
    }
}
