package io.interactionsync.sync.audit;

import io.interactionsync.model.Completeness;
import io.interactionsync.sync.JobControl;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.SyncSettings;
import io.quarkus.logging.Log;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The completeness audit of one account × source (× shared mailbox): an id-level reconciliation of
 * <ol>
 *   <li>what the provider holds inside the horizon ({@link AuditTarget#listProvider}),</li>
 *   <li>what this service published ({@link AuditTarget#published}), and</li>
 *   <li>what the normalizer processed ({@link IngestedClient}),</li>
 * </ol>
 * then the repair of every gap: provider records never published (or published deleted but present again) are
 * fetched and published; published records the normalizer never saw are published again; published records the
 * provider no longer has (confirmed one by one, since a listing may itself lose items) get a delete. Records the
 * normalizer dead-lettered are not published again (they would only be dead-lettered again, every day): they count
 * as missing and stay open, named with the dead letter's code and reason, until a valid record of them reaches the
 * normalizer (a later change at the provider, or a replay after a fix). The result is saved ({@link AuditStore}) and
 * counted; {@code missing − repaired} still open makes the source {@code incomplete}.
 */
@ApplicationScoped
public class CompletenessAuditor {

    private final IngestedClient ingested;
    private final AuditStore store;
    private final SyncSettings.Audit settings;
    private final MeterRegistry registry;
    private final String prefix;
    private final AuditSchedule schedule;
    private final Clock clock = Clock.systemUTC();

    public CompletenessAuditor(IngestedClient ingested, AuditStore store, SyncServiceDefinition service,
                               MeterRegistry registry) {
        this.ingested = ingested;
        this.store = store;
        this.settings = service.settings().audit();
        this.registry = registry;
        this.prefix = service.metricPrefix();
        this.schedule = new AuditSchedule(settings.windowStart(), settings.window());
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * Whether {@code target} should be audited now: asked for, or not audited since its account's daily slot
     * ({@link AuditSchedule}: spread over {@code audit.window} from {@code audit.window-start}).
     */
    public boolean due(String accountId, AuditTarget target, boolean requested) {
        return settings.enabled() && (requested || dailyDue(accountId,
                store.last(accountId, target.source(), target.mailbox()).map(r -> r.completeness().checkedAt())));
    }

    /**
     * The daily part of {@link #due}, for audits whose last run is kept elsewhere (a shared mailbox audited once for
     * all its subscribers): {@code slotKey} picks the slot, e.g. the account id or the mailbox address.
     */
    public boolean dailyDue(String slotKey, Optional<Instant> lastAudit) {
        return schedule.due(slotKey, lastAudit, clock.instant());
    }

    /** The last audit of a source, if any (to report its state on later runs). */
    public Optional<AuditResult> last(String accountId, AuditTarget target) {
        return store.last(accountId, target.source(), target.mailbox());
    }

    /** Audits and repairs {@code target} of {@code accountId}; the result is saved, counted and returned. */
    public AuditResult audit(String accountId, AuditTarget target, JobControl control) throws InterruptedException {
        Timer.Sample timing = Timer.start(registry);
        String source = target.source().wireName();
        AuditResult result = reconcile(accountId, target, control);
        store.save(accountId, target.source(), target.mailbox(), result);
        Completeness c = result.completeness();
        registry.counter(prefix + ".audit.missing", "source", source).increment(c.missing());
        registry.counter(prefix + ".audit.repaired", "source", source).increment(c.repaired());
        registry.counter(prefix + ".audit.runs", "source", source, "result", result.complete() ? "complete" : "incomplete")
                .increment();
        timing.stop(registry.timer(prefix + ".audit.duration", "source", source));
        return result;
    }

    /** The reconciliation and repair, without saving. */
    AuditResult reconcile(String accountId, AuditTarget target, JobControl control) throws InterruptedException {
        String source = target.source().wireName();

        Set<String> provider = new LinkedHashSet<>();
        target.listProvider(provider::add);
        Map<String, Boolean> published = target.published();
        renew(control);

        // Published live, but not listed: gone for real, or only missing from the listing.
        List<String> unlisted = published.entrySet().stream()
                .filter(e -> e.getValue() && !provider.contains(e.getKey())).map(Map.Entry::getKey).toList();
        // Each confirmation costs a provider call: at most max-repairs of them; the rest count as present this time.
        List<String> toConfirm = unlisted.subList(0, Math.min(unlisted.size(), settings.maxRepairs()));
        Set<String> gone = toConfirm.isEmpty() ? Set.of() : target.confirmGone(toConfirm);
        unlisted.stream().filter(id -> !gone.contains(id)).forEach(provider::add);

        Set<String> unpublished = provider.stream().filter(id -> !Boolean.TRUE.equals(published.get(id)))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        Set<String> publishedLive = provider.stream().filter(id -> Boolean.TRUE.equals(published.get(id)))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        IngestedClient.Ingestion ingestion = notIngested(accountId, target, publishedLive, control);
        Set<String> notIngested = ingestion.missing();
        Map<String, String> deadLettered = ingestion.deadLettered();
        renew(control);

        // Repair, within the per-audit budget; what does not fit stays open for the next audit.
        Set<String> toFetch = new LinkedHashSet<>(unpublished);
        toFetch.addAll(notIngested);
        List<String> fetchNow = new ArrayList<>(toFetch).subList(0, Math.min(toFetch.size(), settings.maxRepairs()));
        List<String> deleteNow = new ArrayList<>(gone).subList(0,
                Math.min(gone.size(), Math.max(0, settings.maxRepairs() - fetchNow.size())));
        AuditTarget.Repair repair = fetchNow.isEmpty() ? new AuditTarget.Repair(Set.of(), Set.of(), Map.of())
                : target.republish(fetchNow);
        Set<String> deleted = deleteNow.isEmpty() ? Set.of() : target.publishDeletes(deleteNow);

        Set<String> notEligible = repair.notEligible();
        long providerCount = provider.stream().filter(id -> !notEligible.contains(id)).count();
        long missing = toFetch.stream().filter(id -> !notEligible.contains(id)).count() + gone.size()
                + deadLettered.size();
        long repaired = repair.published().size() + deleted.size();
        Map<String, String> open = new LinkedHashMap<>();
        // first: they stay open until something changes, so lastError names them even beside many transient failures
        deadLettered.forEach((id, why) -> open.put(id, "dead-lettered by the normalizer (" + why + ")"));
        toFetch.stream().filter(id -> !notEligible.contains(id) && !repair.published().contains(id))
                .forEach(id -> open.put(id, repair.failed().getOrDefault(id, "not repaired in this audit (limit "
                        + settings.maxRepairs() + ")")));
        gone.stream().filter(id -> !deleted.contains(id)).forEach(id -> open.put(id, "delete not published"));
        long ingestedCount = publishedLive.size() - notIngested.size() - deadLettered.size();

        Completeness completeness = new Completeness(clock.instant(), providerCount, ingestedCount, missing, repaired);
        AuditResult result = new AuditResult(completeness, open.keySet().stream().limit(AuditResult.SAMPLE).toList(),
                open.isEmpty() ? null : describe(open));
        Log.infof("audit of %s%s: provider %d, ingested %d, missing %d (never published %d, not processed %d, "
                        + "dead-lettered %d, deletions %d), repaired %d%s%s", source,
                target.mailbox() == null ? "" : " (shared mailbox)", providerCount, ingestedCount, missing,
                unpublished.size(), notIngested.size(), deadLettered.size(), gone.size(), repaired,
                open.isEmpty() ? "" : ", still open " + open.size(), target.note());
        return result;
    }

    private IngestedClient.Ingestion notIngested(String accountId, AuditTarget target, Set<String> ids,
                                                 JobControl control) throws InterruptedException {
        Map<String, List<String>> byAccount = new LinkedHashMap<>();
        for (String id : ids) {
            byAccount.computeIfAbsent(target.ingestAccount(accountId, id), k -> new ArrayList<>()).add(id);
        }
        IngestedClient.Ingestion out = IngestedClient.Ingestion.COMPLETE;
        for (Map.Entry<String, List<String>> e : byAccount.entrySet()) {
            out = out.plus(ingested.awaitIngested(e.getKey(), target.source(), e.getValue(), settings.ingestWait(),
                    control));
        }
        return out;
    }

    /** Between phases: a shutdown or a lost lease ends the audit (the job is released and the audit runs again). */
    private static void renew(JobControl control) {
        if (control.stopRequested() || !control.renewLease()) {
            throw new RetryLaterException("audit interrupted (shutdown or lease lost)", Instant.now());
        }
    }

    /** "3 records still missing after repair: id1 (reason), id2 (reason), …". */
    static String describe(Map<String, String> open) {
        String sample = open.entrySet().stream().limit(5).map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
        return open.size() + " record" + (open.size() == 1 ? "" : "s") + " still missing after repair: " + sample
                + (open.size() > 5 ? ", …" : "");
    }
}
