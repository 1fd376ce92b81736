package io.kcdatazone.source;

import io.kcdatazone.datazone.AwsCredentialsConfig;
import io.kcdatazone.datazone.DataZoneClients;
import io.kcdatazone.datazone.DataZoneConnectionConfig;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.SimulatorOptions;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/** A simulator on a test's clock for the poller tests, and the connector's DataZone clients pointed at it. */
final class SimulatorClients {

    private SimulatorClients() {
    }

    /** Runs may start whenever asked: no conflict while one is in progress, no daily quota. */
    static DataZoneSimulator startSimulator(Clock clock) {
        return DataZoneSimulator.start(SimulatorOptions.builder().clock(clock)
                .startsEveryRun().build());
    }

    /** Clients with test-only static keys. */
    static DataZoneClients open(DataZoneSimulator simulator, String name) {
        return DataZoneClients.open(config(simulator), name);
    }

    /** Clients with test-only static keys whose SDK makes one attempt per call, as the source task's. */
    static DataZoneClients openWithoutSdkRetries(DataZoneSimulator simulator, String name) {
        return DataZoneClients.openWithoutSdkRetries(config(simulator), name, DataZoneClients.DEFAULT_MAX_CONCURRENCY);
    }

    private static DataZoneConnectionConfig config(DataZoneSimulator simulator) {
        Map<String, String> props = Map.of(
                DataZoneConnectionConfig.REGION, "us-east-1",
                DataZoneConnectionConfig.ENDPOINT_OVERRIDE, simulator.endpoint().toString(),
                AwsCredentialsConfig.ACCESS_KEY_ID, "AKIATESTONLY",
                AwsCredentialsConfig.SECRET_ACCESS_KEY, "test-only-secret");
        return DataZoneConnectionConfig.from(
                new AbstractConfig(DataZoneConnectionConfig.define(new ConfigDef()), props));
    }
}
