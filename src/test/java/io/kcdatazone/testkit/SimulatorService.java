package io.kcdatazone.testkit;

import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.SimulatorOptions;

/**
 * The DataZone simulator as a service of a {@link KafkaConnectStack}: connectors reach it through
 * {@code datazone.endpoint.override}, tests script and inspect it through {@link #simulator()}.
 */
public final class SimulatorService implements StackService {

    private final SimulatorOptions options;
    private DataZoneSimulator simulator;

    public SimulatorService(SimulatorOptions options) {
        this.options = options;
    }

    public static SimulatorService withDefaults() {
        return new SimulatorService(SimulatorOptions.defaults());
    }

    /** A simulator where every Start starts a run ({@link SimulatorOptions.Builder#startsEveryRun()}). */
    public static SimulatorService startingEveryRun() {
        return new SimulatorService(SimulatorOptions.builder().startsEveryRun().build());
    }

    @Override
    public void start(KafkaConnectStack stack) {
        simulator = DataZoneSimulator.start(options);
    }

    public DataZoneSimulator simulator() {
        if (simulator == null) {
            throw new IllegalStateException("the simulator is not started");
        }
        return simulator;
    }

    @Override
    public void close() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }
}
