package io.interactionsync.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Source;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The changes of one benchmark run and when each was first seen in the query API and on {@code interaction-events}.
 * Every change has its own external contact address, so the one InteractionEvent it yields is recognised by that
 * address alone; the event's user and source must match too (else it is counted as mismatched, never as seen).
 * Times are {@link System#nanoTime()} readings; thread-safe (the topic consumer, the API poller and the change
 * loop share it).
 */
final class FreshnessLedger {

    /** Where an event is looked for. */
    enum Channel { API, TOPIC }

    /** One provider-side change: {@code t0} was read just before the emulator's control call. */
    record Change(int seq, Source source, String mailbox, String userId, String contact, long t0) {
    }

    private static final class Entry {
        final Change change;
        volatile long apiAt = -1;
        volatile long topicAt = -1;
        /** When the API last answered without the event (t0 before the first ask). */
        volatile long apiMissAt;
        /** {@code apiAt} minus the last answer without the event: how exactly the API sighting is known. */
        volatile long apiGap = -1;

        Entry(Change change) {
            this.change = change;
            this.apiMissAt = change.t0();
        }

        long at(Channel channel) {
            return channel == Channel.API ? apiAt : topicAt;
        }
    }

    private final Map<String, Entry> byContact = new ConcurrentHashMap<>();
    private final long missAfterNanos;
    private final AtomicInteger unmatched = new AtomicInteger();
    private final AtomicInteger mismatched = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();

    /** @param missAfterNanos a change not seen this long after its t0 is a miss */
    FreshnessLedger(long missAfterNanos) {
        this.missAfterNanos = missAfterNanos;
    }

    /** Registers a change before its control call, so that no record can arrive before it is known. */
    void register(Change change) {
        if (byContact.putIfAbsent(key(change.contact()), new Entry(change)) != null) {
            throw new IllegalArgumentException("contact used twice: " + change.contact());
        }
    }

    /** Forgets a change whose control call failed (it never happened at the provider). */
    void withdraw(Change change) {
        byContact.remove(key(change.contact()));
    }

    int size() {
        return byContact.size();
    }

    /** How many changes were seen on {@code channel} so far. */
    int seen(Channel channel) {
        return (int) byContact.values().stream().filter(e -> e.at(channel) >= 0).count();
    }

    /**
     * One InteractionEvent read from the topic at {@code at}. Returns the change it is the first sighting of, or null
     * (retractions ({@code deleted}), events of other contacts, repeats, and events whose user or source differ from
     * the change's are counted, not matched).
     */
    Change topicRecord(JsonNode event, long at) {
        if (event.path("deleted").asBoolean(false)) {
            return null;
        }
        Entry entry = byContact.get(key(event.path("contactEmail").asText("")));
        if (entry == null) {
            unmatched.incrementAndGet();
            return null;
        }
        if (!matches(entry.change, event)) {
            mismatched.incrementAndGet();
            return null;
        }
        synchronized (entry) {
            if (entry.topicAt >= 0) {
                duplicates.incrementAndGet();
                return null;
            }
            entry.topicAt = at;
        }
        return entry.change;
    }

    /**
     * The answer of {@code GET /api/v1/interaction-events?contact=…} for {@code change} received at {@code at}: true
     * (and recorded, the first time) when one of its items is the change's event.
     */
    boolean apiAnswer(Change change, JsonNode page, long at) {
        Entry entry = byContact.get(key(change.contact()));
        if (entry == null) {
            return false;
        }
        for (JsonNode item : page.path("items")) {
            if (key(item.path("contactEmail").asText("")).equals(key(change.contact())) && matches(change, item)) {
                synchronized (entry) {
                    if (entry.apiAt < 0) {
                        entry.apiAt = at;
                        entry.apiGap = at - entry.apiMissAt;
                    }
                }
                return true;
            }
        }
        synchronized (entry) {
            if (entry.apiAt < 0 && at > entry.apiMissAt) {
                entry.apiMissAt = at;
            }
        }
        return false;
    }

