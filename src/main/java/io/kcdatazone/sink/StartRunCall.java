package io.kcdatazone.sink;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.metrics.TaskMetrics;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.utils.Time;
import software.amazon.awssdk.services.datazone.DataZoneAsyncClient;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunResponse;

/** One StartDataSourceRun call; the seam between the dispatcher's scheduling and the AWS SDK. */
@FunctionalInterface
public interface StartRunCall {

    /**
     * Starts a run. The token is always set explicitly: left null, the SDK would invent a random one per call, and a
     * redelivered request would start a second run.
     */
    CompletableFuture<StartDataSourceRunResponse> start(DataSourceRef request, String clientToken);

    /** This call, with the duration of each attempt (success or failure) on {@code time} recorded. */
    default StartRunCall timed(TaskMetrics.LatencyRecorder latency, Time time) {
        return (request, clientToken) -> latency.timed(time, () -> start(request, clientToken));
    }

    static StartRunCall using(DataZoneAsyncClient client) {
        return (request, clientToken) -> client.startDataSourceRun(b -> b
                .domainIdentifier(request.domainId())
                .dataSourceIdentifier(request.dataSourceId())
                .clientToken(clientToken));
    }
}
