package io.kcdatazone.chaos;

import io.kcdatazone.ledger.RequestCoordinates;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces the chaos run's request records at a steady pace and remembers where each one landed: {@code validKeys}
 * valid requests spread over the data sources, every 25th followed by a repeat of an earlier key (a second record,
 * the same run), and every 33rd by a malformed record of one of several kinds.
 */
final class RequestStream implements AutoCloseable {

    /** A record to send. */
    record Planned(String key, String value, boolean malformed) {
    }

    private static final List<String> MALFORMED = List.of(
            "{not json",
            "[{\"domainIdentifier\": \"%s\"}]",
            "{\"domainIdentifier\": \"%s\"}",
            "{\"domainIdentifier\": \"%s\", \"dataSourceIdentifier\": 7}",
            "{\"domainIdentifier\": \"%s\", \"dataSourceIdentifier\": \"not a valid id!\"}",
            "");

    private final String topic;
    private final List<Planned> plan;
    private final KafkaProducer<String, String> producer;
    private final List<SentRequest> sent = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final CountDownLatch acknowledged;
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "chaos-request-stream");
        thread.setDaemon(true);
        return thread;
    });

    RequestStream(String bootstrapServers, String topic, List<Planned> plan) {
        this.topic = topic;
        this.plan = List.copyOf(plan);
        this.acknowledged = new CountDownLatch(plan.size());
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // Rides out the broker faults.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000),
                new StringSerializer(), new StringSerializer());
    }

    /** The plan: valid requests over {@code dataSources} data sources, with repeats and malformed records. */
    static List<Planned> plan(int validKeys, List<String> dataSources, String domain) {
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < validKeys; i++) {
            plan.add(valid(i, dataSources, domain));
            if (i > 0 && i % 25 == 0) {
                // Alternately a key still in flight and one long finished.
                int earlier = (i / 25) % 2 == 0 ? i - 3 : Math.max(0, i - 100);
                plan.add(valid(earlier, dataSources, domain));
            }
            if (i % 33 == 16) {
                int kind = (i / 33) % MALFORMED.size();
                plan.add(new Planned(String.format("malformed-%04d", i),
                        String.format(MALFORMED.get(kind), domain), true));
            }
        }
        return plan;
    }

    private static Planned valid(int index, List<String> dataSources, String domain) {
        return request(String.format("chaos-%04d", index), dataSources.get(index % dataSources.size()), domain);
    }

    /** A valid request for one run of {@code dataSource}. */
    static Planned request(String key, String dataSource, String domain) {
        return new Planned(key, "{\"domainIdentifier\": \"" + domain + "\", \"dataSourceIdentifier\": \""
                + dataSource + "\"}", false);
    }

    /** Starts sending, one record per {@code interval}. */
    void start(Duration interval) {
        AtomicInteger next = new AtomicInteger();
        pacer.scheduleAtFixedRate(() -> {
            int index = next.getAndIncrement();
            if (index >= plan.size()) {
                pacer.shutdown();
                return;
            }
            send(plan.get(index));
        }, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void send(Planned request) {
        producer.send(new ProducerRecord<>(topic, request.key(), request.value()), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            } else {
                sent.add(new SentRequest(new RequestCoordinates(topic, metadata.partition(), metadata.offset()),
                        request.key(), request.malformed()));
            }
            acknowledged.countDown();
        });
    }

    /** How many records were acknowledged so far. */
    int sentCount() {
        return sent.size();
    }

    /** Waits until every planned record is acknowledged; returns them all. */
    List<SentRequest> awaitAllSent(Duration timeout) throws InterruptedException {
        if (!acknowledged.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("only " + sent.size() + " of " + plan.size() + " requests were acknowledged"
                    + " within " + timeout);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a request could not be produced", failure.get());
        }
        return List.copyOf(sent);
    }

    @Override
    public void close() {
        pacer.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
