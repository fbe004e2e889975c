package io.interactionsync.deploy.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The soak's pure parts: its malformed records really are what they claim, the comparison's four categories, options. */
class SoakTests {

    static final java.time.Instant AT = java.time.Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void badRecordsAreDeterministicAndEachKindIsTheFaultItNames() throws Exception {
        List<BadRecords.Bad> records = BadRecords.generate(7, 1000, 2, 500, AT);
        assertThat(records).hasSize(1000);
        assertThat(BadRecords.generate(7, 1000, 2, 500, AT)).extracting(b -> new String(b.value(), StandardCharsets.ISO_8859_1))
                .isEqualTo(records.stream().map(b -> new String(b.value(), StandardCharsets.ISO_8859_1)).toList());
        Map<BadRecords.Kind, Long> kinds = records.stream()
                .collect(Collectors.groupingBy(BadRecords.Bad::kind, Collectors.counting()));
        assertThat(kinds).containsEntry(BadRecords.Kind.FAN_OUT, 2L).containsKeys(BadRecords.Kind.values());
        assertThat(records).allMatch(b -> b.key().startsWith("soak-bad-account-"));

        for (BadRecords.Bad bad : records) {
            switch (bad.kind()) {
                case INVALID_JSON -> assertThatThrownBy(() -> Json.mapper().readTree(bad.value()))
                        .as(new String(bad.value(), StandardCharsets.UTF_8)).isInstanceOf(Exception.class);
                case INVALID_UTF8 -> {
                    assertThatThrownBy(() -> StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bad.value())))
                            .isInstanceOf(CharacterCodingException.class);
                    assertThatThrownBy(() -> Json.mapper().readTree(bad.value())).isInstanceOf(Exception.class);
                }
                case SCHEMA_VIOLATION -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD,
                        Json.mapper().readTree(bad.value()))).isNotEmpty();
                default -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD,
                        Json.mapper().readTree(bad.value()))).as(bad.kind().name()).isEmpty();
            }
        }
        JsonNode fanOut = Json.mapper().readTree(records.getFirst().value());
        String to = fanOut.at("/payload/payload/headers/1/value").asText();
        assertThat(to.split(", Person ")).hasSize(500);
    }

    @Test
    void theComparisonSeparatesMissingExtraDuplicatedAndReclassifiedRows() {
        EventSet baseline = new EventSet(Map.of("a", "direction=inbound", "b", "direction=inbound",
                "c", "direction=outbound"), List.of());
        EventSet actual = new EventSet(Map.of("a", "direction=inbound", "c", "direction=inbound", "d", "direction=inbound"),
                List.of("a"));
        EventSet.Comparison diff = baseline.compare(actual);
        assertThat(diff.missing()).containsExactly("b");
        assertThat(diff.extra()).containsExactly("d");
        assertThat(diff.duplicates()).containsExactly("a");
        assertThat(diff.reclassified()).containsExactly("c : direction=outbound → direction=inbound");
        assertThat(diff.identical()).isFalse();
        assertThat(baseline.compare(baseline).identical()).isTrue();
    }

    @Test
    void optionsNeedMinutesAndPassTheDataOptionsToTheStack() {
        Soak.Options options = Soak.Options.parse(new String[] {"--minutes", "0.5", "--seed", "9", "--messages", "40",
                "--bad", "20", "--fan-out", "1"});
        assertThat(options.minutes()).isEqualTo(0.5);
        assertThat(options.stack().seed()).isEqualTo(9);
        assertThat(options.stack().messages()).isEqualTo(40);
        assertThat(options.stack().users()).isEqualTo(2);
        assertThat(options.stack().fresh()).isTrue();
        assertThat(options.bad()).isEqualTo(20);
        assertThatThrownBy(() -> Soak.Options.parse(new String[] {"--seed", "1"})).hasMessageContaining("--minutes");
        assertThatThrownBy(() -> Soak.Options.parse(new String[] {"--minutes", "1", "--bad", "1", "--fan-out", "2"}))
                .hasMessageContaining("--fan-out");
    }

    @Test
    void theLastLineIsTheContractFormatAndEveryCheckCanFailTheRun() {
        Map<String, Integer> killed = Map.of("kafka", 1, "event-normalizer", 2, "relationship-service", 2);
        Soak.Result result = new Soak.Result(killed, 5, 12, 10000, 6000, 4000, 0, 0, 0, 0, 0, 0);
        assertThat(result.line()).isEqualTo("kills=5 faults=12 bad=10000 dlq=6000 missing=0 extra=0 duplicates=0 reclassified=0");
        assertThat(result.passed()).isTrue();
        assertThat(new Soak.Result(killed, 5, 12, 10000, 6000, 4000, 0, 0, 0, 0, 2, 0).passed()).as("reclassified").isFalse();
        assertThat(new Soak.Result(killed, 5, 12, 10000, 6000, 4000, 1, 0, 0, 0, 0, 0).passed()).as("unaccounted").isFalse();
        assertThat(new Soak.Result(killed, 5, 12, 10000, 6000, 3999, 0, 0, 0, 0, 0, 0).passed())
                .as("a record neither dead-lettered nor processed").isFalse();
        assertThat(new Soak.Result(killed, 5, 12, 10000, 6000, 4000, 0, 0, 0, 0, 0, 3).passed()).as("ties differ").isFalse();
    }

    @Test
    void theKillQueueHoldsEveryServiceAndTheBrokerSecond() {
        assertThat(Soak.KILL_TARGETS).contains("relationship-service", "kafka")
                .containsAll(java.util.Arrays.stream(io.interactionsync.deploy.StackService.values())
                        .map(io.interactionsync.deploy.StackService::artifact).toList());
        for (long seed = 0; seed < 20; seed++) {
            List<String> queue = Soak.killQueue(new java.util.Random(seed));
            assertThat(queue).containsExactlyInAnyOrderElementsOf(Soak.KILL_TARGETS);
            assertThat(queue.get(1)).isEqualTo("kafka");
        }
        assertThat(Soak.killQueue(new java.util.Random(1))).isEqualTo(Soak.killQueue(new java.util.Random(1)));
    }

    @Test
    void relationshipTiesCompareCountsAndSumsWithinRoundingOnly() {
        RelationshipSet baseline = new RelationshipSet(Map.of(
                "u | a@x", new RelationshipSet.Tie(1, 2, 1000.0, 2000.0),
                "u | b@x", new RelationshipSet.Tie(0, 1, 0, 500.0),
                "u | c@x", new RelationshipSet.Tie(1, 0, 10.0, 0)));
        RelationshipSet same = new RelationshipSet(Map.of(
                "u | a@x", new RelationshipSet.Tie(1, 2, 1000.0 + 1e-10, 2000.0),
                "u | b@x", new RelationshipSet.Tie(0, 1, 0, 500.0),
                "u | c@x", new RelationshipSet.Tie(1, 0, 10.0, 0)));
        assertThat(baseline.differences(same)).isEmpty();
        RelationshipSet other = new RelationshipSet(Map.of(
                "u | a@x", new RelationshipSet.Tie(1, 2, 1000.0, 2000.5),
                "u | b@x", new RelationshipSet.Tie(0, 2, 0, 500.0),
                "u | d@x", new RelationshipSet.Tie(1, 0, 10.0, 0)));
        assertThat(baseline.differences(other)).hasSize(4)
                .anyMatch(l -> l.startsWith("different u | a@x")).anyMatch(l -> l.startsWith("different u | b@x"))
                .anyMatch(l -> l.startsWith("missing u | c@x")).anyMatch(l -> l.startsWith("extra u | d@x"));
    }
}
