package io.kcdatazone.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java process started on a classpath of its choosing, its output in a log file (the demo's processes, and workers
 * that need an environment of their own). {@link #close()} asks it
 * to stop (SIGTERM, so Kafka shuts down cleanly), then kills it and anything it spawned.
 */
public final class ChildJvm implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Process process;
    private final Path logFile;

    private ChildJvm(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * @param jvmOptions options before the main class, e.g. {@code -Xmx512m}
     */
    public static ChildJvm start(String name, String classpath, List<String> jvmOptions, String mainClass,
            List<String> args, Path logFile) throws IOException {
        return start(name, classpath, jvmOptions, mainClass, args, Map.of(), logFile);
    }

    /**
     * @param environment variables added to this JVM's environment for the child
     */
    public static ChildJvm start(String name, String classpath, List<String> jvmOptions, String mainClass,
            List<String> args, Map<String, String> environment, Path logFile) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        return new ChildJvm(name, process, logFile);
    }

    /** Runs a child JVM to completion, e.g. a command-line tool. */
    public static void run(String name, String classpath, List<String> jvmOptions, String mainClass, List<String> args,
            Path logFile, Duration timeout) throws IOException, InterruptedException {
        try (ChildJvm tool = start(name, classpath, jvmOptions, mainClass, args, logFile)) {
            if (!tool.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not finish within " + timeout + "; see " + logFile);
            }
            if (tool.process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed with exit code " + tool.process.exitValue()
                        + "; see " + logFile);
            }
        }
    }

    /** Fails with the log file named if the process has exited. */
    public void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; see " + logFile);
        }
    }

    public Path logFile() {
        return logFile;
    }

    @Override
    public void close() {
        ProcessTree.terminate(process.toHandle(), STOP_TIMEOUT);
    }
}
