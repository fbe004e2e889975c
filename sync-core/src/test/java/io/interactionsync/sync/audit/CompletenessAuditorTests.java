package io.interactionsync.sync.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.sync.JobControl;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.SyncSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The reconciliation of {@link CompletenessAuditor} against an in-memory provider side and normalizer: which gaps it
 * finds, how it repairs them, and the figures it reports.
 */
class CompletenessAuditorTests {

    private static final JobControl CONTROL = new JobControl() {
        public boolean renewLease() { return true; }
        public boolean stopRequested() { return false; }
        public String owner() { return "test"; }
    };

    /** The provider side: ids listed, the published table, what is really gone, what cannot be fetched. */
    static final class Target implements AuditTarget {
        final Set<String> listed = new HashSet<>();
        final Map<String, Boolean> published = new LinkedHashMap<>();
        final Set<String> reallyGone = new HashSet<>();
        final Set<String> drafts = new HashSet<>();
        final Set<String> failing = new HashSet<>();
        final List<String> republished = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();

        public Source source() { return Source.GMAIL; }
        public String mailbox() { return null; }
        public void listProvider(Consumer<String> sink) { listed.forEach(sink); }
        public Map<String, Boolean> published() { return published; }
        public Set<String> confirmGone(Collection<String> ids) {
            Set<String> out = new HashSet<>(ids);
            out.retainAll(reallyGone);
            return out;
        }
        public Repair republish(Collection<String> ids) {
            Set<String> ok = new HashSet<>();
            Set<String> notEligible = new HashSet<>();
            Map<String, String> failed = new LinkedHashMap<>();
            for (String id : ids) {
                if (drafts.contains(id)) {
                    notEligible.add(id);
                } else if (failing.contains(id)) {
                    failed.put(id, "still 503 after 6 attempts");
                } else {
                    ok.add(id);
                    republished.add(id);
                    published.put(id, true);
                }
            }
            return new Repair(ok, notEligible, failed);
        }
        public Set<String> publishDeletes(Collection<String> ids) {
            deleted.addAll(ids);
            ids.forEach(id -> published.put(id, false));
            return new HashSet<>(ids);
        }
    }

    private final Set<String> normalizerNeverSaw = new HashSet<>();
    private final Map<String, String> normalizerDeadLettered = new LinkedHashMap<>(); // id → code
    private final List<String> askedAbout = new ArrayList<>();
    private final CompletenessAuditor auditor = new CompletenessAuditor(new IngestedClient((account, request) -> {
        askedAbout.addAll(request.remoteIds());
        return new NormalizerRestClient.IngestedResponse(request.remoteIds().size(),
                request.remoteIds().stream().filter(normalizerNeverSaw::contains).toList(),
                request.remoteIds().stream().filter(normalizerDeadLettered::containsKey)
                        .map(id -> new NormalizerRestClient.DeadLettered(id, normalizerDeadLettered.get(id),
                                "internalDate is missing")).toList());
    }), null, service(), new SimpleMeterRegistry());

    @Test
    void shouldFindAndRepairEveryKindOfGap() throws InterruptedException {
        Target t = new Target();
        t.listed.addAll(List.of("a", "b", "c", "d"));
        t.published.putAll(Map.of("a", true, "b", true, "e", true, "d", false, "old", false));
        t.reallyGone.add("e");
        normalizerNeverSaw.add("b");

        AuditResult result = auditor.reconcile("acc-1", t, CONTROL);

        // c never published, d published deleted but present (a missed revival), b never processed, e deleted unseen
        assertThat(t.republished).containsExactlyInAnyOrder("c", "d", "b");
        assertThat(t.deleted).containsExactly("e");
        assertThat(result.completeness().providerCount()).isEqualTo(4);
        assertThat(result.completeness().ingestedCount()).isEqualTo(1); // of a, b only a
        assertThat(result.completeness().missing()).isEqualTo(4);
        assertThat(result.completeness().repaired()).isEqualTo(4);
        assertThat(result.complete()).isTrue();
        assertThat(result.lastError()).isNull();
    }

    /**
     * Re-publishing what the normalizer dead-lettered would only dead-letter it again (daily, and count it
     * "repaired"): it is reported instead, and keeps the source incomplete.
     */
    @Test
    void shouldReportWhatTheNormalizerDeadLetteredInsteadOfRepublishingIt() throws InterruptedException {
        Target t = new Target();
        t.listed.addAll(List.of("a", "b", "poison", "c"));
        t.published.putAll(Map.of("a", true, "b", true, "poison", true));
        normalizerNeverSaw.add("b");
        normalizerDeadLettered.put("poison", "unparseable_payload");

        AuditResult result = auditor.reconcile("acc-1", t, CONTROL);

        assertThat(askedAbout).contains("poison");
        assertThat(t.republished).containsExactlyInAnyOrder("b", "c").doesNotContain("poison");
        assertThat(result.completeness().providerCount()).isEqualTo(4);
        assertThat(result.completeness().ingestedCount()).isEqualTo(1); // of a, b, poison only a
        assertThat(result.completeness().missing()).isEqualTo(3);
        assertThat(result.completeness().repaired()).isEqualTo(2);
        assertThat(result.complete()).isFalse();
        assertThat(result.unresolvedIds()).containsExactly("poison");
        assertThat(result.lastError()).isEqualTo("1 record still missing after repair: poison (dead-lettered by the "
                + "normalizer (unparseable_payload: internalDate is missing))");
    }

    @Test
    void shouldNotDeleteWhatOnlyTheListingLost() throws InterruptedException {
        Target t = new Target();
        t.listed.add("a");
        t.published.putAll(Map.of("a", true, "lost-in-listing", true));

        AuditResult result = auditor.reconcile("acc-1", t, CONTROL);

        assertThat(t.deleted).isEmpty();
        assertThat(t.republished).isEmpty();
        assertThat(result.completeness().providerCount()).isEqualTo(2);
        assertThat(result.completeness().missing()).isZero();
        assertThat(result.complete()).isTrue();
    }

    @Test
    void shouldNotCountDraftsAsGapsAndReportWhatStillFails() throws InterruptedException {
        Target t = new Target();
        t.listed.addAll(List.of("a", "draft", "broken"));
        t.published.put("a", true);
        t.drafts.add("draft");
        t.failing.add("broken");

        AuditResult result = auditor.reconcile("acc-1", t, CONTROL);

        assertThat(result.completeness().providerCount()).isEqualTo(2);
        assertThat(result.completeness().missing()).isEqualTo(1);
        assertThat(result.completeness().repaired()).isZero();
        assertThat(result.complete()).isFalse();
        assertThat(result.unresolvedIds()).containsExactly("broken");
        assertThat(result.lastError()).isEqualTo("1 record still missing after repair: broken (still 503 after 6 attempts)");
    }

    private static SyncServiceDefinition service() {
        SyncSettings.Audit audit = new SyncSettings.Audit() {
            public boolean enabled() { return true; }
            public LocalTime windowStart() { return LocalTime.MIDNIGHT; }
            public Duration window() { return Duration.ofDays(1); }
            public Duration ingestWait() { return Duration.ZERO; }
            public int maxRepairs() { return 100; }
        };
        SyncSettings settings = new SyncSettings() {
            public Retry retry() { return null; }
            public Worker worker() { return null; }
            public Status status() { return null; }
            public Audit audit() { return audit; }
            public RawRecords rawRecords() { return null; }
            public Push push() { return null; }
        };
        return new SyncServiceDefinition("test-sync", Provider.GOOGLE, Set.of(Source.GMAIL), "test_sync", "testsync",
                List.of(), settings);
    }
}
