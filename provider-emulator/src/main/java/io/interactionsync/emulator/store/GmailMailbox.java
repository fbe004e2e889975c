package io.interactionsync.emulator.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.emulator.store.HistoryRecord.Type;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * One user's Gmail mailbox: messages indexed by id and ordered newest first (internalDate, then id), plus the
 * history log. Every mutation gets the next historyId. Thread-safe (all access under the mailbox's monitor).
 */
public final class GmailMailbox {

    /** Ordering of messages.list: newest internalDate first, ties by id descending. */
    public static final Comparator<GmailMessage> NEWEST_FIRST = Comparator
            .comparingLong(GmailMessage::internalDate).reversed()
            .thenComparing(GmailMessage::id, Comparator.reverseOrder());

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long FIRST_HISTORY_ID = 1000;

    private final Map<String, GmailMessage> byId = new HashMap<>();
    private final TreeSet<GmailMessage> ordered = new TreeSet<>(NEWEST_FIRST);
    private final Map<String, TreeSet<GmailMessage>> threads = new HashMap<>();
    private final List<HistoryRecord> history = new ArrayList<>();
    /** Display names of user labels ({@code Label_1} → "Clients"); labels.list falls back to the id. */
    private final Map<String, String> labelNames = new HashMap<>();
    private long historyId;
    /** Told of every new history record (provider push); called under the mailbox's monitor, so it must not block. */
    private volatile Consumer<HistoryRecord> listener = r -> {
    };
    /** history.list with a startHistoryId below this answers 404. */
    private long oldestValidStart;

    public GmailMailbox() {
        this(FIRST_HISTORY_ID);
    }

    /** A mailbox continuing after {@code previousHistoryId} (a replaced user keeps increasing ids). */
    public GmailMailbox(long previousHistoryId) {
        historyId = Math.max(FIRST_HISTORY_ID, previousHistoryId);
        oldestValidStart = historyId;
    }

    private static final Comparator<GmailMessage> OLDEST_FIRST = Comparator
            .comparingLong(GmailMessage::internalDate).thenComparing(GmailMessage::id);

    private void index(GmailMessage m) {
        byId.put(m.id(), m);
        ordered.add(m);
        threads.computeIfAbsent(m.threadId(), k -> new TreeSet<>(OLDEST_FIRST)).add(m);
    }

    private void unindex(GmailMessage m) {
        byId.remove(m.id());
        ordered.remove(m);
        TreeSet<GmailMessage> thread = threads.get(m.threadId());
        if (thread != null) {
            thread.remove(m);
            if (thread.isEmpty()) {
                threads.remove(m.threadId());
            }
        }
    }

    /** Replaces the listener told of every new history record (see {@link EmulatorStore#listener}). */
    public void onChange(Consumer<HistoryRecord> changes) {
        this.listener = changes;
    }

    private void record(HistoryRecord r) {
        history.add(r);
        listener.accept(r);
    }

    public synchronized long historyId() {
        return historyId;
    }

    public synchronized long oldestValidStart() {
        return oldestValidStart;
    }

    /**
     * Forgets all history so far: every startHistoryId handed out until now (including the current one) answers
     * 404; the history id moves on by one so that a fresh getProfile gives a valid start again.
     */
    public synchronized void expireHistory() {
        history.clear();
        historyId++;
        oldestValidStart = historyId;
    }

    /**
     * Adds or replaces a message. A new message is a messageAdded change; a known id with other labels is
     * recorded as labelsAdded/labelsRemoved. Missing id/threadId/historyId/internalDate are assigned.
     */
    public synchronized GmailMessage upsert(JsonNode json) {
        String givenId = json.hasNonNull("id") ? json.get("id").asText() : null;
        String id = givenId == null || givenId.isEmpty() ? newId() : givenId;
        long loadedHistory = GmailMessage.loadedHistoryId(json);
        long nextHistory = loadedHistory > historyId ? loadedHistory : historyId + 1;
        GmailMessage parsed = GmailMessage.fromJson(json, id, nextHistory, defaultInternalDate(json));
        historyId = nextHistory;
        GmailMessage previous = byId.get(id);
        if (previous != null) {
            unindex(previous);
            List<String> added = parsed.labelIds().stream().filter(l -> !previous.hasLabel(l)).toList();
            List<String> removed = previous.labelIds().stream().filter(l -> !parsed.hasLabel(l)).toList();
            if (!added.isEmpty()) {
                record(new HistoryRecord(historyId, Type.LABEL_ADDED, id, parsed.threadId(), parsed.labelIds(), added));
            }
            if (!removed.isEmpty()) {
                record(new HistoryRecord(historyId, Type.LABEL_REMOVED, id, parsed.threadId(), parsed.labelIds(), removed));
            }
        } else {
            record(new HistoryRecord(historyId, Type.MESSAGE_ADDED, id, parsed.threadId(), parsed.labelIds(), List.of()));
        }
        index(parsed);
        return parsed;
    }

    /**
     * Bulk load of generated messages: assigned history ids in internalDate order (oldest first), then the
     * history is cleared (a freshly loaded mailbox has nothing to replay). Existing ids are replaced.
     */
    public synchronized void load(List<GmailMessage> messages) {
        List<GmailMessage> sorted = new ArrayList<>(messages);
        sorted.sort(Comparator.comparingLong(GmailMessage::internalDate).thenComparing(GmailMessage::id));
        for (GmailMessage m : sorted) {
            historyId++;
            GmailMessage stored = m.withHistoryId(historyId);
            GmailMessage previous = byId.get(stored.id());
            if (previous != null) {
                unindex(previous);
            }
            index(stored);
        }
        expireHistory();
    }

    /** Changes the labels of a message (labelsAdded/labelsRemoved history). Empty when unknown. */
    public synchronized Optional<GmailMessage> modifyLabels(String id, Collection<String> add, Collection<String> remove) {
        GmailMessage previous = byId.get(id);
        if (previous == null) {
            return Optional.empty();
        }
        List<String> labels = new ArrayList<>(previous.labelIds());
        List<String> added = add.stream().filter(l -> !labels.contains(l)).distinct().toList();
        List<String> removed = remove.stream().filter(labels::contains).distinct().toList();
        if (added.isEmpty() && removed.isEmpty()) {
            return Optional.of(previous);
        }
        labels.addAll(added);
        labels.removeAll(removed);
        historyId++;
        GmailMessage changed = previous.withLabels(labels, historyId);
        if (!added.isEmpty()) {
            record(new HistoryRecord(historyId, Type.LABEL_ADDED, id, changed.threadId(), labels, added));
        }
        if (!removed.isEmpty()) {
            record(new HistoryRecord(historyId, Type.LABEL_REMOVED, id, changed.threadId(), labels, removed));
        }
        unindex(previous);
        index(changed);
        return Optional.of(changed);
    }

    /**
     * messages.trash as a label change: TRASH added and INBOX removed in one history id (labelsAdded +
     * labelsRemoved), as Gmail reports it (API-FACTS). Empty when unknown.
     */
    public Optional<GmailMessage> trash(String id) {
        return modifyLabels(id, List.of("TRASH"), List.of("INBOX"));
    }

    /**
     * messages.untrash as a label change: TRASH removed (labelsRemoved). Whether Gmail puts INBOX back is not
     * documented; the emulator does not, so an untrashed message is like an archived one. Empty when unknown.
     */
    public Optional<GmailMessage> untrash(String id) {
        return modifyLabels(id, List.of(), List.of("TRASH"));
    }

    /** Names a user label (labels.list answers {@code {id, name, type: user}}). */
    public synchronized void nameLabel(String id, String name) {
        labelNames.put(id, name);
    }

    /** The display name of a user label, or its id when it was never named. */
    public synchronized String labelName(String id) {
        return labelNames.getOrDefault(id, id);
    }

    /** Permanently deletes a message (messageDeleted history). False when unknown. */
    public synchronized boolean delete(String id) {
        GmailMessage previous = byId.get(id);
        if (previous == null) {
            return false;
        }
        unindex(previous);
        historyId++;
        record(new HistoryRecord(historyId, Type.MESSAGE_DELETED, id, previous.threadId(), previous.labelIds(), List.of()));
        return true;
    }

    public synchronized Optional<GmailMessage> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public synchronized int size() {
        return byId.size();
    }

    public synchronized int threadCount() {
        return threads.size();
    }

    /** All messages of a thread, oldest first (the order threads.get uses); empty when unknown. */
    public synchronized List<GmailMessage> thread(String threadId) {
        TreeSet<GmailMessage> thread = threads.get(threadId);
        return thread == null ? List.of() : new ArrayList<>(thread);
    }

    /** A thread as threads.list reports it: id, latest message (snippet, date), highest historyId. */
    public record ThreadSummary(String id, GmailMessage latest, long historyId) {
    }

    /** A page of threads.list. */
    public record ThreadPage(List<ThreadSummary> threads, boolean more, int matching) {
    }

    /**
     * Threads whose (non-spam/trash unless asked) messages together carry every label of {@code labels}, newest
     * activity first, after the position {@code afterDate}/{@code afterId}.
     */
    public synchronized ThreadPage listThreads(Set<String> labels, boolean includeSpamTrash, int max, Long afterDate,
            String afterId) {
        boolean skipSpam = !includeSpamTrash && !labels.contains("SPAM");
        boolean skipTrash = !includeSpamTrash && !labels.contains("TRASH");
        List<ThreadSummary> candidates = new ArrayList<>();
        for (Map.Entry<String, TreeSet<GmailMessage>> e : threads.entrySet()) {
            Set<String> union = new HashSet<>();
            GmailMessage latest = null;
            long maxHistory = 0;
            for (GmailMessage m : e.getValue()) {
                maxHistory = Math.max(maxHistory, m.historyId());
                if (skipSpam && m.hasLabel("SPAM") || skipTrash && m.hasLabel("TRASH")) {
                    continue;
                }
                union.addAll(m.labelIds());
                latest = m;
            }
            if (latest != null && union.containsAll(labels)) {
                candidates.add(new ThreadSummary(e.getKey(), latest, maxHistory));
            }
        }
        candidates.sort(Comparator.comparingLong((ThreadSummary t) -> t.latest().internalDate()).reversed()
                .thenComparing(ThreadSummary::id, Comparator.reverseOrder()));
        List<ThreadSummary> page = new ArrayList<>();
        boolean more = false;
        for (ThreadSummary t : candidates) {
            if (afterDate != null) {
                long d = t.latest().internalDate();
                if (d > afterDate || d == afterDate && t.id().compareTo(afterId) >= 0) {
                    continue;
                }
            }
            if (page.size() < max) {
                page.add(t);
            } else {
                more = true;
                break;
            }
        }
        return new ThreadPage(page, more, candidates.size());
    }

    /** A page of messages.list; {@code after} is the last message of the previous page (null for the first). */
    public record Page(List<GmailMessage> messages, GmailMessage last, boolean more, int matching) {
    }

    /**
     * Messages carrying every label of {@code labels}, newest first, after the {@code afterDate}/{@code afterId}
     * position. SPAM and TRASH are skipped unless {@code includeSpamTrash} or asked for by label.
     */
    public synchronized Page list(Set<String> labels, boolean includeSpamTrash, int max, Long afterDate, String afterId) {
        boolean skipSpam = !includeSpamTrash && !labels.contains("SPAM");
        boolean skipTrash = !includeSpamTrash && !labels.contains("TRASH");
        GmailMessage cursor = afterDate == null ? null
                : new GmailMessage(afterId, afterId, List.of(), "", 0, afterDate, 0, "", List.of(), null);
        List<GmailMessage> page = new ArrayList<>(Math.min(max, 512));
        boolean more = false;
        int matching = 0;
        for (GmailMessage m : ordered) {
            if (!matches(m, labels, skipSpam, skipTrash)) {
                continue;
            }
            matching++;
            if (cursor != null && NEWEST_FIRST.compare(m, cursor) <= 0) {
                continue;
            }
            if (page.size() < max) {
                page.add(m);
            } else {
                more = true;
            }
        }
        return new Page(page, page.isEmpty() ? null : page.get(page.size() - 1), more, matching);
    }

    private static boolean matches(GmailMessage m, Set<String> labels, boolean skipSpam, boolean skipTrash) {
        if (skipSpam && m.hasLabel("SPAM") || skipTrash && m.hasLabel("TRASH")) {
            return false;
        }
        for (String label : labels) {
            if (!m.hasLabel(label)) {
                return false;
            }
        }
        return true;
    }

    /** History records with id > startHistoryId, in increasing id order. */
    public synchronized List<HistoryRecord> historySince(long startHistoryId) {
        List<HistoryRecord> out = new ArrayList<>();
        for (HistoryRecord r : history) {
            if (r.id() > startHistoryId) {
                out.add(r);
            }
        }
        return out;
    }

    /** Every label any message carries. */
    public synchronized Set<String> labelsInUse() {
        Set<String> out = new HashSet<>();
        byId.values().forEach(m -> out.addAll(m.labelIds()));
        return out;
    }

    private static long defaultInternalDate(JsonNode json) {
        for (JsonNode h : json.path("payload").path("headers")) {
            if (h.path("name").asText().equalsIgnoreCase("Date")) {
                try {
                    String value = h.path("value").asText().replaceAll("\\s*\\([^)]*\\)\\s*$", "").trim();
                    return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                } catch (DateTimeParseException e) {
                    break;
                }
            }
        }
        return System.currentTimeMillis();
    }

    private static String newId() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        bytes[0] &= 0x7f;
        bytes[0] |= 0x10;
        return HexFormat.of().formatHex(bytes);
    }
}
