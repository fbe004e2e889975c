package io.interactionsync.sync.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.model.Source;
import io.interactionsync.sync.JobControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the audit reads the normalizer's answers: missing, dead-lettered, and records still in flight. */
class IngestedClientTests {

    private static final JobControl CONTROL = new JobControl() {
        public boolean renewLease() { return true; }
        public boolean stopRequested() { return false; }
        public String owner() { return "test"; }
    };

    @Test
    void shouldAskAgainOnlyForTheMissingAndKeepWhatArrivedOnlyToBeDeadLettered() throws InterruptedException {
        List<List<String>> asked = new ArrayList<>();
        IngestedClient client = new IngestedClient((account, request) -> {
            asked.add(request.remoteIds());
            if (asked.size() == 1) { // "late" and "lost" still in flight; "poison" dead-lettered long ago
                return new NormalizerRestClient.IngestedResponse(4, List.of("late", "lost", "dying"),
                        List.of(new NormalizerRestClient.DeadLettered("poison", "schema_violation", "observedAt missing")));
            }
            // "late" arrived and was processed, "dying" arrived and was dead-lettered (no reason given)
            return new NormalizerRestClient.IngestedResponse(3, List.of("lost"),
                    List.of(new NormalizerRestClient.DeadLettered("dying", "write_failed", null)));
        });

        IngestedClient.Ingestion result = client.awaitIngested("acc-1", Source.GMAIL,
                List.of("ok", "late", "lost", "dying", "poison"), Duration.ofMillis(2_500), CONTROL);

        assertThat(asked.get(1)).containsExactlyInAnyOrder("late", "lost", "dying");
        assertThat(result.missing()).containsExactly("lost");
        assertThat(result.deadLettered()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "poison", "schema_violation: observedAt missing", "dying", "write_failed"));
    }

    @Test
    void shouldKeepWaitingWhileTheNormalizerMakesProgress() throws InterruptedException {
        // a backlog drains one record per ask; the patience (2.1 s) is shorter than the whole drain (1 + 2 s of pauses)
        List<String> backlog = new ArrayList<>(List.of("a", "b", "c"));
        IngestedClient client = new IngestedClient((account, request) -> {
            List<String> missing = List.copyOf(backlog);
            if (!backlog.isEmpty()) {
                backlog.remove(0);
            }
            return new NormalizerRestClient.IngestedResponse(request.remoteIds().size(), missing, List.of());
        });

        IngestedClient.Ingestion result = client.awaitIngested("acc-1", Source.GMAIL, List.of("a", "b", "c"),
                Duration.ofMillis(2_100), CONTROL);

        assertThat(result.missing()).as("what was still missing when the normalizer stopped making progress")
                .containsExactly("c");
    }

    @Test
    void shouldReadAnAnswerWithoutDeadLettersAsNone() {
        IngestedClient client = new IngestedClient((account, request) ->
                new NormalizerRestClient.IngestedResponse(2, List.of("b"), null));

        IngestedClient.Ingestion result = client.notIngested("acc-1", Source.GMAIL, List.of("a", "b"));

        assertThat(result.missing()).containsExactly("b");
        assertThat(result.deadLettered()).isEmpty();
    }
}
