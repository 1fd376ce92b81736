package io.kcdatazone.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds transactions left open on partitions, the way {@code kafka-transactions.sh find-hanging} does: a producer
 * whose transaction on a partition began longer ago than {@code olderThan}, with what its coordinator says about it
 * (a hanging transaction is one the coordinator no longer counts as ongoing on that partition). An open transaction
 * holds the partition's last stable offset, so {@code read_committed} readers (Connect reading its offsets topic at
 * task start-up) wait behind it.
 */
public final class HangingTransactions {

    private HangingTransactions() {
    }

    /**
     * One line of evidence per transaction open on a partition of {@code topics} for longer than {@code olderThan};
     * empty when there is none.
     */
    public static List<String> find(Admin admin, Collection<String> topics, Duration olderThan) throws Exception {
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                .get(30, TimeUnit.SECONDS);
        List<TopicPartition> partitions = described.values().stream()
                .flatMap(topic -> topic.partitions().stream()
                        .map(partition -> new TopicPartition(topic.name(), partition.partition())))
                .toList();
        Map<TopicPartition, PartitionProducerState> producers = admin.describeProducers(partitions).all()
                .get(30, TimeUnit.SECONDS);
        long now = System.currentTimeMillis();
        List<String> evidence = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionProducerState> entry : producers.entrySet()) {
            for (ProducerState producer : entry.getValue().activeProducers()) {
                if (producer.currentTransactionStartOffset().isPresent()
                        && now - producer.lastTimestamp() > olderThan.toMillis()) {
                    evidence.add(entry.getKey() + ": " + producer + "; coordinator: "
                            + coordinatorView(admin, producer.producerId(), entry.getKey()));
                }
            }
        }
        return evidence;
    }

    /** What the transaction coordinator knows of the producer's transaction, and whether it covers the partition. */
    private static String coordinatorView(Admin admin, long producerId, TopicPartition partition) throws Exception {
        Collection<TransactionListing> listings = admin.listTransactions(new ListTransactionsOptions()
                .filterProducerIds(Set.of(producerId))).all().get(30, TimeUnit.SECONDS);
        if (listings.isEmpty()) {
            return "no transactional id has producer id " + producerId + " (hanging)";
        }
        Set<String> ids = listings.stream().map(TransactionListing::transactionalId).collect(Collectors.toSet());
        Map<String, TransactionDescription> descriptions = admin.describeTransactions(ids).all()
                .get(30, TimeUnit.SECONDS);
        return descriptions.entrySet().stream().map(d -> d.getKey() + " " + d.getValue().state() + " epoch "
                        + d.getValue().producerEpoch() + " partitions " + d.getValue().topicPartitions()
                        + (d.getValue().topicPartitions().contains(partition) ? "" : " (hanging: not this partition)"))
                .collect(Collectors.joining("; "));
    }
}
