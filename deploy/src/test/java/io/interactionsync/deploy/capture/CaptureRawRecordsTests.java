package io.interactionsync.deploy.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureRawRecordsTests {

    private static final Path ROOT = Path.of("/repo");

    @Test
    void shouldCaptureTheDemoDataFreshIntoTheFixturesByDefault() {
        CaptureRawRecords.Options o = CaptureRawRecords.Options.parse(new String[0], ROOT, Map.of());

        assertThat(o.sampleOnly()).isFalse();
        assertThat(o.dump()).isEqualTo(Path.of("/repo/.local/capture"));
        assertThat(o.out()).isEqualTo(Path.of("/repo/event-normalizer/src/test/resources/captured"));
        assertThat(o.stack().fresh()).isTrue();
        assertThat(o.stack().arguments()).isEqualTo("--users 3 --microsoft-users 2 --messages 300 --months 24 --seed 42");
    }

    @Test
    void shouldPassTheRunOptionsToTheStackAndTakeTheDumpFromTheEnvironment() {
        CaptureRawRecords.Options o = CaptureRawRecords.Options.parse(new String[] {"--messages", "100", "--seed", "7"},
                ROOT, Map.of("DUMP", "/tmp/dump"));

        assertThat(o.dump()).isEqualTo(Path.of("/tmp/dump"));
        assertThat(o.stack().messages()).isEqualTo(100);
        assertThat(o.stack().seed()).isEqualTo(7);
    }

    @Test
    void shouldRefuseStackOptionsWithSampleOnly() {
        assertThatThrownBy(() -> CaptureRawRecords.Options.parse(new String[] {"--sample-only", "--seed", "7"}, ROOT,
                Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--seed 7 would not apply");
        assertThatThrownBy(() -> CaptureRawRecords.Options.parse(new String[] {"--messages", "many"}, ROOT, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad run.sh options");
    }

    @Test
    void shouldWriteTheSampleTheAccountEventsAndTheManifestFromADump(@TempDir Path dir) throws Exception {
        Path dump = Files.createDirectories(dir.resolve("dump"));
        Files.write(dump.resolve("raw-records.jsonl"), new RawRecordsBuilder()
                .gmail("ann@acme.test", "g1", "<g1>", "ann@acme.test", "bob@outside.example", "SENT")
                .outlook("cara@acme.test", "o1", "<o1>", "bob@outside.example", "cara@acme.test", "F-inbox")
                .values(), StandardCharsets.UTF_8);
        Files.writeString(dump.resolve("account-events.jsonl"), "{\"type\":\"connected\"}\n");
        Files.writeString(dump.resolve("raw-records-dlq.jsonl"), "");
        Files.writeString(dump.resolve("CAPTURE-INFO"), "captured 2026-12-01T10:00:00Z from a fresh local stack with x\n");
        Path out = dir.resolve("captured");

        CaptureRawRecords.writeSample(dump, out);

        assertThat(Files.readAllLines(out.resolve("raw-records.jsonl"))).hasSize(2)
                .isEqualTo(Files.readAllLines(dump.resolve("raw-records.jsonl")));
        assertThat(out.resolve("account-events.jsonl")).hasContent("{\"type\":\"connected\"}");
        assertThat(Files.readString(out.resolve("MANIFEST.md")))
                .contains("- captured 2026-12-01T10:00:00Z from a fresh local stack with x (")
                .contains("held 0 records after the backfill (the live normalizer dead-lettered nothing)");
    }

    @Test
    void shouldSayWhatIsMissingWhenThereIsNoDump(@TempDir Path dir) {
        assertThatThrownBy(() -> CaptureRawRecords.writeSample(dir, dir.resolve("out")))
                .hasMessageContaining("raw-records.jsonl is missing: capture a dump first");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
