package io.kcdatazone.simulator;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator on its own: {@code java -jar datazone-simulator.jar [--port N] [--seed FILE]}. Prints
 * {@code ready <endpoint>} and one {@code data-source <domainId> <projectId> <dataSourceId>} line per seeded data
 * source, then serves until the process is stopped.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SimulatorOptions.Builder options = SimulatorOptions.builder();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> options.port(Integer.parseInt(required(args[i], value)));
                case "--seed" -> options.seed(SeedLoader.load(Path.of(required(args[i], value))));
                default -> {
                    System.err.println("usage: datazone-simulator [--port N] [--seed FILE]");
                    System.exit(2);
                }
            }
            i++;
        }
        DataZoneSimulator simulator = DataZoneSimulator.start(options.build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "datazone-simulator-shutdown"));

        System.out.println("ready " + simulator.endpoint());
        for (Seed.Domain domain : simulator.seed().domains()) {
            for (Seed.Project project : domain.projects()) {
                for (Seed.DataSource dataSource : project.dataSources()) {
                    System.out.println("data-source " + domain.id() + " " + project.id() + " " + dataSource.id());
                }
            }
        }
        System.out.flush();
        stopped.await();
    }

    private static String required(String option, String value) {
        if (value == null) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return value;
    }
}
