package io.interactionsync.normalizer.mapper;

import static io.interactionsync.normalizer.mapper.MeetingEvents.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.InteractionEvent.Kind;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.parse.AddressKeys;
import io.interactionsync.normalizer.parse.AddressParser;
import io.interactionsync.normalizer.parse.MailDates;
import io.interactionsync.normalizer.parse.MessageIds;
import io.interactionsync.normalizer.parse.ParsedAddress;
import io.interactionsync.normalizer.parse.Text;
import io.interactionsync.normalizer.rules.BulkClassifier;
import io.interactionsync.normalizer.rules.Headers;
import io.interactionsync.normalizer.rules.MailFacts;
import io.interactionsync.normalizer.rules.MailboxContext;
import io.interactionsync.normalizer.rules.Participants;
import io.interactionsync.normalizer.rules.Participants.Participant;
import io.interactionsync.normalizer.rules.SkipReason;
import io.interactionsync.normalizer.rules.SkipRules;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Graph mail delta messages (the seed's {@code $select}) → events: {@code from, sender, toRecipients,
 * ccRecipients, bccRecipients, replyTo, receivedDateTime, sentDateTime, internetMessageId, conversationId,
 * internetMessageHeaders (may be absent), parentFolderId, isDraft}; a removal is {@code {id, "@removed"}}.
 * Recipients are {@code {emailAddress{name, address}}} objects, validated like parsed header addresses (R-A2).
 *
 * <p>Graph does not name the folder ({@code parentFolderId} is opaque), so the owner's own copy is the message whose
 * {@code from} or {@code sender} is an owner address: only then is {@code bccRecipients} real (R-B4; Exchange keeps
 * Bcc only on the sender's copy).
 */
public final class OutlookMailMapper implements RecordMapper {

    /** Well-known folder names a client may put in parentFolderId (R-C1); ids are opaque otherwise. */
    private static final Set<String> WELL_KNOWN_FOLDERS = Set.of("inbox", "sentitems", "drafts", "junkemail",
            "deleteditems", "archive");

    private final int maxRecipients;

    /** With the default fan-out cap ({@link Participants#DEFAULT_MAX_RECIPIENTS}). */
    public OutlookMailMapper() {
        this(Participants.DEFAULT_MAX_RECIPIENTS);
    }

    /** @param maxRecipients the fan-out cap: recipients of one message that become events, at most (R-B3) */
    public OutlookMailMapper(int maxRecipients) {
        this.maxRecipients = maxRecipients;
    }

    @Override
    public Source source() {
        return Source.OUTLOOK_MAIL;
    }

    /** The facts as parsed, {@code ownCopy} still undecided: it depends on the mailbox's owner addresses. */
    @Override
    public MailFacts facts(RawRecord record) {
        return record.payload() != null && record.payload().has("@removed") ? null : facts(record.payload());
    }

    /** The facts with {@code ownCopy} decided by the mailbox's owner addresses. */
    private static MailFacts in(MailFacts m, JsonNode payload, MailboxContext ctx) {
        boolean own = m.from() != null && ctx.isOwner(m.from().key()) || sender(payload).map(s -> ctx.isOwner(s.key())).orElse(false);
        return own == m.ownCopy() ? m : new MailFacts(m.folders(), own, m.mimeType(), m.headers(), m.from(), m.to(),
                m.cc(), m.bcc(), m.droppedAddresses());
    }

    @Override
    public Optional<FolderEvidence> folderEvidence(RawRecord record, MailFacts parsed) {
        String folder = parsed == null || record.sharedMailbox() || parsed.folders().contains("drafts") ? null
                : text(record.payload(), "parentFolderId");
        if (folder == null) {
            return Optional.empty();
        }
        String fromKey = parsed.from() == null ? null : parsed.from().key();
        String mailboxKey = AddressKeys.key(record.mailbox()).orElse(null);
        boolean sentByOwner = fromKey != null && fromKey.equals(mailboxKey)
                && Stream.of(parsed.to(), parsed.cc()).flatMap(List::stream).noneMatch(a -> a.key().equals(mailboxKey));
        return Optional.of(new FolderEvidence(folder, fromKey, sentByOwner));
    }

    @Override
    public HistoryQuestions historyQuestions(RawRecord record, MailFacts parsed) {
        // A broadcast is bulk whatever the history says (R-B3 fan-out cap): nothing to ask. The Bcc of the owner's copy
        // is not counted yet (ownCopy is decided later), so a message only Bcc takes over the cap still asks.
        return parsed == null || Participants.recipientCount(parsed) > maxRecipients ? HistoryQuestions.NONE
                : BulkClassifier.historyQuestions(parsed);
    }

    @Override
    public Mapping map(RawRecord record, MailFacts parsed, MailboxContext ctx) {
        JsonNode payload = record.payload();
        if (parsed == null) {
            return Mapping.skipped(SkipReason.REMOVED, 0);
        }
        MailFacts m = in(parsed, payload, ctx);
        boolean outbound = Participants.isOutbound(m, ctx);
        Optional<SkipReason> skip = SkipRules.evaluate(m, outbound);
        if (skip.isPresent()) {
            return Mapping.skipped(skip.get(), m.droppedAddresses());
        }
        Participants.Outside outside = Participants.outside(m, outbound, ctx, maxRecipients);
        if (outside.participants().isEmpty()) {
            return Mapping.skipped(SkipReason.ALL_INTERNAL, m.droppedAddresses());
        }
        Instant occurredAt = occurredAt(payload, m.headers(), outbound);
        BulkClassifier.Verdict verdict = outside.truncated() ? BulkClassifier.broadcast()
                : BulkClassifier.classify(m, outbound, ctx.history());
        String messageId = internetMessageId(record, payload, m);
        String threadId = Text.clean(text(payload, "conversationId"));
        if (threadId != null && !Text.isSafeId(threadId)) {
            threadId = null;
        }
        List<InteractionEvent> events = new ArrayList<>(outside.participants().size());
        for (Participant p : outside.participants()) {
            events.add(new InteractionEvent(InteractionEvent.SCHEMA_VERSION,
                    EventIds.of(record.userId(), Source.OUTLOOK_MAIL, record.remoteId(), p.contactEmail(), p.role()),
                    record.userId(), record.accountId(), Provider.MICROSOFT, Source.OUTLOOK_MAIL, Kind.EMAIL,
                    outbound ? Direction.OUTBOUND : Direction.INBOUND,
                    p.contactEmail(), Text.clean(p.name()), p.role(), occurredAt, record.remoteId(), messageId, threadId,
                    record.mailbox(), record.sharedMailbox(),
                    verdict.classification(), verdict.newsletter(), null, false, outside.recipientCount(),
                    outside.truncated()));
        }
        return new Mapping(List.copyOf(events), null, m.droppedAddresses());
    }

    /** The rule-facing view of a Graph message (ownCopy decided later, against the owner addresses). */
    public static MailFacts facts(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new PayloadException("unparseable_payload", "the Graph message payload is not an object");
        }
        Headers headers = headers(payload);
        Set<String> folders = new LinkedHashSet<>();
        if (payload.path("isDraft").asBoolean(false)) {
            folders.add("drafts");
        }
        String folder = text(payload, "parentFolderId");
        if (folder != null && WELL_KNOWN_FOLDERS.contains(folder.toLowerCase(Locale.ROOT))) {
            folders.add(folder.toLowerCase(Locale.ROOT));
        }
        int[] dropped = {0};
        ParsedAddress from = recipient(payload.path("from"), dropped);
        List<ParsedAddress> to = recipients(payload, "toRecipients", dropped);
        List<ParsedAddress> cc = recipients(payload, "ccRecipients", dropped);
        List<ParsedAddress> bcc = recipients(payload, "bccRecipients", dropped);
        String contentType = headers.first("Content-Type");
        String mimeType = contentType == null ? null : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return new MailFacts(folders, false, mimeType, headers, from, to, cc, bcc, dropped[0]);
    }

    private static Optional<ParsedAddress> sender(JsonNode payload) {
        return Optional.ofNullable(recipient(payload.path("sender"), new int[1]));
    }

    private static ParsedAddress recipient(JsonNode r, int[] dropped) {
        if (!r.isObject()) {
            return null;
        }
        JsonNode email = r.path("emailAddress");
        AddressParser.Result result = AddressParser.ofObject(text(email, "address"), text(email, "name"));
        dropped[0] += result.dropped();
        return result.addresses().isEmpty() ? null : result.addresses().get(0);
    }

    private static List<ParsedAddress> recipients(JsonNode payload, String field, int[] dropped) {
        JsonNode list = payload.path(field);
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new PayloadException("unparseable_payload", field + " is not an array");
        }
        List<ParsedAddress> out = new ArrayList<>(list.size());
        for (JsonNode r : list) {
            ParsedAddress a = recipient(r, dropped);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** R-A6: sentDateTime for sent mail, receivedDateTime for received; the other, then the Date header, as fallbacks. */
    static Instant occurredAt(JsonNode payload, Headers headers, boolean outbound) {
        Optional<Instant> sent = graphTime(text(payload, "sentDateTime"));
        Optional<Instant> received = graphTime(text(payload, "receivedDateTime"));
        return (outbound ? sent.or(() -> received) : received.or(() -> sent))
                .or(() -> MailDates.fromDateHeader(headers.first("Date")))
                .orElseThrow(() -> new PayloadException("unparseable_payload",
                        "no usable time: sentDateTime, receivedDateTime and Date header missing or invalid"));
    }

    private static Optional<Instant> graphTime(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return MailDates.plausible(OffsetDateTime.parse(value.strip()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String messageIdField(JsonNode payload, MailFacts m) {
        String trimmed = MessageIds.trim(text(payload, "internetMessageId"));
        if (trimmed == null) {
            trimmed = MessageIds.trim(m.headers().first("Message-ID"));
        }
        return trimmed != null && Text.isSafeId(trimmed) ? trimmed : null;
    }

    /** R-E1: Graph internetMessageId (or the header), trimmed; synthetic when missing or unusable. */
    static String internetMessageId(RawRecord record, JsonNode payload, MailFacts m) {
        String id = messageIdField(payload, m);
        if (id != null) {
            return id;
        }
        List<String> recipients = Stream.of(m.to(), m.cc()).flatMap(List::stream).map(ParsedAddress::key).toList();
        String from = m.from() == null ? null : m.from().key();
        String date = Optional.ofNullable(text(payload, "sentDateTime")).orElse(m.headers().first("Date"));
        return MessageIds.synthetic(record.mailbox(), from, date, recipients);
    }

    private static Headers headers(JsonNode payload) {
        Headers headers = new Headers();
        JsonNode list = payload.path("internetMessageHeaders");
        if (list.isMissingNode() || list.isNull()) {
            return headers; // not requested or not present: header-based rules simply do not fire
        }
        if (!list.isArray()) {
            throw new PayloadException("unparseable_payload", "internetMessageHeaders is not an array");
        }
        for (JsonNode h : list) {
            if (h.path("name").isTextual() && h.path("value").isTextual()) {
                headers.add(h.get("name").asText(), h.get("value").asText());
            }
        }
        return headers;
    }
}