    /**
     * When {@code change} should next be asked for in the API: {@code minNanos} after the last answer without it, or
     * {@code share} of its age then if longer, so that the sighting is known to within that share of its latency
     * (a long wait is read less often).
     */
    long nextApiAsk(Change change, long minNanos, double share) {
        Entry entry = byContact.get(key(change.contact()));
        long last = entry == null ? change.t0() : entry.apiMissAt;
        return last + Math.max(minNanos, (long) ((last - change.t0()) * share));
    }

    private static boolean matches(Change change, JsonNode event) {
        return change.source().wireName().equals(event.path("source").asText())
                && change.userId().equals(event.path("userId").asText());
    }

    /** Changes not yet seen in the API and not yet timed out at {@code now}, oldest first. */
    List<Change> pendingApi(long now) {
        return byContact.values().stream().filter(e -> e.apiAt < 0 && now - e.change.t0() < missAfterNanos)
                .map(e -> e.change).sorted(Comparator.comparingInt(Change::seq)).toList();
    }

    /** Whether every change was seen on both channels or has timed out at {@code now}. */
    boolean settled(long now) {
        return byContact.values().stream().allMatch(e -> (e.apiAt >= 0 && e.topicAt >= 0)
                || now - e.change.t0() >= missAfterNanos);
    }

    /** Seconds from t0 to the first sighting on {@code channel}, or null when missed (never seen within the timeout). */
    private Double seconds(Entry e, Channel channel) {
        long at = e.at(channel);
        if (at < 0 || at - e.change.t0() >= missAfterNanos) {
            return null;
        }
        return (at - e.change.t0()) / 1e9;
    }

    /** The run's figures per channel: per source and over all sources; missed changes named. */
    Result result() {
        Map<Channel, Map<Source, FreshnessStats.Summary>> perSource = new EnumMap<>(Channel.class);
        Map<Channel, FreshnessStats.Summary> overall = new EnumMap<>(Channel.class);
        List<String> missed = new ArrayList<>();
        List<Entry> entries = byContact.values().stream().sorted(Comparator.comparingInt(e -> e.change.seq())).toList();
        for (Channel channel : Channel.values()) {
            Map<Source, FreshnessStats.Summary> bySource = new EnumMap<>(Source.class);
            List<Double> all = new ArrayList<>();
            int allMisses = 0;
            for (Source source : Source.values()) {
                List<Double> seen = new ArrayList<>();
                int misses = 0;
                for (Entry e : entries) {
                    if (e.change.source() != source) {
                        continue;
                    }
                    Double s = seconds(e, channel);
                    if (s == null) {
                        misses++;
                        missed.add(String.format(Locale.ROOT, "%s: change %d (%s, %s)", channel, e.change.seq(),
                                source.wireName(), e.change.mailbox()));
                    } else {
                        seen.add(s);
                    }
                }
                if (!seen.isEmpty() || misses > 0) {
                    bySource.put(source, FreshnessStats.summarize(seen, misses));
                }
                all.addAll(seen);
                allMisses += misses;
            }
            perSource.put(channel, bySource);
            overall.put(channel, FreshnessStats.summarize(all, allMisses));
        }
        List<Double> gaps = entries.stream().filter(e -> seconds(e, Channel.API) != null).map(e -> e.apiGap / 1e9)
                .toList();
        return new Result(perSource, overall, missed, unmatched.get(), mismatched.get(), duplicates.get(),
                FreshnessStats.summarize(gaps, 0));
    }

    /**
     * @param apiResolution per change seen in the API, the time between the last answer without its event and the
     *                      first with it: the API figures are upper bounds, exact to within this
     * @param unmatched  live events of contacts that are no change of this run
     * @param mismatched events of a change's contact for another user or source
     * @param duplicates further topic records of an already seen change
     */
    record Result(Map<Channel, Map<Source, FreshnessStats.Summary>> perSource,
                  Map<Channel, FreshnessStats.Summary> overall, List<String> missed, int unmatched, int mismatched,
                  int duplicates, FreshnessStats.Summary apiResolution) {
    }

    private static String key(String address) {
        return address.strip().toLowerCase(Locale.ROOT);
    }
}
