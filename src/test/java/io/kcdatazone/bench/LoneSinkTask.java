package io.kcdatazone.bench;

import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.sink.DataSourceRunSinkTask;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** A real sink task started outside a worker, for the benchmarks: one request partition, the simulator, a ledger. */
final class LoneSinkTask {

    private LoneSinkTask() {
    }

    /** Starts a task reading {@code requests}; 0 requests per second means no rate limit. */
    static DataSourceRunSinkTask start(TopicPartition requests, DataZoneSimulator simulator, String bootstrapServers,
                                       String ledgerTopic, int maxInFlight, int requestsPerSecond, int maxBuffered) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "bench-sink");
        props.put("topics", requests.topic());
        props.put("datazone.endpoint.override", simulator.endpoint().toString());
        props.put("datazone.region", "us-east-1");
        props.put("aws.access.key.id", "AKIDBENCH");
        props.put("aws.secret.access.key", "bench-secret");
        props.put("ledger.bootstrap.servers", bootstrapServers);
        props.put("ledger.topic", ledgerTopic);
        props.put("max.in.flight.requests", Integer.toString(maxInFlight));
        props.put("datazone.requests.per.second", Integer.toString(requestsPerSecond));
        props.put("max.buffered.records", Integer.toString(maxBuffered));
        DataSourceRunSinkTask task = new DataSourceRunSinkTask();
        task.initialize(new Context(requests));
        task.start(props);
        return task;
    }

    /** The worker's side of the task contract, reduced to what a lone task needs: nothing to pause or commit. */
    private static final class Context implements SinkTaskContext {

        private final TopicPartition partition;

        Context(TopicPartition partition) {
            this.partition = partition;
        }

        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
        }

        @Override
        public void timeout(long timeoutMs) {
        }

        @Override
        public Set<TopicPartition> assignment() {
            return Set.of(partition);
        }

        @Override
        public void pause(TopicPartition... partitions) {
        }

        @Override
        public void resume(TopicPartition... partitions) {
        }

        @Override
        public void requestCommit() {
        }
    }
}
