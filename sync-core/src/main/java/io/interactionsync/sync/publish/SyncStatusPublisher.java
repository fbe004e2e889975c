package io.interactionsync.sync.publish;

import io.interactionsync.model.LogSafe;
import io.interactionsync.model.SyncStatus;
import io.interactionsync.model.Topics;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** Publishes {@link SyncStatus} records keyed by account id. Status is advisory: a failed send is logged, not fatal. */
@ApplicationScoped
public class SyncStatusPublisher {

    public static final String CHANNEL = Topics.SYNC_STATUS;

    private final MutinyEmitter<SyncStatus> emitter;

    public SyncStatusPublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
                               MutinyEmitter<SyncStatus> emitter) {
        this.emitter = emitter;
    }

    public void publish(SyncStatus status) {
        emitter.sendMessage(Message.of(status, Metadata.of(
                        OutgoingKafkaRecordMetadata.<String>builder().withKey(status.accountId()).build())))
                .subscribe().with(ignored -> {
                }, failure -> Log.warnf("could not publish sync status of account %s: %s", status.accountId(),
                        LogSafe.redact(failure.getMessage())));
    }
}
