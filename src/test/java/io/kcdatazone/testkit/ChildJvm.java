package io.kcdatazone.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java process started on a classpath of its choosing, its output in a log file: the demo's processes, and Connect
 * workers a test needs outside its own JVM (to kill one, or to give it an environment of its own). {@link #close()}
 * asks it to stop (SIGTERM, so Kafka shuts down cleanly), then kills it and anything it spawned.
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
     * Kills the process and its children when this JVM exits, so a test that dies before its clean-up (or a fork
     * Surefire ends on timeout) leaves no Kafka node or Connect worker running; removed once the process has exited.
     */
    private ChildJvm withKillOnExit() {
        Thread hook = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }, "kill " + name + " on exit");
        Runtime.getRuntime().addShutdownHook(hook);
        process.onExit().thenRun(() -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway, on a process already gone.
            }
        });
        return this;
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
        return new ChildJvm(name, process, logFile).withKillOnExit();
    }

    /**
     * A small JVM on this test JVM's classpath, writing its output to {@code workDir/<logName>}. The test logging
     * configuration writes under {@code ${basedir}}, so the child's goes to {@code workDir}, not over ours.
     */
    public static ChildJvm onTestClasspath(String name, String mainClass, List<String> args,
            Map<String, String> environment, Path workDir, String logName) throws IOException {
        Files.createDirectories(workDir);
        return start(name, System.getProperty("java.class.path"),
                List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Dbasedir=" + workDir.toAbsolutePath()),
                mainClass, args, environment, workDir.resolve(logName));
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

    /** SIGKILL, the way a machine dies, then waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " (" + process.pid() + ") survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + name, e);
        }
    }

    /**
     * {@code SIGTERM}, so the process shuts down cleanly (Kafka: a controlled shutdown), then waits until it has
     * exited; returns its exit code.
     *
     * @throws IllegalStateException when it is still running after {@code timeout} (it is then killed)
     */
    public int stop(Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new IllegalStateException(name + " (" + process.pid() + ") did not stop within " + timeout
                        + " of SIGTERM and was killed; see " + logFile);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + name, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
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
