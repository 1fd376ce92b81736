package io.kcdatazone.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Checks what {@code mvn package} built, as a worker would receive it: the Confluent Hub ZIP and the MSK Connect jar.
 * Both must hold the connectors and their runtime dependencies but never Kafka's own classes (the worker provides
 * them; a second copy breaks class-loader isolation) nor the DataZone simulator (test code).
 */
class PluginArtifactsIT {

    private static final Path BASEDIR = Path.of(System.getProperty("project.basedir", "."));
    private static final Path TARGET = Path.of(System.getProperty("project.build.directory", "target"));
    private static final String VERSION = System.getProperty("project.version");
    private static final String ROOT = "kcdatazone-kafka-connect-datazone-" + VERSION + "/";
    private static final String PLUGIN_JAR = "kafka-connect-datazone-" + VERSION + ".jar";
    /** In config/ for operators, but not in the archive: the plugin's ZIP holds the connectors' configurations. */
    private static final List<String> MONITORING_CONFIGS = List.of("jmx-exporter.yml", "grafana-dashboard.json");
    private static final List<String> FORBIDDEN_PACKAGES = List.of("org/apache/kafka/", "io/kcdatazone/simulator/",
            "io/kcdatazone/testkit/", "io/kcdatazone/demo/", "org/slf4j/");

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void zipHasTheConfluentHubLayout() throws IOException {
        Map<String, byte[]> zip = read(TARGET.resolve("kcdatazone-kafka-connect-datazone-" + VERSION + ".zip"));

        assertThat(zip.keySet()).allMatch(name -> name.startsWith(ROOT), "every entry under " + ROOT);
        assertThat(zip).containsKeys(ROOT + "manifest.json", ROOT + "doc/README.md", ROOT + "doc/LICENSE",
                ROOT + "lib/" + PLUGIN_JAR);
        assertThat(libJars(zip)).contains(PLUGIN_JAR).anyMatch(jar -> jar.startsWith("datazone-2."))
                .noneMatch(jar -> jar.startsWith("kafka-") && !jar.equals(PLUGIN_JAR))
                .noneMatch(jar -> jar.startsWith("connect-"))
                .noneMatch(jar -> jar.startsWith("slf4j-"));
        List<String> connectorConfigs = filesIn(BASEDIR.resolve("config"));
        connectorConfigs.removeAll(MONITORING_CONFIGS);
        assertThat(entriesUnder(zip, ROOT + "etc/")).containsExactlyInAnyOrderElementsOf(connectorConfigs);
    }

    @Test
    void manifestDescribesThisBuild() throws IOException {
        Map<String, byte[]> zip = read(TARGET.resolve("kcdatazone-kafka-connect-datazone-" + VERSION + ".zip"));
        JsonNode manifest = json.readTree(zip.get(ROOT + "manifest.json"));

        assertThat(manifest.path("name").asText()).isEqualTo("kafka-connect-datazone");
        assertThat(manifest.path("version").asText()).isEqualTo(VERSION);
        assertThat(manifest.path("component_types")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("sink", "source");
        assertThat(manifest.path("owner").path("username").asText()).isNotBlank();
        assertThat(manifest.path("license").path(0).path("name").asText()).contains("Apache");
        assertThat(manifest.path("features").path("delivery_guarantee")).isNotEmpty();
        assertThat(manifest.path("tags")).isNotEmpty();
        assertThat(manifest.path("requirements")).isNotEmpty();
    }

    @Test
    void zipLibrariesHoldNoKafkaNorTestClasses() throws IOException {
        Map<String, byte[]> zip = read(TARGET.resolve("kcdatazone-kafka-connect-datazone-" + VERSION + ".zip"));
        List<String> classes = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : zip.entrySet()) {
            if (entry.getKey().startsWith(ROOT + "lib/") && entry.getKey().endsWith(".jar")) {
                classes.addAll(nestedEntries(entry.getValue()));
            }
        }

        assertThat(classes).contains("io/kcdatazone/sink/DataSourceRunSinkConnector.class",
                "io/kcdatazone/source/DataSourceRunSourceConnector.class");
        assertThat(classes).noneMatch(PluginArtifactsIT::forbidden);
    }

    @Test
    void pluginJarRegistersBothConnectorsAndKnowsItsVersion() throws IOException {
        Map<String, byte[]> jar = read(TARGET.resolve(PLUGIN_JAR));

        assertRegistersConnectors(jar);
        Properties version = new Properties();
        version.load(new ByteArrayInputStream(jar.get("kafka-connect-datazone-version.properties")));
        assertThat(version.getProperty("version")).isEqualTo(VERSION);
    }

    @Test
    void mskConnectJarIsSelfContainedWithoutKafka() throws IOException {
        Map<String, byte[]> jar = read(TARGET.resolve("kafka-connect-datazone-" + VERSION + "-all.jar"));

        assertRegistersConnectors(jar);
        assertThat(jar).containsKeys("software/amazon/awssdk/services/datazone/DataZoneAsyncClient.class",
                "com/fasterxml/jackson/databind/ObjectMapper.class");
        assertThat(jar.keySet()).noneMatch(PluginArtifactsIT::forbidden);
        // Merged, not overwritten: the SDK finds each HTTP client through its own service entry.
        assertThat(new String(jar.get("META-INF/services/software.amazon.awssdk.http.SdkHttpService")))
                .contains("software.amazon.awssdk.http.apache.ApacheSdkHttpService");
        assertThat(new String(jar.get("META-INF/services/software.amazon.awssdk.http.async.SdkAsyncHttpService")))
                .contains("software.amazon.awssdk.http.nio.netty.NettySdkAsyncHttpService");
    }

    private static void assertRegistersConnectors(Map<String, byte[]> jar) {
        assertThat(new String(jar.get("META-INF/services/org.apache.kafka.connect.sink.SinkConnector")))
                .contains("io.kcdatazone.sink.DataSourceRunSinkConnector");
        assertThat(new String(jar.get("META-INF/services/org.apache.kafka.connect.source.SourceConnector")))
                .contains("io.kcdatazone.source.DataSourceRunSourceConnector");
    }

    private static boolean forbidden(String entry) {
        return FORBIDDEN_PACKAGES.stream().anyMatch(entry::startsWith);
    }

    private static List<String> libJars(Map<String, byte[]> zip) {
        return entriesUnder(zip, ROOT + "lib/");
    }

    private static List<String> entriesUnder(Map<String, byte[]> zip, String directory) {
        return zip.keySet().stream()
                .filter(name -> name.startsWith(directory) && !name.endsWith("/"))
                .map(name -> name.substring(directory.length()))
                .collect(Collectors.toList());
    }

    private static List<String> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .map(file -> directory.relativize(file).toString().replace('\\', '/'))
                    .collect(Collectors.toList());
        }
    }

    /** Every file entry of an archive with its bytes, by name. */
    private static Map<String, byte[]> read(Path archive) throws IOException {
        assertThat(archive).as("built by mvn package").isRegularFile();
        Map<String, byte[]> entries = new TreeMap<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry entry = all.nextElement();
                if (!entry.isDirectory()) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        entries.put(entry.getName(), in.readAllBytes());
                    }
                }
            }
        }
        return entries;
    }

    private static List<String> nestedEntries(byte[] jar) {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                names.add(entry.getName());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
