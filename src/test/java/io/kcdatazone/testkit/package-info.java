/**
 * The integration test stack: real Kafka brokers and Connect workers in-process, Apicurio Registry serving
 * Confluent's Schema Registry API as a child process, and a hook for further services such as the DataZone simulator.
 * Start with {@link io.kcdatazone.testkit.KafkaConnectStack}; read connector output the way a Confluent consumer does
 * with {@link io.kcdatazone.testkit.ConfluentWireFormat}.
 */
package io.kcdatazone.testkit;
