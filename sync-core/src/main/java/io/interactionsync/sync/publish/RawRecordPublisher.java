package io.interactionsync.sync.publish;

import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Topics;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes a step's raw records keyed by account id, sealed with their owner's data key ({@link RawRecordSealer}),
 * and waits for Kafka to acknowledge all of them: only then may the cursor that covers them be saved.
 */
@ApplicationScoped
public class RawRecordPublisher {

    /** Channel name shared by code and configuration. */
    public static final String CHANNEL = Topics.RAW_RECORDS;

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

    private final MutinyEmitter<RawRecord> emitter;
    private final RawRecordSealer sealer;

    public RawRecordPublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                              MutinyEmitter<RawRecord> emitter, RawRecordSealer sealer) {
        this.emitter = emitter;
        this.sealer = sealer;
    }

    /**
     * Seals and sends all records and returns once every one is acknowledged; throws if any is not. A data key the
     * connector reports erased throws {@code AccountGoneException} (nothing is sent), an unreachable connector
     * {@code ConnectorUnavailableException}.
     */
    public void publishAndAwait(List<RawRecord> plain) throws InterruptedException {
        if (plain.isEmpty()) {
            return;
        }
        List<RawRecord> records = sealer.seal(plain);
        CompletableFuture<?>[] acks = records.stream().map(r -> emitter.sendMessage(Message.of(r, Metadata.of(
                        OutgoingKafkaRecordMetadata.<String>builder().withKey(r.accountId()).build())))
                .subscribeAsCompletionStage()).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(acks).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new PublishException("Kafka did not acknowledge " + records.size() + " raw records", e);
        }
    }

    /** Kafka did not acknowledge: the step is not saved and will be redone. */
    public static class PublishException extends RuntimeException {
        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
