package io.kcdatazone.testkit;

import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Apicurio Registry 2.6 running as a child JVM on a free loopback port with its default in-memory storage. It serves
 * Confluent's Schema Registry REST API at {@link #ccompatUrl()}, set to Confluent's default compatibility (BACKWARD;
 * Apicurio's own default is NONE), and Apicurio's native API at {@link #registryApiUrl()}, which Apicurio's converters
 * use.
 *
 * <p>{@link #launch} only spawns the process, so a caller can start other things while it boots; {@link #awaitReady}
 * then waits for it. The process (and anything it spawned) is stopped by {@link #close()}, or by a JVM shutdown hook
 * if the test JVM ends without closing it.
 */
public final class ApicurioRegistryProcess implements AutoCloseable {

    /** System property naming the directory the {@code all} distribution was unpacked into (set by Surefire). */
    public static final String HOME_PROPERTY = "apicurio.registry.home";

    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistryProcess.class);
    private static final String HOST = "127.0.0.1";
    private static final String MAX_HEAP = "-Xmx384m";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final Path tmpDir;
    private final Path logFile;
    private final String baseUrl;
    private final CcompatClient ccompat;
    private final Thread shutdownHook;

    private ApicurioRegistryProcess(Process process, Path tmpDir, Path logFile, int port) {
        this.process = process;
        this.tmpDir = tmpDir;
        this.logFile = logFile;
        this.baseUrl = "http://" + HOST + ":" + port;
        this.ccompat = new CcompatClient(ccompatUrl());
        this.shutdownHook = new Thread(() -> ProcessTree.terminate(process.toHandle(), STOP_TIMEOUT),
                "apicurio-registry-reaper-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * The registry home from the {@value #HOME_PROPERTY} system property.
     *
     * @throws IllegalStateException when the property is not set, i.e. the test does not run under Maven
     */
    public static Path homeFromSystemProperty() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null) {
            throw new IllegalStateException("System property " + HOME_PROPERTY + " is not set; run the tests with "
                    + "Maven, which unpacks the registry in process-test-resources and sets it");
        }
        return Path.of(home);
    }

    /**
     * Spawns the registry without waiting for it to answer.
     *
     * @param home    the unpacked {@code apicurio-registry-app} {@code all} distribution
     * @param workDir where the process's temporary files and its log file go
     */
    public static ApicurioRegistryProcess launch(Path home, Path workDir) throws IOException {
        Path runnerJar = runnerJar(home);
        int port = freePort();
        Path tmpDir = Files.createDirectories(workDir.resolve("registry-" + port + "-tmp"));
        Path logFile = workDir.resolve("registry-" + port + ".log");
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                MAX_HEAP,
                "-XX:+UseSerialGC",
                // C1 only: the registry starts faster and a test never runs it long enough to profit from C2.
                "-XX:TieredStopAtLevel=1",
                // Vert.x writes its file cache under the temp dir; keep it inside the build directory.
                "-Djava.io.tmpdir=" + tmpDir,
                "-Dquarkus.http.host=" + HOST,
                "-Dquarkus.http.port=" + port,
                "-jar", runnerJar.toString());
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        log.info("Launched Apicurio Registry (pid {}) on port {}, log {}", process.pid(), port, logFile);
        return new ApicurioRegistryProcess(process, tmpDir, logFile, port);
    }

    /**
     * Waits until the ccompat API answers, then sets the global compatibility to BACKWARD.
     *
     * @throws IllegalStateException when the process exits or does not answer in time (its log file is named)
     */
    public ApicurioRegistryProcess awaitReady(Duration timeout) {
        try {
            Awaitility.await("Apicurio Registry at " + baseUrl + " (log: " + logFile + ")")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(200))
                    .until(this::answers);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        ccompat.setGlobalCompatibility("BACKWARD");
        return this;
    }

    /** Confluent's Schema Registry REST API, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return baseUrl + "/apis/ccompat/v7";
    }

    /** Apicurio's native v2 API, the value for the converters' {@code apicurio.registry.url}. */
    public String registryApiUrl() {
        return baseUrl + "/apis/registry/v2";
    }

    /** A client for the ccompat API. */
    public CcompatClient ccompat() {
        return ccompat;
    }

    /** The process id, for tests that check it is gone. */
    public long pid() {
        return process.pid();
    }

    /** Stops the registry and whatever it spawned, waits for them to exit and deletes their temporary files. */
    @Override
    public void close() {
        ProcessTree.terminate(process.toHandle(), STOP_TIMEOUT);
        deleteRecursively(tmpDir);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmAlreadyShuttingDown) {
            // The hook is running or about to run; it finds the process gone.
        }
        log.info("Stopped Apicurio Registry (pid {})", process.pid());
    }

    private boolean answers() {
        if (!process.isAlive()) {
            throw new IllegalStateException("Apicurio Registry exited with code " + process.exitValue()
                    + " before it answered; see " + logFile);
        }
        try {
            ccompat.globalCompatibility();
            return true;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(path);
            }
        } catch (IOException e) {
            log.warn("Could not delete the registry's temporary files in {}", dir, e);
        }
    }

    private static Path runnerJar(Path home) throws IOException {
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException("No Apicurio Registry at " + home
                    + "; `mvn process-test-resources` unpacks it there");
        }
        try (Stream<Path> files = Files.list(home)) {
            List<Path> runners = files.filter(f -> f.getFileName().toString().endsWith("-runner.jar"))
                    .collect(Collectors.toList());
            if (runners.size() != 1) {
                throw new IllegalStateException("Expected one *-runner.jar in " + home + ", found " + runners);
            }
            return runners.get(0);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }
}
