package io.interactionsync.normalizer.mapper;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.service.BatchNormalizer;
import io.interactionsync.normalizer.service.BatchNormalizer.Lookups;
import io.interactionsync.normalizer.service.BatchNormalizer.Plan;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.RecordDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** 10,000 fuzzed records (SPEC §5 "bad input"): nothing throws, every record is mapped or dead-lettered. */
class FuzzedRecordsTests {

    private static final String[] JUNK = {"", "<", "@", "\u0000", "\"", "a@b", "=?UTF-8?B?###?=", ",,,", ";", ":",
            "undisclosed-recipients:;", "x@y.com (", "\uD800", "<<a@b.com>>", "Ünïcødé <u@münchen.de>", "a@b.com\u0000",
            "John \"Q\" Public <jq@x.com>", "group: a@x.com, ;", "\t\r\n", "9999999999999999999", "-1"};

    @Test
    void R_F3_tenThousandFuzzedRecordsNeverThrowAndAreAllAccountedFor() {
        Random random = new Random(20261126);
        BatchNormalizer normalizer = new BatchNormalizer(new RecordDecoder(Clock.systemUTC()), Mappers.all());
        int total = 10_000;
        int dead = 0;
        int mapped = 0;
        for (int batchStart = 0; batchStart < total; batchStart += 500) {
            List<IncomingRecord> batch = new ArrayList<>();
            for (int i = batchStart; i < batchStart + 500; i++) {
                batch.add(new IncomingRecord("raw-records", 0, i, "k" + i, fuzz(random, i)));
            }
            Plan plan = normalizer.plan(normalizer.prepare(batch), Lookups.EMPTY);
            dead += plan.deadLetters().size();
            mapped += plan.desired().size();
            // Schema-check a sample: the 10,000-recipient records alone yield hundreds of thousands of events.
            for (InteractionEvent e : plan.desired().values().stream().flatMap(List::stream).limit(2_000).toList()) {
                assertThat(ContractSchemas.validate(ContractSchemas.Contract.INTERACTION_EVENT,
                        Json.mapper().valueToTree(e))).isEmpty();
                assertThat(e.contactEmail()).doesNotContain("\u0000");
                assertThat(e.contactName() == null || !e.contactName().contains("\u0000")).isTrue();
            }
        }
        assertThat(dead).isPositive();
        assertThat(mapped).isPositive();
        // Every record is either dead-lettered or decides its remote key (remote ids repeat, so ≤).
        assertThat(dead + mapped).isLessThanOrEqualTo(total);
        assertThat(dead).isGreaterThan(total / 4);
    }

    private static byte[] fuzz(Random r, int i) {
        ObjectNode message = GmailFixtures.message("f" + (i % 997)).labels(pick(r, "INBOX", "SENT", "SPAM", "X"))
                .from(junkAddress(r)).to(junkList(r)).cc(junkList(r)).bcc(junkList(r))
                .header("Date", pick(r, "Mon, 24 Nov 2025 10:00:00 +0000", "garbage", "", "31 Feb 99 25:61:61 XYZ"))
                .header(pick(r, "List-Id", "Auto-Submitted", "Precedence", "Return-Path", "References"), junk(r))
                .internalDate(pick(r, "1764000000000", "abc", null, "99999999999999999", "0"))
                .json();
        String text;
        int kind = r.nextInt(8);
        if (kind == 4 && r.nextInt(125) != 0) {
            kind = 5; // keep the 10,000-recipient case to ~10 records
        }
        switch (kind) {
            case 0 -> { // random bytes
                byte[] b = new byte[r.nextInt(64)];
                r.nextBytes(b);
                return b;
            }
            case 1 -> { // truncated JSON
                text = toJson(GmailFixtures.upsert(message));
                return text.substring(0, r.nextInt(Math.max(1, text.length()))).getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> { // wrong types inside the payload
                message.set("payload", r.nextBoolean() ? Json.mapper().getNodeFactory().textNode("x")
                        : Json.mapper().createObjectNode().set("headers", Json.mapper().getNodeFactory().numberNode(7)));
                return toJson(GmailFixtures.upsert(message)).getBytes(StandardCharsets.UTF_8);
            }
            case 3 -> { // envelope with fields missing or mistyped
                ObjectNode env = (ObjectNode) Json.mapper().valueToTree(GmailFixtures.upsert(message));
                env.remove(pick(r, "accountId", "userId", "remoteId", "payload", "op", "source"));
                if (r.nextBoolean()) {
                    env.put("sharedMailbox", "yes");
                }
                return env.toString().getBytes(StandardCharsets.UTF_8);
            }
            case 4 -> { // 10,000 recipients
                StringBuilder to = new StringBuilder();
                for (int k = 0; k < 10_000; k++) {
                    to.append("r").append(k).append("@big.example, ");
                }
                ((ArrayNode) message.path("payload").path("headers")).addObject().put("name", "To").put("value", to.toString());
                return toJson(GmailFixtures.upsert(message)).getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                return toJson(GmailFixtures.upsert(message)).getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    private static String toJson(Object o) {
        try {
            return Json.mapper().writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String junkAddress(Random r) {
        return r.nextInt(3) == 0 ? "person" + r.nextInt(50) + "@client.example" : junk(r);
    }

    private static String junkList(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(4);
        for (int k = 0; k < n; k++) {
            sb.append(junkAddress(r)).append(r.nextBoolean() ? ", " : junk(r));
        }
        return sb.toString();
    }

    private static String junk(Random r) {
        return JUNK[r.nextInt(JUNK.length)] + (r.nextBoolean() ? JUNK[r.nextInt(JUNK.length)] : "");
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }
}
