package io.interactionsync.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.deploy.StackClient;
import io.interactionsync.deploy.StackEndpoints;
import io.interactionsync.deploy.bench.FreshnessLedger.Change;
import io.interactionsync.deploy.bench.FreshnessLedger.Channel;
import io.interactionsync.emulator.ProviderEmulator;
import io.interactionsync.model.Json;
import io.interactionsync.model.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The freshness benchmark's pure parts: percentiles, matching events to changes, the plan and the resources. */
class FreshnessBenchmarkTests {

    private static final long SECOND = 1_000_000_000L;
    private static final double EPS = 1e-9;

    @Test
    void percentilesAreNearestRankAndAMissCountsAsInfinitelyLate() {
        List<Double> oneToTwenty = IntStream.rangeClosed(1, 20).mapToObj(i -> (double) i).toList();
        FreshnessStats.Summary s = FreshnessStats.summarize(oneToTwenty, 0);
        assertThat(s.count()).isEqualTo(20);
        assertThat(s.p50()).isEqualTo(10.0);
        assertThat(s.p95()).isEqualTo(19.0);
        assertThat(s.max()).isEqualTo(20.0);
        assertThat(FreshnessStats.percentile(List.of(7.0), 95)).isEqualTo(7.0);
        assertThat(FreshnessStats.percentile(List.of(1.0, 2.0, 3.0), 50)).isEqualTo(2.0);

        // one miss in 20 lands on the max only; two reach p95
        FreshnessStats.Summary oneMiss = FreshnessStats.summarize(oneToTwenty.subList(0, 19), 1);
        assertThat(oneMiss.p95()).isEqualTo(19.0);
        assertThat(oneMiss.max()).isInfinite();
        assertThat(oneMiss.misses()).isEqualTo(1);
        FreshnessStats.Summary twoMisses = FreshnessStats.summarize(oneToTwenty.subList(0, 18), 2);
        assertThat(twoMisses.p95()).isInfinite();
        assertThat(twoMisses.p50()).isEqualTo(10.0);
        assertThat(twoMisses.cells()).isEqualTo("  10.00    miss    miss");

        // unsorted input
        assertThat(FreshnessStats.summarize(List.of(3.0, 1.0, 2.0), 0).max()).isEqualTo(3.0);
        assertThat(FreshnessStats.summarize(List.of(), 0).p50()).isNaN();
        assertThat(FreshnessStats.summarize(List.of(), 0).cells()).isEqualTo("      -       -       -");
        assertThatThrownBy(() -> FreshnessStats.percentile(List.of(1.0), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ratiosAreAgainstTheBaselineAndNeverHideAMiss() {
        assertThat(FreshnessStats.ratio(1.5, 60)).isEqualTo("0.03×");
        assertThat(FreshnessStats.ratio(Double.POSITIVE_INFINITY, 60)).isEqualTo("miss");
        assertThat(FreshnessStats.ratio(1.5, Double.POSITIVE_INFINITY)).isEqualTo("-");
        assertThat(FreshnessStats.ratio(Double.NaN, 60)).isEqualTo("-");
        assertThat(FreshnessStats.ratio(1.5, 0)).isEqualTo("-");
    }

    private static Change change(int seq, Source source, String user, String contact, long t0) {
        return new Change(seq, source, user + "@acme.test", "user-" + user, contact, t0);
    }

    private static ObjectNode event(String user, Source source, String contact) {
        return Json.mapper().createObjectNode().put("userId", "user-" + user).put("source", source.wireName())
                .put("contactEmail", contact).put("deleted", false);
    }

    @Test
    void topicRecordsMatchTheirChangeByContactUserAndSourceOnce() {
        FreshnessLedger ledger = new FreshnessLedger(60 * SECOND);
        Change gmail = change(0, Source.GMAIL, "ann", "fresh-push-0000-abc@partners.example", 0);
        Change meeting = change(1, Source.OUTLOOK_CALENDAR, "bob", "fresh-push-0001-abc@partners.example", SECOND);
        ledger.register(gmail);
        ledger.register(meeting);
        assertThatThrownBy(() -> ledger.register(change(2, Source.GMAIL, "ann", "Fresh-Push-0000-ABC@partners.example", 0)))
                .isInstanceOf(IllegalArgumentException.class);

        // a retraction and another user's or source's event are no sighting
        assertThat(ledger.topicRecord(event("ann", Source.GMAIL, gmail.contact()).put("deleted", true), 2 * SECOND))
                .isNull();
        assertThat(ledger.topicRecord(event("bob", Source.GMAIL, gmail.contact()), 2 * SECOND)).isNull();
        assertThat(ledger.topicRecord(event("ann", Source.GOOGLE_CALENDAR, gmail.contact()), 2 * SECOND)).isNull();
        assertThat(ledger.topicRecord(event("ann", Source.GMAIL, "someone@else.example"), 2 * SECOND)).isNull();
        assertThat(ledger.seen(Channel.TOPIC)).isZero();

        // the contact as normalised (case) still matches; a repeat counts once
        assertThat(ledger.topicRecord(event("ann", Source.GMAIL, "FRESH-push-0000-abc@partners.example"),
                (long) (1.5 * SECOND))).isEqualTo(gmail);
        assertThat(ledger.topicRecord(event("ann", Source.GMAIL, gmail.contact()), 3 * SECOND)).isNull();
        assertThat(ledger.topicRecord(event("bob", Source.OUTLOOK_CALENDAR, meeting.contact()), 4 * SECOND))
                .isEqualTo(meeting);

        FreshnessLedger.Result r = ledger.result();
        assertThat(r.mismatched()).isEqualTo(2);
        assertThat(r.unmatched()).isEqualTo(1);
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.perSource().get(Channel.TOPIC).get(Source.GMAIL).max()).isCloseTo(1.5, org.assertj.core.data.Offset.offset(EPS));
        assertThat(r.perSource().get(Channel.TOPIC).get(Source.OUTLOOK_CALENDAR).max()).isCloseTo(3.0,
                org.assertj.core.data.Offset.offset(EPS));
        assertThat(r.overall().get(Channel.TOPIC).count()).isEqualTo(2);
        assertThat(r.perSource().get(Channel.TOPIC)).doesNotContainKey(Source.OUTLOOK_MAIL);
    }

    @Test
    void apiAnswersCountWhenAnItemIsTheChangesEventAndMissesAfterTheTimeout() {
        FreshnessLedger ledger = new FreshnessLedger(10 * SECOND);
        Change a = change(0, Source.GOOGLE_CALENDAR, "ann", "a@partners.example", 0);
        Change b = change(1, Source.GOOGLE_CALENDAR, "ann", "b@partners.example", SECOND);
        Change c = change(2, Source.OUTLOOK_MAIL, "bob", "c@partners.example", 2 * SECOND);
        List.of(a, b, c).forEach(ledger::register);
        assertThat(ledger.pendingApi(3 * SECOND)).containsExactly(a, b, c);

        JsonNode empty = Json.mapper().createObjectNode().set("items", Json.mapper().createArrayNode());
        assertThat(ledger.apiAnswer(a, empty, 2 * SECOND)).isFalse();
        ObjectNode page = Json.mapper().createObjectNode();
        page.putArray("items").add(event("ann", Source.GOOGLE_CALENDAR, "A@partners.example"));
        assertThat(ledger.apiAnswer(a, page, 4 * SECOND)).isTrue();
        assertThat(ledger.apiAnswer(a, page, 9 * SECOND)).isTrue(); // the first sighting stays
        ObjectNode wrongUser = Json.mapper().createObjectNode();
        wrongUser.putArray("items").add(event("bob", Source.GOOGLE_CALENDAR, b.contact()));
        assertThat(ledger.apiAnswer(b, wrongUser, 4 * SECOND)).isFalse();
        assertThat(ledger.pendingApi(5 * SECOND)).containsExactly(b, c);
        // b times out at 11 s, c at 12 s
        assertThat(ledger.pendingApi(11 * SECOND)).containsExactly(c);
        assertThat(ledger.settled(11 * SECOND)).isFalse();
        ledger.topicRecord(event("ann", Source.GOOGLE_CALENDAR, a.contact()), 5 * SECOND);
        ObjectNode cPage = Json.mapper().createObjectNode();
        cPage.putArray("items").add(event("bob", Source.OUTLOOK_MAIL, c.contact()));
        ledger.apiAnswer(c, cPage, 13 * SECOND); // after its timeout: still a miss
        assertThat(ledger.settled(12 * SECOND)).isTrue();

        FreshnessLedger.Result r = ledger.result();
        FreshnessStats.Summary api = r.overall().get(Channel.API);
        assertThat(api.count()).isEqualTo(3);
        assertThat(api.misses()).isEqualTo(2);
        assertThat(api.p50()).isInfinite();
        assertThat(r.perSource().get(Channel.API).get(Source.GOOGLE_CALENDAR).p50()).isCloseTo(4.0,
                org.assertj.core.data.Offset.offset(EPS));
        assertThat(r.overall().get(Channel.TOPIC).misses()).isEqualTo(2);
        assertThat(r.missed()).contains("API: change 1 (google_calendar, ann@acme.test)",
                "API: change 2 (outlook_mail, bob@acme.test)", "TOPIC: change 2 (outlook_mail, bob@acme.test)");
    }

    @Test
    void apiReadsFollowEachChangesAgeAndTheirGapIsTheResolution() {
        FreshnessLedger ledger = new FreshnessLedger(600 * SECOND);
        Change a = change(0, Source.GMAIL, "ann", "a@partners.example", 10 * SECOND);
        ledger.register(a);
        long min = SECOND / 10;
        assertThat(ledger.nextApiAsk(a, min, 0.05)).isEqualTo(10 * SECOND + min); // first read: the minimum after t0
        JsonNode empty = Json.mapper().createObjectNode().set("items", Json.mapper().createArrayNode());
        ledger.apiAnswer(a, empty, 11 * SECOND);
        assertThat(ledger.nextApiAsk(a, min, 0.05)).isEqualTo(11 * SECOND + min); // 5 % of 1 s < the minimum
        ledger.apiAnswer(a, empty, 50 * SECOND);
        assertThat(ledger.nextApiAsk(a, min, 0.05)).isEqualTo(50 * SECOND + 2 * SECOND); // 5 % of 40 s
        ledger.apiAnswer(a, empty, 49 * SECOND); // a slower, older answer does not move the last miss back
        ObjectNode page = Json.mapper().createObjectNode();
        page.putArray("items").add(event("ann", Source.GMAIL, a.contact()));
        ledger.apiAnswer(a, page, 52 * SECOND);
        FreshnessLedger.Result r = ledger.result();
        assertThat(r.overall().get(Channel.API).max()).isCloseTo(42.0, org.assertj.core.data.Offset.offset(EPS));
        assertThat(r.apiResolution().max()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(EPS));
    }

    @Test
    void aWithdrawnChangeIsForgotten() {
        FreshnessLedger ledger = new FreshnessLedger(10 * SECOND);
        Change a = change(0, Source.GMAIL, "ann", "a@partners.example", 0);
        ledger.register(a);
        ledger.withdraw(a);
        assertThat(ledger.size()).isZero();
        assertThat(ledger.settled(0)).isTrue();
        assertThat(ledger.result().overall().get(Channel.API).count()).isZero();
    }

    @Test
    void thePlanInterleavesTheSourcesAndSpreadsEachOverItsAccounts() {
        List<String> google = IntStream.range(0, 10).mapToObj(i -> "g" + i + "@acme.test").toList();
        List<String> microsoft = IntStream.range(0, 10).mapToObj(i -> "m" + i + "@acme.test").toList();
        List<FreshnessChanges.Target> plan = FreshnessChanges.plan(200, google, microsoft);
        assertThat(plan).hasSize(200);
        assertThat(plan.stream().collect(Collectors.groupingBy(FreshnessChanges.Target::source, Collectors.counting())))
                .containsOnly(Map.entry(Source.GMAIL, 50L), Map.entry(Source.GOOGLE_CALENDAR, 50L),
                        Map.entry(Source.OUTLOOK_MAIL, 50L), Map.entry(Source.OUTLOOK_CALENDAR, 50L));
        assertThat(plan.stream().collect(Collectors.groupingBy(t -> t, Collectors.counting())).values())
                .hasSize(40).containsOnly(5L);
        assertThat(plan).allMatch(t -> (t.source().provider() == io.interactionsync.model.Provider.GOOGLE
                ? google : microsoft).contains(t.mailbox()));
        assertThat(plan.subList(0, 4)).extracting(FreshnessChanges.Target::source)
                .containsExactlyElementsOf(FreshnessChanges.SOURCES);
        // an account's two sources alternate half a round (20 changes) apart, never back to back
        Map<String, List<Integer>> byAccount = IntStream.range(0, plan.size()).boxed()
                .collect(Collectors.groupingBy(i -> plan.get(i).mailbox()));
        assertThat(byAccount).hasSize(20).allSatisfy((account, positions) -> {
            assertThat(positions).hasSize(10);
            for (int k = 1; k < positions.size(); k++) {
                assertThat(positions.get(k) - positions.get(k - 1)).as(account).isBetween(19, 21);
                assertThat(plan.get(positions.get(k)).source()).isNotEqualTo(plan.get(positions.get(k - 1)).source());
            }
        });
        // the baseline's 40: every account × source once
        assertThat(FreshnessChanges.plan(40, google, microsoft)).doesNotHaveDuplicates();
        assertThatThrownBy(() -> FreshnessChanges.plan(4, google, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachResourceNamesTheUserAndItsOneExternalContactWhereTheNormalizerLooks() {
        Instant now = Instant.parse("2026-12-06T21:00:07.250Z");
        String contact = FreshnessChanges.contact("push", 7, "a1b2c3");
        assertThat(contact).isEqualTo("fresh-push-0007-a1b2c3@partners.example");
        JsonNode gmail = Json.mapper().valueToTree(FreshnessChanges.resource(
                new FreshnessChanges.Target(Source.GMAIL, "ann@acme.test"), contact, "fr1a1b2c300007", 7, now));
        assertThat(gmail.at("/labelIds/0").asText()).isEqualTo("INBOX");
        assertThat(gmail.path("internalDate").asText()).isEqualTo(Long.toString(Instant.parse("2026-12-06T21:00:07Z").toEpochMilli()));
        assertThat(headers(gmail)).containsEntry("From", "Fresh Contact <" + contact + ">")
                .containsEntry("To", "ann@acme.test").containsEntry("Date", "Sun, 6 Dec 2026 21:00:07 GMT");

        JsonNode google = Json.mapper().valueToTree(FreshnessChanges.resource(
                new FreshnessChanges.Target(Source.GOOGLE_CALENDAR, "ann@acme.test"), contact, "fr1a1b2c300007", 7, now));
        assertThat(google.path("id").asText()).matches("[0-9a-v]{5,1024}");
        assertThat(google.at("/start/dateTime").asText()).isEqualTo("2026-12-08T21:07:00Z");
        assertThat(google.at("/organizer/email").asText()).isEqualTo("ann@acme.test");
        assertThat(google.path("attendees")).extracting(a -> a.path("email").asText())
                .containsExactly("ann@acme.test", contact);

        JsonNode outlook = Json.mapper().valueToTree(FreshnessChanges.resource(
                new FreshnessChanges.Target(Source.OUTLOOK_MAIL, "bob@acme.test"), contact, "x", 7, now));
        assertThat(outlook.at("/from/emailAddress/address").asText()).isEqualTo(contact);
        assertThat(outlook.at("/toRecipients/0/emailAddress/address").asText()).isEqualTo("bob@acme.test");
        JsonNode meeting = Json.mapper().valueToTree(FreshnessChanges.resource(
                new FreshnessChanges.Target(Source.OUTLOOK_CALENDAR, "bob@acme.test"), contact, "x", 7, now));
        assertThat(meeting.at("/start/dateTime").asText()).isEqualTo("2026-12-08T21:07:00.0000000");
        assertThat(meeting.at("/organizer/emailAddress/address").asText()).isEqualTo("bob@acme.test");
        assertThat(meeting.path("attendees")).singleElement()
                .satisfies(a -> assertThat(a.at("/emailAddress/address").asText()).isEqualTo(contact));
    }

    private static Map<String, String> headers(JsonNode gmail) {
        return java.util.stream.StreamSupport.stream(gmail.at("/payload/headers").spliterator(), false)
                .collect(Collectors.toMap(h -> h.path("name").asText(), h -> h.path("value").asText()));
    }

    /** The emulator takes every kind of change at its control path, and the mailbox holds one more item after each. */
    @Test
    void theEmulatorAcceptsEachChangeAtItsControlPath() {
        try (ProviderEmulator emulator = ProviderEmulator.start(0)) {
            StackClient client = new StackClient(new StackEndpoints("unused:0", emulator.baseUrl(), null, 0, 0, 0, 0, 0,
                    "unused"));
            client.putGoogleUser("ann@acme.test", Map.of("name", "Ann", "messages", List.of(), "events", List.of()));
            client.putMicrosoftUser("bob@acme.test", Map.of("displayName", "Bob",
                    "folders", Map.of("inbox", List.of()), "events", List.of()));
            Instant now = Instant.now();
            List<FreshnessChanges.Target> plan = FreshnessChanges.plan(8, List.of("ann@acme.test"),
                    List.of("bob@acme.test"));
            for (int i = 0; i < plan.size(); i++) {
                FreshnessChanges.Target t = plan.get(i);
                StackClient.Answer a = client.call("POST", emulator.baseUrl() + FreshnessChanges.path(t), null,
                        FreshnessChanges.resource(t, FreshnessChanges.contact("t", i, "abc"), "fr0abc" + i, i, now));
                assertThat(a.status()).as(t + ": " + a.body()).isEqualTo(200);
            }
            JsonNode ann = client.call("GET", emulator.baseUrl() + "/_emulator/google/users/ann%40acme.test", null, null)
                    .json();
            assertThat(ann.path("messages").asInt()).isEqualTo(2);
            assertThat(ann.path("events").asInt()).isEqualTo(2);
            JsonNode bob = client.call("GET", emulator.baseUrl() + "/_emulator/microsoft/users", null, null).json();
            assertThat(bob.toString()).contains("bob@acme.test");
            JsonNode folders = client.call("GET", emulator.baseUrl() + "/_emulator/microsoft/users/bob%40acme.test/folders",
                    null, null).json();
            assertThat(java.util.stream.StreamSupport.stream(folders.path("folders").spliterator(), false)
                    .filter(f -> "inbox".equals(f.path("wellKnownName").asText()))
                    .mapToInt(f -> f.path("totalItemCount").asInt()).sum()).isEqualTo(2);
        }
    }

    @Test
    void optionsDefaultToTheBriefAndTheMissTimeoutFollowsThePoll() {
        FreshnessBenchmark.Options o = FreshnessBenchmark.Options.parse(new String[0]);
        assertThat(o.changes()).isEqualTo(200);
        assertThat(o.googleUsers() + o.microsoftUsers()).isEqualTo(20);
        assertThat(o.runs()).containsExactly("push", "loss", "poll");
        assertThat(o.missAfter()).isEqualTo(Duration.ofSeconds(180));
        assertThat(o.syncEnv("GOOGLE_SYNC")).containsOnly(Map.entry("GOOGLE_SYNC_PUSH_POLL_EVERY", "60s"),
                Map.entry("GOOGLE_SYNC_PUSH_CHECK_EVERY", "5s"));
        assertThat(o.baselinePace()).isEqualTo(Duration.ofMillis(1500)); // 40 changes over one 60 s poll interval
        FreshnessBenchmark.Options fast = FreshnessBenchmark.Options.parse(new String[] {"--poll-every", "20",
                "--runs", "poll", "--baseline-changes", "400"});
        assertThat(fast.missAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(fast.baselinePace()).isEqualTo(Duration.ofMillis(150)); // never faster than --pace-ms
        assertThatThrownBy(() -> FreshnessBenchmark.Options.parse(new String[] {"--runs", "push,fast"}))
                .hasMessageContaining("unknown run fast");
        assertThatThrownBy(() -> FreshnessBenchmark.Options.parse(new String[] {"--loss", "1.5"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void notificationCountersAreDiffedPerKind() {
        JsonNode before = json("{'counters':{'gmail':{'sent':10,'lost':1},'graph':{'sent':5,'lost':0}}}");
        JsonNode after = json("{'counters':{'gmail':{'sent':30,'lost':3},'graph':{'sent':5,'lost':0},"
                + "'calendar':{'sent':4,'lost':2}}}");
        assertThat(FreshnessBenchmark.counterDelta(before, after)).containsExactly(
                Map.entry("calendar", Map.of("sent", 4L, "lost", 2L)), Map.entry("gmail", Map.of("sent", 20L, "lost", 2L)));
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text.replace('\'', '"'));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
