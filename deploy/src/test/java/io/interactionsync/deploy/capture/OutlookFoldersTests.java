package io.interactionsync.deploy.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutlookFoldersTests {

    private static final String ANN = "ann@acme.test";

    @Test
    void shouldRecogniseSentItemsAsTheFolderHoldingMostOfTheOwnersSentCopies() {
        RawRecordsBuilder b = new RawRecordsBuilder()
                .outlook(ANN, "s1", "<s1>", ANN, "bob@outside.example", "F-sent")
                .outlook(ANN, "s2", "<s2>", ANN, "carl@outside.example", "F-sent")
                .outlook(ANN, "s3", "<s3>", ANN, "dora@outside.example", "F-archive") // a sent copy filed away
                .outlook(ANN, "self", "<self>", ANN, ANN, "F-inbox") // to herself: not a sent copy
                .outlook(ANN, "i1", "<i1>", "bob@outside.example", ANN, "F-inbox")
                .outlook(ANN, "i2", "<i2>", "carl@outside.example", ANN, "F-inbox");
        List<JsonNode> records = parse(b);

        OutlookFolders folders = OutlookFolders.learn(records);

        assertThat(records).extracting(folders::kind).containsExactly(OutlookFolders.Kind.SENT_ITEMS,
                OutlookFolders.Kind.SENT_ITEMS, OutlookFolders.Kind.SMALLER, OutlookFolders.Kind.LARGEST,
                OutlookFolders.Kind.LARGEST, OutlookFolders.Kind.LARGEST);
        assertThat(folders.mailboxesWithSentItems()).isEqualTo(1);
    }

    @Test
    void shouldRecogniseNoSentItemsOnATie() {
        List<JsonNode> records = parse(new RawRecordsBuilder()
                .outlook(ANN, "s1", "<s1>", ANN, "bob@outside.example", "F-a")
                .outlook(ANN, "s2", "<s2>", ANN, "carl@outside.example", "F-b"));

        OutlookFolders folders = OutlookFolders.learn(records);

        assertThat(records).extracting(folders::kind).doesNotContain(OutlookFolders.Kind.SENT_ITEMS);
        assertThat(folders.mailboxesWithSentItems()).isZero();
        assertThat(folders.mailboxes()).isEqualTo(1);
    }

    @Test
    void shouldAlwaysTakeTheWellKnownNameSentItems() {
        List<JsonNode> records = parse(new RawRecordsBuilder()
                .outlook(ANN, "s1", "<s1>", ANN, "bob@outside.example", "F-other")
                .outlook(ANN, "s2", "<s2>", ANN, "carl@outside.example", "F-other")
                .outlook(ANN, "a1", "<a1>", "ann.smith@acme.test", "dora@outside.example", "SentItems"));

        OutlookFolders folders = OutlookFolders.learn(records);

        assertThat(folders.kind(records.get(2))).isEqualTo(OutlookFolders.Kind.SENT_ITEMS);
        assertThat(folders.kind(records.get(0))).isEqualTo(OutlookFolders.Kind.LARGEST);
    }

    @Test
    void shouldCountTheOutlookMailUpsertsThatCarryAFolder() {
        List<JsonNode> records = parse(new RawRecordsBuilder()
                .outlook(ANN, "s1", "<s1>", ANN, "bob@outside.example", "F-sent")
                .outlook(ANN, "n1", "<n1>", "bob@outside.example", ANN, null)
                .outlookDelete(ANN, "s1")
                .gmail(ANN, "g1", "<g1>", ANN, "bob@outside.example", "SENT"));

        OutlookFolders folders = OutlookFolders.learn(records);

        assertThat(folders.mailUpserts()).isEqualTo(2);
        assertThat(folders.withFolder()).isEqualTo(1);
        assertThat(records).extracting(folders::kind).containsExactly(OutlookFolders.Kind.SENT_ITEMS,
                OutlookFolders.Kind.NONE, OutlookFolders.Kind.NONE, OutlookFolders.Kind.NONE);
    }

    static List<JsonNode> parse(RawRecordsBuilder b) {
        List<JsonNode> out = new ArrayList<>();
        for (String v : b.values()) {
            try {
                out.add(Json.mapper().readTree(v));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
