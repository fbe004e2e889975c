package io.interactionsync.normalizer.mapper;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.InteractionEvent.Kind;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Gmail {@code format=metadata} messages → events: {@code {id, threadId, labelIds, snippet, historyId,
 * internalDate, sizeEstimate, payload:{mimeType, headers:[{name,value}]}}}.
 */
public final class GmailMapper implements RecordMapper {

    private final int maxRecipients;

    /** With the default fan-out cap ({@link Participants#DEFAULT_MAX_RECIPIENTS}). */
    public GmailMapper() {
        this(Participants.DEFAULT_MAX_RECIPIENTS);
    }

    /** @param maxRecipients the fan-out cap: recipients of one message that become events, at most (R-B3) */
    public GmailMapper(int maxRecipients) {
        this.maxRecipients = maxRecipients;
    }

    @Override
    public Source source() {
        return Source.GMAIL;
    }

    @Override
    public MailFacts facts(RawRecord record) {
        return facts(record.payload());
    }

    @Override
    public Set<String> ownerAliases(RawRecord record, MailFacts m) {
        if (m == null || record.sharedMailbox() || !m.folders().contains("sent") || m.folders().contains("draft")) {
            return Set.of();
        }
        return m.from() == null ? Set.of() : Set.of(m.from().key());
    }

    @Override
    public HistoryQuestions historyQuestions(RawRecord record, MailFacts m) {
        // A broadcast is bulk whatever the history says (R-B3 fan-out cap): nothing to ask.
        return m == null || Participants.recipientCount(m) > maxRecipients ? HistoryQuestions.NONE
                : BulkClassifier.historyQuestions(m);
    }

    @Override
    public Mapping map(RawRecord record, MailFacts m, MailboxContext ctx) {
        JsonNode payload = record.payload();
        boolean outbound = Participants.isOutbound(m, ctx);
        Optional<SkipReason> skip = SkipRules.evaluate(m, outbound);
        if (skip.isPresent()) {
            return Mapping.skipped(skip.get(), m.droppedAddresses());
        }
        Participants.Outside outside = Participants.outside(m, outbound, ctx, maxRecipients);
        if (outside.participants().isEmpty()) {
            return Mapping.skipped(SkipReason.ALL_INTERNAL, m.droppedAddresses());
        }
        Instant occurredAt = occurredAt(payload, m.headers());
        BulkClassifier.Verdict verdict = outside.truncated() ? BulkClassifier.broadcast()
                : BulkClassifier.classify(m, outbound, ctx.history());
        String messageId = internetMessageId(record, m);
        String threadId = Text.clean(text(payload, "threadId"));
        if (threadId != null && !Text.isSafeId(threadId)) {
            threadId = null;
        }
        List<InteractionEvent> events = new ArrayList<>(outside.participants().size());
        for (Participant p : outside.participants()) {
            events.add(new InteractionEvent(InteractionEvent.SCHEMA_VERSION,
                    EventIds.of(record.userId(), Source.GMAIL, record.remoteId(), p.contactEmail(), p.role()),
                    record.userId(), record.accountId(), Provider.GOOGLE, Source.GMAIL, Kind.EMAIL,
                    outbound ? Direction.OUTBOUND : Direction.INBOUND,
                    p.contactEmail(), Text.clean(p.name()), p.role(), occurredAt, record.remoteId(), messageId, threadId,
                    record.mailbox(), record.sharedMailbox(),
                    verdict.classification(), verdict.newsletter(), null, false, outside.recipientCount(),
                    outside.truncated()));
        }
        return new Mapping(List.copyOf(events), null, m.droppedAddresses());
    }

    /** The rule-facing view of a Gmail message. */
    public static MailFacts facts(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new PayloadException("unparseable_payload", "the Gmail payload is not an object");
        }
        JsonNode part = payload.path("payload");
        if (!part.isMissingNode() && !part.isObject()) {
            throw new PayloadException("unparseable_payload", "payload.payload is not an object");
        }
        Headers headers = headers(payload);
        Set<String> labels = labels(payload);
        AddressParser.Result from = AddressParser.parse(headers.joined("From"));
        AddressParser.Result to = AddressParser.parse(headers.joined("To"));
        AddressParser.Result cc = AddressParser.parse(headers.joined("Cc"));
        AddressParser.Result bcc = AddressParser.parse(headers.joined("Bcc"));
        String mimeType = part.path("mimeType").isTextual()
                ? part.path("mimeType").asText().strip().toLowerCase(Locale.ROOT) : null;
        return new MailFacts(labels, labels.contains("sent"), mimeType, headers,
                from.addresses().isEmpty() ? null : from.addresses().get(0),
                to.addresses(), cc.addresses(), bcc.addresses(),
                from.dropped() + to.dropped() + cc.dropped() + bcc.dropped());
    }

    /** R-A6: internalDate (epoch ms, UTC); the Date header only as a fallback. */
    static Instant occurredAt(JsonNode payload, Headers headers) {
        JsonNode internalDate = payload.path("internalDate");
        String raw = internalDate.isValueNode() ? internalDate.asText() : null;
        return MailDates.fromEpochMillis(raw)
                .or(() -> MailDates.fromDateHeader(headers.first("Date")))
                .orElseThrow(() -> new PayloadException("unparseable_payload",
                        "no usable time: internalDate and Date header are both missing or invalid"));
    }

    /** R-E1: the trimmed Message-ID, or a synthetic id when it is missing (or unusable: control characters, > 1000 chars). */
    static String internetMessageId(RawRecord record, MailFacts m) {
        String trimmed = MessageIds.trim(m.headers().first("Message-ID"));
        if (trimmed != null && Text.isSafeId(trimmed)) {
            return trimmed;
        }
        List<String> recipients = Stream.of(m.to(), m.cc()).flatMap(List::stream).map(ParsedAddress::key).toList();
        return MessageIds.synthetic(record.mailbox(), m.headers().first("From"), m.headers().first("Date"), recipients);
    }

    private static Headers headers(JsonNode payload) {
        Headers headers = new Headers();
        JsonNode list = payload.path("payload").path("headers");
        if (list.isMissingNode() || list.isNull()) {
            return headers;
        }
        if (!list.isArray()) {
            throw new PayloadException("unparseable_payload", "payload.headers is not an array");
        }
        for (JsonNode h : list) {
            if (h.path("name").isTextual() && h.path("value").isTextual()) {
                headers.add(h.get("name").asText(), h.get("value").asText());
            }
        }
        return headers;
    }

    private static Set<String> labels(JsonNode payload) {
        Set<String> labels = new LinkedHashSet<>();
        JsonNode ids = payload.path("labelIds");
        if (ids.isArray()) {
            for (JsonNode id : ids) {
                if (id.isTextual()) {
                    labels.add(id.asText().toLowerCase(Locale.ROOT));
                }
            }
        }
        return labels;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }
}
