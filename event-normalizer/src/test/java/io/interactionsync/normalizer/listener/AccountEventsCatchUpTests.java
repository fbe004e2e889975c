package io.interactionsync.normalizer.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.model.Topics;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** When raw-records may start: every account-events partition committed up to its end offset as of startup. */
class AccountEventsCatchUpTests {

    private static final TopicPartition P0 = new TopicPartition(Topics.ACCOUNT_EVENTS, 0);
    private static final TopicPartition P1 = new TopicPartition(Topics.ACCOUNT_EVENTS, 1);

    @Test
    void anEmptyTopicOrOneCommittedToItsEndIsCaughtUp() {
        assertThat(AccountEventsCatchUp.caughtUp(Map.of(), Map.of())).isTrue();
        assertThat(AccountEventsCatchUp.caughtUp(Map.of(P0, 0L, P1, 0L), Map.of())).as("nothing ever written").isTrue();
        assertThat(AccountEventsCatchUp.caughtUp(Map.of(P0, 5L, P1, 3L),
                Map.of(P0, new OffsetAndMetadata(5), P1, new OffsetAndMetadata(3)))).isTrue();
        assertThat(AccountEventsCatchUp.caughtUp(Map.of(P0, 5L),
                Map.of(P0, new OffsetAndMetadata(7)))).as("more applied since startup").isTrue();
    }

    @Test
    void aPartitionBehindOrNeverCommittedHoldsRawRecordsBack() {
        assertThat(AccountEventsCatchUp.behind(Map.of(P0, 5L, P1, 3L), Map.of(P0, new OffsetAndMetadata(5))))
                .as("partition 1 never committed: all 3 records ahead").isEqualTo(3);
        assertThat(AccountEventsCatchUp.behind(Map.of(P0, 5L, P1, 3L),
                Map.of(P0, new OffsetAndMetadata(2), P1, new OffsetAndMetadata(3)))).isEqualTo(3);
        assertThat(AccountEventsCatchUp.caughtUp(Map.of(P0, 5L, P1, 3L), Map.of(P0, new OffsetAndMetadata(4),
                P1, new OffsetAndMetadata(3)))).isFalse();
    }

    @Test
    void whatThisReplicaAppliedCountsBeforeItsOffsetCommit() {
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of(P0, new OffsetAndMetadata(2), P1, new OffsetAndMetadata(3));
        Map<TopicPartition, OffsetAndMetadata> appliedHere = Map.of(P0, new OffsetAndMetadata(5), P1, new OffsetAndMetadata(1));
        var merged = AccountEventsCatchUp.merged(committed, appliedHere);
        assertThat(merged.get(P0).offset()).as("applied here, commit pending").isEqualTo(5);
        assertThat(merged.get(P1).offset()).as("another replica committed further").isEqualTo(3);
        assertThat(AccountEventsCatchUp.caughtUp(Map.of(P0, 5L, P1, 3L), merged)).isTrue();
        assertThat(AccountEventsCatchUp.caughtUp(Map.of(P0, 5L, P1, 3L), committed)).isFalse();
    }
}
