package io.interactionsync.normalizer.captured;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Classification;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.InteractionEvent.Role;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.mapper.Mappers;
import io.interactionsync.normalizer.parse.AddressKeys;
import io.interactionsync.normalizer.rules.Participants;
import io.interactionsync.normalizer.service.BatchNormalizer;
import io.interactionsync.normalizer.service.BatchNormalizer.Lookups;
import io.interactionsync.normalizer.service.BatchNormalizer.Plan;
import io.interactionsync.normalizer.service.BatchNormalizer.RemoteKey;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.RecordDecoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The normalization rules on payloads captured from the emulator's generated demo data through the real sync
 * services ({@code deploy/local/capture-raw-records.sh}; provenance and case counts in
 * {@code src/test/resources/captured/MANIFEST.md}). The captured {@code raw-records} are run as one batch through
 * the pure code the way {@code NormalizerService} does (decode → prepare → plan) with the {@link Lookups} the
 * database holds once the captured {@code account-events} and each account's own records went through: the team
 * directory, the shared mailbox's subscribers, each user's account address in {@code owner_aliases} (a replay
 * sees exactly this); no stored history, so R-C6/C7 history comes from the batch's own sent mail.
 * {@link CapturedFirstBatchFinding} runs the same batch on a fresh database instead (and fails: see there).
 * Expectations are derived from the payloads themselves (and from what provider-emulator's generator plants), not
 * from the mappers, and each test also checks that the sample holds the case it is about.
 */
class CapturedPayloadsTests {

    /** The fan-out cap of {@code Mappers.all()} (R-B3, issue 18): more recipients than this make a broadcast. */
    private static final int FAN_OUT_CAP = Participants.DEFAULT_MAX_RECIPIENTS;

    /** Senders provider-emulator's generator plants as newsletters (generate/Vocabulary.NEWSLETTERS). */
    private static final Set<String> NEWSLETTER_SENDERS = Set.of("newsletter@mail.saasweekly.example",
            "news@email.termsheet.example", "digest@updates.vcdigest.example", "hello@news.foundersbrief.example",
            "no-reply@mp.marketpulse.example");
    /** Its notification senders' domains, mailing lists and spammers (generate/Vocabulary, MailGenerator). */
    private static final Set<String> AUTOMATED_DOMAINS = Set.of("docusign.example", "google.com", "carta.example",
            "zoom.example", "expensify.example", "github.example", "lottery-claims.example", "fast-crypto.example");
    private static final Set<String> LIST_ADDRESSES = Set.of("angels@groups.angelforum.example",
            "climate-founders@lists.climatetech.example");
    /** Display names the generator writes as RFC 2047 encoded words (generate/Vocabulary.INTERNATIONAL_NAMES). */
    private static final Set<String> INTERNATIONAL_NAMES = Set.of("José Álvarez", "Zoë Müller", "Łukasz Wójcik",
            "Renée Lefèvre", "Søren Kierkegård", "Ana Conceição", "Björn Ångström", "田中 太郎", "Дмитрий Иванов",
            "François Gérard", "Çağla Yılmaz", "Nguyễn Văn An", "김민준", "Ólafur Þórsson");
    private static final Set<String> CALENDAR_MAILERS = Set.of("calendar-notification@google.com",
            "calendar-noreply@google.com");
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>\",;:()]+@[^\\s<>\",;:()]+");
    private static final Pattern LIST_HEADERS = Pattern.compile("list-unsubscribe|list-id|mailing-list|precedence|"
            + "list-unsubscribe-post|feedback-id|x-mailman-version|x-google-group-id");

    static List<Captured> records;
    private static List<AccountEvent> accountEvents;
    static Lookups lookups;
    private static Plan plan;
    private static Set<String> internalDomains;
    private static Set<String> memberEmails;
    private static Map<String, Set<String>> accountEmailsByUser;
    /** Shared mailbox address → subscribers' (accountId, userId), from shared_mailbox_added. */
    private static Map<String, Map<String, String>> subscribers;
    /**
     * Outlook mailbox (own, not shared) → its Sent Items folder id, found in the captured records the way R-B1 learns
     * it: the folder holding most of the owner's own sent copies (From the mailbox, which is not among To/Cc).
     */
    static Map<String, String> sentItemsByMailbox;

    /** One captured line: its exact bytes and what it says. */
    record Captured(int offset, byte[] bytes, RawRecord raw) {
        JsonNode payload() {
            return raw.payload();
        }

        Source source() {
            return raw.source();
        }

        boolean mail() {
            return raw.source() == Source.GMAIL || raw.source() == Source.OUTLOOK_MAIL;
        }

        boolean meeting() {
            return raw.source() == Source.GOOGLE_CALENDAR || raw.source() == Source.OUTLOOK_CALENDAR;
        }

        boolean upsert() {
            return raw.op() == RawRecord.Op.UPSERT;
        }

        @Override
        public String toString() {
            return raw.source().wireName() + " " + raw.op() + " " + raw.mailbox() + " " + raw.remoteId();
        }
    }

    @BeforeAll
    static void normalizeTheCapture() {
        records = new ArrayList<>();
        List<String> lines = lines("/captured/raw-records.jsonl");
        for (int i = 0; i < lines.size(); i++) {
            byte[] bytes = lines.get(i).getBytes(StandardCharsets.UTF_8);
            records.add(new Captured(i, bytes, read(bytes, RawRecord.class)));
        }
        accountEvents = lines("/captured/account-events.jsonl").stream()
                .map(l -> read(l.getBytes(StandardCharsets.UTF_8), AccountEvent.class)).toList();

        // What DirectoryService and the owner_aliases table hold once the account-events and the accounts' own
        // records went through: the collections (identity keys, normalised domains), the shared mailbox's subscribers,
        // and every user's account addresses.
        List<BatchNormalizer.Collection> collections = new ArrayList<>();
        internalDomains = new HashSet<>();
        memberEmails = new HashSet<>();
        subscribers = new LinkedHashMap<>();
        accountEmailsByUser = new HashMap<>();
        Map<String, List<BatchNormalizer.Subscriber>> subscribersByMailbox = new HashMap<>();
        for (AccountEvent e : accountEvents) {
            switch (e.type()) {
                case DIRECTORY_CHANGED -> {
                    Set<String> members = e.directory().memberEmails().stream().map(CapturedPayloadsTests::key)
                            .collect(Collectors.toSet());
                    Set<String> domains = e.directory().internalDomains().stream()
                            .map(d -> AddressKeys.normalizeDomain(d).orElseThrow()).collect(Collectors.toSet());
                    collections.add(new BatchNormalizer.Collection(e.directory().collectionId(), members, domains));
                    memberEmails.addAll(members);
                    internalDomains.addAll(domains);
                }
                case CONNECTED -> accountEmailsByUser.computeIfAbsent(e.userId(), u -> new HashSet<>()).add(key(e.email()));
                case SHARED_MAILBOX_ADDED -> {
                    subscribers.computeIfAbsent(key(e.sharedMailbox()), m -> new LinkedHashMap<>())
                            .put(e.accountId(), e.userId());
                    subscribersByMailbox.computeIfAbsent(key(e.sharedMailbox()), m -> new ArrayList<>())
                            .add(new BatchNormalizer.Subscriber(e.accountId(), e.userId()));
                }
                default -> {
                }
            }
        }
        // History as stored once the rules converged (issue 18): whom each user's outbound mail went to.
        sentItemsByMailbox = sentItems(records);
        lookups = new Lookups(accountEmailsByUser, collections, sentTo(records), Map.of(), subscribersByMailbox, Map.of(),
                Map.of());
        plan = plan(records.stream().map(CapturedPayloadsTests::incoming).toList());
    }

    private static Map<String, String> sentItems(List<Captured> records) {
        Map<String, Map<String, Integer>> votes = new HashMap<>();
        for (Captured r : records) {
            JsonNode p = r.payload();
            if (r.source() != Source.OUTLOOK_MAIL || !r.upsert() || r.raw().sharedMailbox() || !p.hasNonNull("parentFolderId")) {
                continue;
            }
            String mailbox = key(r.raw().mailbox());
            String from = lower(p.path("from").path("emailAddress").path("address").asText(null));
            List<String> toCc = new ArrayList<>(Mail.recipients(p, "toRecipients"));
            toCc.addAll(Mail.recipients(p, "ccRecipients"));
            if (mailbox.equals(from) && !toCc.contains(mailbox)) {
                votes.computeIfAbsent(mailbox, m -> new HashMap<>()).merge(p.get("parentFolderId").asText(), 1, Integer::sum);
            }
        }
        Map<String, String> out = new HashMap<>();
        votes.forEach((mailbox, byFolder) -> byFolder.entrySet().stream().max(Map.Entry.comparingByValue())
                .ifPresent(best -> out.put(mailbox, best.getKey())));
        return out;
    }

    // ------------------------------------------------------------------------------------------------ the capture

    @Test
    void theCaptureHoldsEverySourceAndTheDirectory() {
        Map<String, Long> bySource = records.stream().collect(Collectors.groupingBy(
                r -> r.source().wireName() + (r.raw().sharedMailbox() ? "+shared" : ""), Collectors.counting()));
        assertThat(bySource).containsKeys("gmail", "google_calendar", "outlook_mail", "outlook_mail+shared",
                "outlook_calendar");
        assertThat(bySource.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(20));
        assertThat(records).hasSizeBetween(150, 400);
        assertThat(memberEmails).hasSize(5);
        assertThat(internalDomains).containsExactly("acme.test");
        assertThat(subscribers).containsOnlyKeys("dealflow@acme.test");
        assertThat(subscribers.get("dealflow@acme.test")).hasSize(2);
    }

    // ------------------------------------------------------------------------------------------------ R-F

    @Test
    void rF3_noCapturedRecordIsDeadLettered() {
        for (Captured r : records) {
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, tree(r.bytes())))
                    .as("schema errors of %s", r).isEmpty();
        }
        assertThat(plan.deadLetters()).as("dead letters").isEmpty();
        assertThat(plan.stats().outcomes()).allSatisfy((k, v) -> assertThat(k).doesNotEndWith("/dead_letter"));
        // every record decided its resource for each user it is attributed to
        for (Captured r : records) {
            for (String user : users(r)) {
                assertThat(plan.desired()).as("%s for %s", r, user)
                        .containsKey(new RemoteKey(user, r.source(), r.raw().remoteId()));
            }
        }
        assertThat(allEvents()).isNotEmpty().allSatisfy(e -> assertThat(
                ContractSchemas.validate(ContractSchemas.Contract.INTERACTION_EVENT, Json.mapper().valueToTree(e)))
                .as("contract errors of %s", e).isEmpty());
    }

    @Test
    void rF1_redeliveredRecordsChangeNothing() {
        List<IncomingRecord> twice = new ArrayList<>();
        records.forEach(r -> twice.add(incoming(r)));
        records.forEach(r -> twice.add(new IncomingRecord("raw-records", 0, records.size() + r.offset(),
                r.raw().accountId(), r.bytes())));
        Plan again = plan(twice);
        assertThat(again.desired()).isEqualTo(plan.desired());
        assertThat(allEvents().stream().map(InteractionEvent::id).distinct().count()).isEqualTo(allEvents().size());
    }

    @Test
    void rF2_deleteRecordsLeaveNoLiveEvents() {
        List<Captured> deletes = records.stream().filter(r -> !r.upsert()).toList();
        assertThat(deletes.stream().map(Captured::source).distinct())
                .contains(Source.GOOGLE_CALENDAR, Source.OUTLOOK_CALENDAR);
        for (Captured r : deletes) {
            assertThat(eventsOf(r)).as("%s", r).isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------------------ R-A

    @Test
    void rA6_timesInUtc() {
        int mail = 0;
        int meetings = 0;
        for (Captured r : records) {
            JsonNode p = r.payload();
            for (InteractionEvent e : eventsOf(r)) {
                switch (r.source()) {
                    case GMAIL -> assertThat(e.occurredAt()).as("%s", r)
                            .isEqualTo(Instant.ofEpochMilli(Long.parseLong(p.get("internalDate").asText())));
                    case OUTLOOK_MAIL -> assertThat(e.occurredAt()).as("%s", r).isEqualTo(Instant.parse(
                            p.get(e.direction() == Direction.OUTBOUND ? "sentDateTime" : "receivedDateTime").asText()));
                    case GOOGLE_CALENDAR, OUTLOOK_CALENDAR -> {
                        Instant[] expected = r.source() == Source.GOOGLE_CALENDAR ? googleTimes(p) : graphTimes(p);
                        boolean expectedAllDay = r.source() == Source.GOOGLE_CALENDAR ? p.path("start").has("date")
                                : p.path("isAllDay").asBoolean();
                        assertThat(e.occurredAt()).as("%s", r).isEqualTo(expected[0]);
                        assertThat(e.meeting().startAt()).as("%s", r).isEqualTo(expected[0]);
                        assertThat(e.meeting().endAt()).as("%s", r).isEqualTo(expected[1]);
                        assertThat(e.meeting().allDay()).as("%s", r).isEqualTo(expectedAllDay);
                    }
                    default -> throw new AssertionError(r);
                }
            }
            if (!eventsOf(r).isEmpty()) {
                if (r.mail()) {
                    mail++;
                } else {
                    meetings++;
                }
            }
        }
        assertThat(mail).isGreaterThan(50);
        assertThat(meetings).isGreaterThan(15);
        // The generator gives all-day events (offsites) only team attendees, so they yield no events here: their
        // 00:00-in-the-event's-zone conversion is covered by GoogleCalendarMapperTests, not by the capture.
    }

    @Test
    void rA5_contactEmailIsTheAddressAsWritten() {
        int gmailCom = 0;
        for (Captured r : records) {
            if (!r.mail()) {
                continue;
            }
            Mail m = Mail.of(r);
            Set<String> written = new HashSet<>(m.all());
            for (InteractionEvent e : eventsOf(r)) {
                assertThat(written).as("%s: %s", r, e.contactEmail()).contains(e.contactEmail());
                if (e.contactEmail().endsWith("@gmail.com") && e.contactEmail().indexOf('.') < e.contactEmail().indexOf('@')) {
                    gmailCom++; // dots kept in contact_email, only the identity key drops them (R-A5)
                }
            }
        }
        assertThat(gmailCom).as("gmail.com contacts with dots").isPositive();
    }

    @Test
    void rA1_rA3_commasInQuotedNamesAndEncodedWords() {
        Pattern quotedComma = Pattern.compile("\"([^\"]*,[^\"]*)\" <([^>]+)>");
        Pattern encoded = Pattern.compile("(=\\?[^?]+\\?[BbQq]\\?[^?]*\\?=) <([^>]+)>");
        int commas = 0;
        int words = 0;
        for (Captured r : records) {
            if (r.source() != Source.GMAIL) {
                continue;
            }
            Mail m = Mail.of(r);
            for (InteractionEvent e : eventsOf(r)) {
                String header = m.headers().getOrDefault(switch (e.role()) {
                    case FROM -> "from";
                    case TO -> "to";
                    case CC -> "cc";
                    case BCC -> "bcc";
                    default -> throw new AssertionError(e);
                }, "");
                Matcher c = quotedComma.matcher(header);
                while (c.find()) {
                    if (c.group(2).equalsIgnoreCase(e.contactEmail())) {
                        assertThat(e.contactName()).as("%s", r).isEqualTo(c.group(1));
                        commas++;
                    }
                }
                Matcher w = encoded.matcher(header);
                while (w.find()) {
                    if (w.group(2).equalsIgnoreCase(e.contactEmail())) {
                        assertThat(e.contactName()).as("%s: %s", r, w.group(1)).isIn(INTERNATIONAL_NAMES);
                        words++;
                    }
                }
            }
            // a comma inside a quoted name never splits an address: the events' contacts are exactly header addresses
            assertThat(eventsOf(r)).allSatisfy(e -> assertThat(e.contactEmail()).matches("[^\\s\"<>,@]+@[^\\s\"<>,@]+"));
        }
        assertThat(commas).as("contacts written \"Last, First\"").isPositive();
        assertThat(words).as("contacts with RFC 2047 names").isPositive();
    }

    // ------------------------------------------------------------------------------------------------ R-B

    @Test
    void rB1_directionFromTheOwnersAddresses() {
        int outbound = 0;
        int inbound = 0;
        for (Captured r : records) {
            if (!r.mail()) {
                continue;
            }
            Mail m = Mail.of(r);
            for (InteractionEvent e : eventsOf(r)) {
                assertThat(e.direction()).as("%s", r).isEqualTo(m.outbound() ? Direction.OUTBOUND : Direction.INBOUND);
            }
            if (!eventsOf(r).isEmpty()) {
                if (m.outbound()) {
                    outbound++;
                } else {
                    inbound++;
                }
            }
        }
        assertThat(outbound).isGreaterThan(10);
        assertThat(inbound).isGreaterThan(10);
    }

    /**
     * R-B1 for Outlook on records as microsoft-sync published them (Graph's {@code parentFolderId}, opaque ids): each
     * own mailbox's Sent Items folder is recognised, and a message in it sent From one of the owner's aliases is the
     * owner's outbound mail — its recipients are the contacts, the alias never is one.
     */
    @Test
    void rB1_outlookAliasesAreLearnedFromTheSentItemsFolderOfPublishedRecords() {
        long ownMailboxes = records.stream().filter(r -> r.source() == Source.OUTLOOK_MAIL && !r.raw().sharedMailbox())
                .map(r -> key(r.raw().mailbox())).distinct().count();
        assertThat(sentItemsByMailbox).as("Sent Items recognised per own Outlook mailbox").hasSize((int) ownMailboxes);
        List<Captured> aliasSent = records.stream().filter(r -> r.source() == Source.OUTLOOK_MAIL && r.upsert()
                && !r.raw().sharedMailbox() && Mail.of(r).ownCopy() && Mail.of(r).from() != null
                && !Mail.of(r).from().equals(key(r.raw().mailbox()))).toList();
        assertThat(aliasSent).as("Sent Items messages From an alias in the capture").isNotEmpty();
        for (Captured r : aliasSent) {
            String alias = Mail.of(r).from();
            assertThat(eventsOf(r)).as("%s", r).allSatisfy(e -> assertThat(e.direction()).isEqualTo(Direction.OUTBOUND));
            assertThat(plan.desired().values().stream().flatMap(List::stream)
                    .filter(e -> e.userId().equals(r.raw().userId()) && e.contactEmail().equalsIgnoreCase(alias)))
                    .as("the alias %s as a contact of its owner", alias).isEmpty();
        }
    }

    @Test
    void rB2_colleaguesNeverBecomeContacts() {
        assertThat(allEvents()).isNotEmpty().allSatisfy(e -> {
            assertThat(internal(e.contactEmail())).as("%s is internal", e.contactEmail()).isFalse();
            assertThat(memberEmails).doesNotContain(e.contactEmail());
        });
        // colleagues-only mail and meetings yield nothing; mixed ones yield only the outsiders
        int colleaguesOnly = 0;
        int mixed = 0;
        for (Captured r : records) {
            if (!r.upsert()) {
                continue;
            }
            List<String> people = r.mail() ? Mail.of(r).all() : r.meeting() ? Meeting.of(r).people() : List.of();
            if (people.isEmpty()) {
                continue;
            }
            if (people.stream().allMatch(CapturedPayloadsTests::internal)) {
                assertThat(eventsOf(r)).as("%s", r).isEmpty();
                colleaguesOnly++;
            } else if (people.stream().anyMatch(a -> internal(a) && !isOwnerOf(r, a)) && !eventsOf(r).isEmpty()) {
                mixed++;
            }
        }
        assertThat(colleaguesOnly).as("colleagues-only records").isGreaterThan(10);
        assertThat(mixed).as("records with colleagues and outsiders").isGreaterThan(5);
    }

    @Test
    void rB3_oneEventPerOutsideParticipantAndRole() {
        int checked = 0;
        for (Captured r : records) {
            if (!r.mail() || !r.upsert()) {
                continue;
            }
            Set<String> expected = Mail.of(r).expectedContacts();
            for (String user : users(r)) {
                List<InteractionEvent> events = plan.desired().get(new RemoteKey(user, r.source(), r.raw().remoteId()));
                assertThat(events.stream().map(e -> e.contactEmail() + " " + e.role()).toList())
                        .as("%s for %s", r, user).containsExactlyInAnyOrderElementsOf(expected);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void rB3_messagesAboveTheFanOutCapKeepTheSenderAndTheFirstRecipientsAsBulk() {
        int broadcasts = 0;
        int counted = 0;
        for (Captured r : records) {
            if (!r.mail() || !r.upsert() || eventsOf(r).isEmpty()) {
                continue;
            }
            Mail m = Mail.of(r);
            for (InteractionEvent e : eventsOf(r)) {
                assertThat(e.recipientCount()).as("%s", r).isEqualTo(m.recipientCount());
                assertThat(e.recipientsTruncated()).as("%s", r).isEqualTo(m.broadcast());
                if (m.broadcast()) {
                    assertThat(e.classification()).as("%s", r).isEqualTo(Classification.BULK);
                    assertThat(e.newsletter()).as("%s", r).isTrue();
                }
            }
            counted++;
            if (m.broadcast()) {
                assertThat(eventsOf(r)).as("%s", r).hasSizeLessThanOrEqualTo(FAN_OUT_CAP + 1);
                broadcasts++;
            }
        }
        assertThat(counted).isGreaterThan(100);
        assertThat(broadcasts).as("the generator's many-recipients mail (107 recipients)").isGreaterThanOrEqualTo(1);
    }

    @Test
    void rB4_bccOnlyFromTheSendersOwnCopy() {
        List<Captured> withBcc = new ArrayList<>();
        for (Captured r : records) {
            if (!r.mail()) {
                continue;
            }
            Mail m = Mail.of(r);
            if (!m.bcc().isEmpty()) {
                // as published: only the sender's own copy (Gmail SENT, Outlook: from the mailbox) carries Bcc
                assertThat(m.ownCopy()).as("%s has Bcc", r).isTrue();
                withBcc.add(r);
                Set<String> outsideBcc = m.bcc().stream().filter(a -> !internal(a)).collect(Collectors.toSet());
                assertThat(eventsOf(r).stream().filter(e -> e.role() == Role.BCC).map(InteractionEvent::contactEmail))
                        .as("%s", r).containsExactlyInAnyOrderElementsOf(outsideBcc);
            } else {
                assertThat(eventsOf(r)).as("%s", r).noneMatch(e -> e.role() == Role.BCC);
            }
        }
        assertThat(withBcc.stream().map(Captured::source).distinct()).contains(Source.GMAIL, Source.OUTLOOK_MAIL);
        assertThat(withBcc.stream().flatMap(r -> eventsOf(r).stream()).filter(e -> e.role() == Role.BCC)).isNotEmpty();

        // The recipients' copies of those messages never name the Bcc recipients …
        Set<String> bccIds = withBcc.stream().map(r -> Mail.of(r).messageId()).filter(Objects::nonNull)
                .collect(Collectors.toSet());
        List<Captured> recipientCopies = records.stream().filter(r -> r.mail() && bccIds.contains(Mail.of(r).messageId())
                && !Mail.of(r).ownCopy()).toList();
        assertThat(recipientCopies).as("a Bcc'd message's received copy in the sample").isNotEmpty();
        recipientCopies.forEach(r -> assertThat(Mail.of(r).bcc()).as("%s", r).isEmpty());
        // … and a Bcc header or bccRecipients on a received copy is ignored: adding one to every received copy
        // of the capture changes no event.
        List<IncomingRecord> tampered = new ArrayList<>();
        int added = 0;
        for (Captured r : records) {
            if (r.mail() && r.upsert() && !Mail.of(r).ownCopy()) {
                tampered.add(new IncomingRecord("raw-records", 0, r.offset(), r.raw().accountId(), withBcc(r)));
                added++;
            } else {
                tampered.add(incoming(r));
            }
        }
        assertThat(added).isGreaterThan(50);
        assertThat(plan(tampered).desired()).isEqualTo(plan.desired());
    }

    @Test
    void rB5_sharedMailboxAttributedToEachSubscriber() {
        List<Captured> shared = records.stream().filter(r -> r.raw().sharedMailbox()).toList();
        assertThat(shared).isNotEmpty().allSatisfy(r -> assertThat(r.raw().mailbox()).isEqualTo("dealflow@acme.test"));
        Map<String, String> subs = subscribers.get("dealflow@acme.test");
        // fetched once: one raw record per message, whichever subscriber's account read it
        assertThat(shared.stream().map(r -> r.raw().remoteId()).distinct().count()).isEqualTo(shared.size());
        int withEvents = 0;
        int outbound = 0;
        for (Captured r : shared) {
            Set<String> users = new LinkedHashSet<>(subs.values());
            assertThat(users).contains(r.raw().userId());
            List<String> views = new ArrayList<>();
            for (Map.Entry<String, String> sub : subs.entrySet()) {
                List<InteractionEvent> events = plan.desired().get(new RemoteKey(sub.getValue(), r.source(), r.raw().remoteId()));
                assertThat(events).as("%s for %s", r, sub.getValue()).isNotNull();
                assertThat(events).allSatisfy(e -> {
                    assertThat(e.userId()).isEqualTo(sub.getValue());
                    assertThat(e.accountId()).isEqualTo(sub.getKey());
                    assertThat(e.viaSharedMailbox()).isTrue();
                    assertThat(e.mailbox()).isEqualTo("dealflow@acme.test");
                });
                views.add(events.stream().map(e -> e.contactEmail() + " " + e.role() + " " + e.direction() + " "
                        + e.classification() + " " + e.occurredAt()).sorted().toList().toString());
            }
            // the same team directory for both subscribers: the same contacts
            assertThat(views).as("%s", r).containsOnly(views.get(0));
            if (!eventsOf(r).isEmpty()) {
                withEvents++;
                // owner address = the shared address: mail from dealflow@ is outbound, everything else inbound
                boolean fromShared = "dealflow@acme.test".equals(Mail.of(r).from());
                outbound += fromShared ? 1 : 0;
                assertThat(eventsOf(r)).allSatisfy(e -> assertThat(e.direction())
                        .isEqualTo(fromShared ? Direction.OUTBOUND : Direction.INBOUND));
            }
        }
        assertThat(withEvents).isGreaterThan(5);
        assertThat(outbound).isPositive();
        assertThat(withEvents - outbound).isPositive();
    }

    // ------------------------------------------------------------------------------------------------ R-C

    @Test
    void rC2_autoSubmittedMailSkipped() {
        List<Captured> automated = records.stream().filter(r -> r.mail() && isAutoSubmitted(Mail.of(r))).toList();
        assertThat(automated.stream().map(Captured::source).distinct()).contains(Source.GMAIL, Source.OUTLOOK_MAIL);
        automated.forEach(r -> assertThat(eventsOf(r)).as("%s", r).isEmpty());
    }

    @Test
    void rC4_calendarInvitationsByMailSkipped() {
        List<Captured> invitations = records.stream()
                .filter(r -> r.mail() && CALENDAR_MAILERS.contains(Mail.of(r).from())).toList();
        assertThat(invitations).isNotEmpty();
        invitations.forEach(r -> assertThat(eventsOf(r)).as("%s", r).isEmpty());
    }

    @Test
    void rC7_newslettersFlagged() {
        List<Captured> newsletters = records.stream()
                .filter(r -> r.mail() && NEWSLETTER_SENDERS.contains(Mail.of(r).from())).toList();
        assertThat(newsletters.stream().map(r -> r.source().wireName() + r.raw().sharedMailbox()).distinct())
                .contains("gmailfalse", "outlook_mailfalse", "outlook_mailtrue");
        for (Captured r : newsletters) {
            for (String user : users(r)) {
                List<InteractionEvent> events = plan.desired().get(new RemoteKey(user, r.source(), r.raw().remoteId()));
                // the newsletter itself is the contact (sent to the team member or undisclosed-recipients)
                assertThat(events).as("%s for %s", r, user).singleElement().satisfies(e -> {
                    assertThat(e.contactEmail()).isEqualTo(Mail.of(r).from());
                    assertThat(e.role()).isEqualTo(Role.FROM);
                    assertThat(e.classification()).isEqualTo(Classification.BULK);
                    assertThat(e.newsletter()).isTrue();
                });
            }
        }
    }

    @Test
    void rC7_peopleAreNeverFlagged() {
        int people = 0;
        for (Captured r : records) {
            if (!r.mail()) {
                continue;
            }
            Mail m = Mail.of(r);
            boolean humanWithoutListHeaders = m.from() != null && !automatedSender(m.from())
                    && m.headers().keySet().stream().noneMatch(h -> LIST_HEADERS.matcher(h).matches());
            if ((m.outbound() || humanWithoutListHeaders) && !m.broadcast()) { // a broadcast is bulk (R-B3 cap)
                for (InteractionEvent e : eventsOf(r)) {
                    assertThat(e.classification()).as("%s", r).isEqualTo(Classification.PERSON);
                    assertThat(e.newsletter()).as("%s", r).isFalse();
                }
                people += eventsOf(r).isEmpty() ? 0 : 1;
            }
        }
        assertThat(people).isGreaterThan(50);
        assertThat(allEvents().stream().filter(InteractionEvent::newsletter))
                .allSatisfy(e -> assertThat(automatedSender(e.contactEmail()) || isListPoster(e) || e.recipientsTruncated())
                        .as("%s", e).isTrue());
    }

    @Test
    void rC7_listPostsAreListsFromKnownPeopleElseBulk() {
        Map<String, Set<String>> emailed = sentTo(records);
        int lists = 0;
        int bulk = 0;
        for (Captured r : records) {
            if (!r.mail() || Mail.of(r).outbound() || Mail.of(r).to().stream().noneMatch(LIST_ADDRESSES::contains)) {
                continue;
            }
            Mail m = Mail.of(r);
            for (String user : users(r)) {
                InteractionEvent fromPoster = plan.desired().get(new RemoteKey(user, r.source(), r.raw().remoteId()))
                        .stream().filter(e -> e.role() == Role.FROM).findFirst().orElseThrow();
                boolean known = emailed.getOrDefault(user, Set.of()).contains(m.from());
                assertThat(fromPoster.classification()).as("%s for %s", r, user)
                        .isEqualTo(known ? Classification.LIST : Classification.BULK);
                assertThat(fromPoster.newsletter()).isEqualTo(!known);
                lists += known ? 1 : 0;
                bulk += known ? 0 : 1;
            }
        }
        assertThat(lists).as("list posts by people the user wrote to").isPositive();
        assertThat(bulk).as("list posts by strangers").isPositive();
    }

    // ------------------------------------------------------------------------------------------------ R-D

    @Test
    void rD1_cancelledMeetingsYieldNothing() {
        List<Captured> cancelled = records.stream().filter(r -> r.meeting() && Meeting.of(r).cancelled()).toList();
        assertThat(cancelled.stream().map(Captured::source).distinct())
                .contains(Source.GOOGLE_CALENDAR, Source.OUTLOOK_CALENDAR);
        cancelled.forEach(r -> assertThat(eventsOf(r)).as("%s", r).isEmpty());
    }

    @Test
    void rD2_focusTimeAndOutOfOfficeAreNotMeetings() {
        List<Captured> blocks = records.stream().filter(r -> r.meeting() && Meeting.of(r).notAMeeting()).toList();
        assertThat(blocks.stream().map(r -> r.source() == Source.GOOGLE_CALENDAR
                ? r.payload().path("eventType").asText() : r.payload().path("showAs").asText()).distinct())
                .contains("focusTime", "outOfOffice", "oof");
        blocks.forEach(r -> assertThat(eventsOf(r)).as("%s", r).isEmpty());
    }

    @Test
    void rD3_roomsSkipped() {
        Set<String> rooms = new HashSet<>();
        int meetingsWithRoomAndGuests = 0;
        for (Captured r : records) {
            if (!r.meeting()) {
                continue;
            }
            Meeting m = Meeting.of(r);
            rooms.addAll(m.rooms());
            if (!m.rooms().isEmpty() && !eventsOf(r).isEmpty()) {
                meetingsWithRoomAndGuests++;
            }
        }
        assertThat(rooms).isNotEmpty().allSatisfy(room -> assertThat(room).endsWith("@resource.calendar.google.com"));
        assertThat(meetingsWithRoomAndGuests).as("meetings with a room and outside guests").isGreaterThanOrEqualTo(3);
        assertThat(allEvents()).noneMatch(e -> rooms.contains(e.contactEmail())
                || e.contactEmail().endsWith("@resource.calendar.google.com"));
    }

    @Test
    void rD4_declinedAttendeesExcluded() {
        int declinedGuests = 0;
        int declinedByMember = 0;
        for (Captured r : records) {
            if (!r.meeting() || !r.upsert()) {
                continue;
            }
            Meeting m = Meeting.of(r);
            if (m.cancelled() || m.notAMeeting()) {
                continue;
            }
            if ("declined".equals(m.ownResponse())) {
                assertThat(eventsOf(r)).as("%s: the member declined", r).isEmpty();
                declinedByMember++;
                continue;
            }
            Set<String> declined = m.attendees().stream().filter(a -> a.response().equals("declined"))
                    .map(Attendee::email).collect(Collectors.toSet());
            assertThat(eventsOf(r)).as("%s", r).noneMatch(e -> declined.contains(e.contactEmail()));
            if (declined.stream().anyMatch(a -> !internal(a)) && !eventsOf(r).isEmpty()) {
                declinedGuests++;
            }
            for (InteractionEvent e : eventsOf(r)) {
                assertThat(e.meeting().attendeeCount()).as("%s", r).isEqualTo(m.expectedAttendeeCount());
            }
        }
        assertThat(declinedGuests).as("meetings with a declined outside guest and other guests").isPositive();
        assertThat(declinedByMember).as("meetings the member declined").isPositive();
    }

    @Test
    void rD5_oneEventPerOutsideAttendeeAndTheOrganizer() {
        int checked = 0;
        int organizers = 0;
        for (Captured r : records) {
            if (!r.meeting() || !r.upsert()) {
                continue;
            }
            Meeting m = Meeting.of(r);
            Set<String> expected = m.expectedGuests();
            List<InteractionEvent> events = eventsOf(r);
            assertThat(events.stream().map(e -> e.contactEmail() + " " + e.role()).toList()).as("%s", r)
                    .containsExactlyInAnyOrderElementsOf(expected);
            for (InteractionEvent e : events) {
                assertThat(e.kind()).isEqualTo(InteractionEvent.Kind.MEETING);
                assertThat(e.direction()).isEqualTo(Direction.MEETING);
                assertThat(e.meeting().responseStatus()).as("%s", r).isEqualTo(m.ownResponse());
            }
            checked += events.isEmpty() ? 0 : 1;
            organizers += (int) events.stream().filter(e -> e.role() == Role.ORGANIZER).count();
        }
        assertThat(checked).isGreaterThan(15);
        assertThat(organizers).as("outside organizers").isPositive();
    }

    @Test
    void rD6_eachInstanceItsOwnMeeting() {
        int googleInstances = 0;
        for (Captured r : records) {
            if (!r.meeting() || eventsOf(r).isEmpty()) {
                continue;
            }
            JsonNode p = r.payload();
            for (InteractionEvent e : eventsOf(r)) {
                assertThat(e.remoteId()).isEqualTo(r.raw().remoteId());
                if (r.source() == Source.GOOGLE_CALENDAR) {
                    String uid = p.get("iCalUID").asText();
                    if (p.hasNonNull("recurringEventId")) {
                        Instant original = OffsetDateTime.parse(p.path("originalStartTime").path("dateTime").asText())
                                .toInstant();
                        assertThat(e.internetMessageId()).as("%s", r).isEqualTo(uid + "#" + original);
                        assertThat(e.threadId()).isEqualTo(p.get("recurringEventId").asText());
                    } else {
                        assertThat(e.internetMessageId()).as("%s", r).isEqualTo(uid);
                    }
                } else {
                    assertThat(e.internetMessageId()).as("%s", r).isEqualTo(p.get("iCalUId").asText());
                    assertThat(e.threadId()).isEqualTo(p.path("seriesMasterId").asText(null));
                }
            }
            if (r.source() == Source.GOOGLE_CALENDAR && r.payload().hasNonNull("recurringEventId")) {
                googleInstances++;
            }
        }
        assertThat(googleInstances).as("Google instances with outside guests").isPositive();
        // Every Graph occurrence is a remote of its own (calendarView instances, R-D2), decided separately. The
        // generated series in the Microsoft calendars are all team-only, so none yields events to check ids on.
        List<Captured> graphInstances = records.stream()
                .filter(r -> r.source() == Source.OUTLOOK_CALENDAR && r.payload().hasNonNull("seriesMasterId")).toList();
        assertThat(graphInstances).isNotEmpty();
        assertThat(graphInstances.stream().map(r -> new RemoteKey(r.raw().userId(), r.source(), r.raw().remoteId())))
                .doesNotHaveDuplicates().allSatisfy(k -> assertThat(plan.desired()).containsKey(k));
        // one set of events per instance: no two instances share an event id
        List<InteractionEvent> meetings = allEvents().stream().filter(e -> e.kind() == InteractionEvent.Kind.MEETING).toList();
        assertThat(meetings.stream().map(InteractionEvent::id).distinct().count()).isEqualTo(meetings.size());
    }

    // ------------------------------------------------------------------------------------------------ R-E

    @Test
    void rE1_messageIds() {
        int real = 0;
        int synthetic = 0;
        for (Captured r : records) {
            if (!r.mail()) {
                continue;
            }
            String written = Mail.of(r).messageId();
            for (InteractionEvent e : eventsOf(r)) {
                if (written == null) {
                    assertThat(e.internetMessageId()).as("%s", r).startsWith("synthetic:");
                } else {
                    assertThat("<" + e.internetMessageId() + ">").as("%s", r).isEqualTo(written.strip());
                }
            }
            if (!eventsOf(r).isEmpty()) {
                if (written == null) {
                    synthetic++;
                } else {
                    real++;
                }
            }
        }
        assertThat(real).isGreaterThan(50);
        assertThat(synthetic).as("messages without a Message-ID").isPositive();
    }

    @Test
    void rE2_theSameMessageInTwoMailboxesGivesEachMemberTheirOwnEvents() {
        Map<String, List<Captured>> byMessageId = records.stream().filter(r -> r.mail() && Mail.of(r).messageId() != null)
                .collect(Collectors.groupingBy(r -> Mail.of(r).messageId(), LinkedHashMap::new, Collectors.toList()));
        int shared = 0;
        for (List<Captured> copies : byMessageId.values()) {
            Set<String> users = copies.stream().flatMap(r -> users(r).stream()).collect(Collectors.toSet());
            if (users.size() < 2) {
                continue;
            }
            List<InteractionEvent> events = copies.stream().flatMap(r -> users(r).stream()
                    .flatMap(u -> plan.desired().get(new RemoteKey(u, r.source(), r.raw().remoteId())).stream())).toList();
            Set<String> usersWithEvents = events.stream().map(InteractionEvent::userId).collect(Collectors.toSet());
            if (usersWithEvents.size() >= 2) {
                shared++;
                assertThat(events.stream().map(InteractionEvent::internetMessageId).distinct()).hasSize(1);
                assertThat(events.stream().map(InteractionEvent::id).distinct().count()).isEqualTo(events.size());
            }
        }
        assertThat(shared).as("messages with events in two members' mailboxes").isPositive();
    }

    // ------------------------------------------------------------------------------------------------ views

    /** A mail message as the payload states it, read without the normalizer's parsers. */
    record Mail(Captured record, Map<String, String> headers, String from, List<String> to, List<String> cc,
                List<String> bcc, boolean ownCopy, boolean outbound, String messageId) {

        private static final Map<Captured, Mail> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

        static Mail of(Captured r) {
            return CACHE.computeIfAbsent(r, Mail::read);
        }

        private static Mail read(Captured r) {
            JsonNode p = r.payload();
            Map<String, String> headers = new LinkedHashMap<>();
            JsonNode list = r.source() == Source.GMAIL ? p.path("payload").path("headers") : p.path("internetMessageHeaders");
            list.forEach(h -> headers.putIfAbsent(h.path("name").asText().toLowerCase(Locale.ROOT), h.path("value").asText()));
            String mailbox = key(r.raw().mailbox());
            Set<String> owners = new HashSet<>(Set.of(mailbox));
            if (!r.raw().sharedMailbox()) {
                owners.addAll(accountEmailsByUser.getOrDefault(r.raw().userId(), Set.of()));
            }
            if (r.source() == Source.GMAIL) {
                String from = addresses(headers.get("from")).stream().findFirst().orElse(null);
                boolean sent = p.path("labelIds").toString().contains("\"SENT\"");
                return new Mail(r, headers, from, addresses(headers.get("to")), addresses(headers.get("cc")),
                        addresses(headers.get("bcc")), sent, sent || owners.contains(from), headers.get("message-id"));
            }
            String from = lower(p.path("from").path("emailAddress").path("address").asText(null));
            // R-B1: the owner's own copy is From an owner address, or (own mailbox) filed in its Sent Items folder,
            // whose other senders are the owner's aliases
            boolean own = owners.contains(from) || !r.raw().sharedMailbox()
                    && Objects.equals(sentItemsByMailbox.get(mailbox), p.path("parentFolderId").asText(null));
            return new Mail(r, headers, from, recipients(p, "toRecipients"), recipients(p, "ccRecipients"),
                    recipients(p, "bccRecipients"), own, own, p.path("internetMessageId").asText(null));
        }

        List<String> all() {
            List<String> all = new ArrayList<>();
            if (from != null) {
                all.add(from);
            }
            Stream.of(to, cc, bcc).forEach(all::addAll);
            return all;
        }

        /** The distinct recipients: To + Cc, + Bcc on the sender's own copy (R-B4), colleagues included. */
        int recipientCount() {
            Set<String> all = new HashSet<>(to);
            all.addAll(cc);
            if (ownCopy) {
                all.addAll(bcc);
            }
            return all.size();
        }

        /** More recipients than the fan-out cap (R-B3): a broadcast. */
        boolean broadcast() {
            return recipientCount() > FAN_OUT_CAP;
        }

        /**
         * R-B3/R-B4/R-B2 and the hard skips that apply to the generated data (R-C2, R-C4), as "address role"; a
         * broadcast keeps the sender and the first {@link #FAN_OUT_CAP} outside recipients (To, Cc, Bcc order).
         */
        Set<String> expectedContacts() {
            Set<String> out = new LinkedHashSet<>();
            if (isAutoSubmitted(this) || CALENDAR_MAILERS.contains(from)) {
                return out;
            }
            if (!outbound && from != null && !internal(from)) {
                out.add(from + " FROM");
            }
            Set<String> recipients = new LinkedHashSet<>();
            to.stream().filter(a -> !internal(a)).forEach(a -> recipients.add(a + " TO"));
            cc.stream().filter(a -> !internal(a)).forEach(a -> recipients.add(a + " CC"));
            if (outbound && ownCopy) {
                bcc.stream().filter(a -> !internal(a)).forEach(a -> recipients.add(a + " BCC"));
            }
            recipients.stream().limit(broadcast() ? FAN_OUT_CAP : Long.MAX_VALUE).forEach(out::add);
            return out;
        }

        static List<String> recipients(JsonNode p, String field) {
            List<String> out = new ArrayList<>();
            p.path(field).forEach(a -> out.add(lower(a.path("emailAddress").path("address").asText())));
            return out;
        }
    }

    /** One attendee as the provider lists it (Graph responses in Google's words). */
    record Attendee(String email, boolean room, String response, boolean organizer, boolean self) {
    }

    /** A calendar event as the payload states it. */
    record Meeting(Captured record, boolean cancelled, boolean notAMeeting, String organizer, boolean organizerSelf,
                   List<Attendee> attendees, String ownResponse) {

        static Meeting of(Captured r) {
            JsonNode p = r.payload();
            String mailbox = key(r.raw().mailbox());
            List<Attendee> attendees = new ArrayList<>();
            if (r.source() == Source.GOOGLE_CALENDAR) {
                String own = null;
                for (JsonNode a : p.path("attendees")) {
                    Attendee at = new Attendee(lower(a.path("email").asText()), a.path("resource").asBoolean(),
                            a.path("responseStatus").asText("needsAction"), a.path("organizer").asBoolean(),
                            a.path("self").asBoolean());
                    attendees.add(at);
                    own = at.self() ? at.response() : own;
                }
                boolean organizerSelf = p.path("organizer").path("self").asBoolean();
                if (own == null && organizerSelf) {
                    own = "accepted";
                }
                return new Meeting(r, "cancelled".equals(p.path("status").asText()) || !r.upsert(),
                        !p.path("eventType").asText("default").equals("default"),
                        lower(p.path("organizer").path("email").asText(null)), organizerSelf, attendees, own);
            }
            for (JsonNode a : p.path("attendees")) {
                String response = a.path("status").path("response").asText();
                attendees.add(new Attendee(lower(a.path("emailAddress").path("address").asText()),
                        "resource".equals(a.path("type").asText()), google(response), response.equals("organizer"),
                        false));
            }
            boolean organizerSelf = p.path("isOrganizer").asBoolean();
            String showAs = p.path("showAs").asText();
            String own = organizerSelf ? "accepted" : google(p.path("responseStatus").path("response").asText(null));
            return new Meeting(r, p.path("isCancelled").asBoolean() || p.has("@removed") || !r.upsert(),
                    showAs.equals("oof") || showAs.equals("workingElsewhere") || "seriesMaster".equals(p.path("type").asText()),
                    lower(p.path("organizer").path("emailAddress").path("address").asText(null)), organizerSelf,
                    attendees, own);
        }

        private static String google(String graph) {
            if (graph == null || graph.equals("none")) {
                return null;
            }
            return switch (graph) {
                case "accepted", "organizer" -> "accepted";
                case "declined" -> "declined";
                case "tentativelyAccepted" -> "tentative";
                default -> "needsAction";
            };
        }

        List<String> rooms() {
            return attendees.stream().filter(Attendee::room).map(Attendee::email).toList();
        }

        /** Everyone but rooms: attendees and the organizer. */
        List<String> people() {
            List<String> people = new ArrayList<>(attendees.stream().filter(a -> !a.room()).map(Attendee::email).toList());
            if (organizer != null) {
                people.add(organizer);
            }
            return people;
        }

        private boolean organizerDeclined() {
            return attendees.stream().anyMatch(a -> a.email().equals(organizer) && a.response().equals("declined"));
        }

        /** R-D5: distinct non-room, non-declined attendees plus the organizer. */
        int expectedAttendeeCount() {
            Set<String> present = new HashSet<>();
            attendees.stream().filter(a -> !a.room() && !a.response().equals("declined")).forEach(a -> present.add(a.email()));
            if (organizer != null && !organizerDeclined()) {
                present.add(organizer);
            }
            return Math.max(1, present.size());
        }

        /** R-D1..R-D5 as "address role". */
        Set<String> expectedGuests() {
            Set<String> out = new LinkedHashSet<>();
            if (cancelled || notAMeeting || "declined".equals(ownResponse)) {
                return out;
            }
            Map<String, String> guests = new LinkedHashMap<>();
            for (Attendee a : attendees) {
                if (a.room() || a.response().equals("declined") || a.self() || internal(a.email())) {
                    continue;
                }
                guests.putIfAbsent(a.email(), a.organizer() || a.email().equals(organizer) ? "ORGANIZER" : "ATTENDEE");
            }
            if (organizer != null && !organizerSelf && !internal(organizer) && !organizerDeclined()) {
                guests.put(organizer, "ORGANIZER");
            }
            guests.forEach((a, role) -> out.add(a + " " + role));
            return out;
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static Plan plan(List<IncomingRecord> batch) {
        BatchNormalizer normalizer = new BatchNormalizer(
                new RecordDecoder(Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC)), Mappers.all());
        return normalizer.plan(normalizer.prepare(batch), lookups);
    }

    /** Per user, the addresses their outbound (not automated) mail went to: the history R-C6/R-C7 read. */
    private static Map<String, Set<String>> sentTo(List<Captured> records) {
        Map<String, Set<String>> emailed = new HashMap<>();
        for (Captured r : records) {
            if (r.mail() && r.upsert()) {
                Mail m = Mail.of(r);
                if (m.outbound() && !isAutoSubmitted(m)) {
                    for (String user : users(r)) {
                        emailed.computeIfAbsent(user, u -> new HashSet<>())
                                .addAll(Stream.of(m.to(), m.cc(), m.bcc()).flatMap(List::stream).toList());
                    }
                }
            }
        }
        return emailed;
    }

    static IncomingRecord incoming(Captured r) {
        return new IncomingRecord("raw-records", 0, r.offset(), r.raw().accountId(), r.bytes());
    }

    /** The users a record is attributed to: its own, and for a shared mailbox every subscriber (R-B5). */
    private static List<String> users(Captured r) {
        Set<String> users = new LinkedHashSet<>(List.of(r.raw().userId()));
        if (r.raw().sharedMailbox()) {
            users.addAll(subscribers.getOrDefault(key(r.raw().mailbox()), Map.of()).values());
        }
        return List.copyOf(users);
    }

    /** The live events of a record's own user (for a shared mailbox record: of the user whose account read it). */
    private static List<InteractionEvent> eventsOf(Captured r) {
        List<InteractionEvent> events = plan.desired().get(new RemoteKey(r.raw().userId(), r.source(), r.raw().remoteId()));
        return events == null ? List.of() : events;
    }

    private static List<InteractionEvent> allEvents() {
        return plan.desired().values().stream().flatMap(List::stream).toList();
    }

    static boolean internal(String address) {
        String a = lower(address);
        String domain = a.substring(a.indexOf('@') + 1);
        return memberEmails.contains(a)
                || internalDomains.stream().anyMatch(d -> domain.equals(d) || domain.endsWith("." + d));
    }

    private static boolean isOwnerOf(Captured r, String address) {
        return key(r.raw().mailbox()).equals(lower(address))
                || !r.raw().sharedMailbox() && accountEmailsByUser.getOrDefault(r.raw().userId(), Set.of()).contains(lower(address));
    }

    /** RFC 3834: present and not "no" (parameters after ';' aside). */
    private static boolean isAutoSubmitted(Mail m) {
        String v = m.headers().get("auto-submitted");
        return v != null && !v.split(";", 2)[0].strip().equalsIgnoreCase("no");
    }

    private static boolean automatedSender(String address) {
        String domain = address.substring(address.indexOf('@') + 1);
        return NEWSLETTER_SENDERS.contains(address) || AUTOMATED_DOMAINS.contains(domain) || LIST_ADDRESSES.contains(address);
    }

    private static boolean isListPoster(InteractionEvent e) {
        return records.stream().filter(r -> r.mail() && r.raw().remoteId().equals(e.remoteId()))
                .anyMatch(r -> Mail.of(r).to().stream().anyMatch(LIST_ADDRESSES::contains));
    }

    private static Instant[] googleTimes(JsonNode p) {
        ZoneId zone = p.path("start").hasNonNull("timeZone") ? ZoneId.of(p.path("start").get("timeZone").asText()) : ZoneOffset.UTC;
        return new Instant[] {googleTime(p.path("start"), zone), googleTime(p.path("end"), zone)};
    }

    private static Instant googleTime(JsonNode t, ZoneId eventZone) {
        if (t.hasNonNull("dateTime")) {
            return OffsetDateTime.parse(t.get("dateTime").asText()).toInstant();
        }
        ZoneId zone = t.hasNonNull("timeZone") ? ZoneId.of(t.get("timeZone").asText()) : eventZone;
        return LocalDate.parse(t.get("date").asText()).atStartOfDay(zone).toInstant();
    }

    private static Instant[] graphTimes(JsonNode p) {
        return new Instant[] {graphTime(p.path("start")), graphTime(p.path("end"))};
    }

    private static Instant graphTime(JsonNode t) {
        return LocalDateTime.parse(t.get("dateTime").asText()).atZone(ZoneId.of(t.get("timeZone").asText())).toInstant();
    }

    private static byte[] withBcc(Captured r) {
        ObjectNode envelope = (ObjectNode) tree(r.bytes());
        ObjectNode p = (ObjectNode) envelope.get("payload");
        if (r.source() == Source.GMAIL) {
            ((ArrayNode) p.path("payload").path("headers")).addObject().put("name", "Bcc")
                    .put("value", "Hidden Person <hidden.person@outside-bcc.example>");
        } else {
            ArrayNode bcc = p.has("bccRecipients") ? (ArrayNode) p.get("bccRecipients") : p.putArray("bccRecipients");
            bcc.addObject().putObject("emailAddress").put("name", "Hidden Person")
                    .put("address", "hidden.person@outside-bcc.example");
        }
        try {
            return Json.mapper().writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> addresses(String header) {
        List<String> out = new ArrayList<>();
        if (header != null) {
            Matcher m = ADDRESS.matcher(header);
            while (m.find()) {
                out.add(m.group().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static String key(String address) {
        return AddressKeys.key(address).orElseThrow(() -> new AssertionError("not an address: " + address));
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static List<String> lines(String resource) {
        try (InputStream in = CapturedPayloadsTests.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(Predicate.not(String::isBlank)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return Json.mapper().readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(byte[] bytes) {
        try {
            return Json.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
