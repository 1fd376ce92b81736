package io.kcdatazone.testkit;

/**
 * A further service a {@link KafkaConnectStack} runs for its tests, such as the DataZone simulator. Services start
 * after Kafka, the Connect workers and the registry (so they may use them), in the order they were added, and stop
 * before them in reverse order. A test reaches a service through {@link KafkaConnectStack#service(Class)}.
 */
public interface StackService extends AutoCloseable {

    /** Starts the service; returns once it answers. */
    void start(KafkaConnectStack stack) throws Exception;

    /** Stops the service and releases what it holds. */
    @Override
    void close();
}
