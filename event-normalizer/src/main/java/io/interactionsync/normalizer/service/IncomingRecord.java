package io.interactionsync.normalizer.service;

/** One Kafka record as consumed: where it came from and its exact bytes. */
public record IncomingRecord(String topic, int partition, long offset, String key, byte[] value) {
}
