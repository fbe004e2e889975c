package io.interactionsync.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTests {

    @Test
    void shouldHashAnAddressTheSameWhateverItsCase() {
        assertThat(LogSafe.hash("Deals@Acme.test")).isEqualTo(LogSafe.hash("deals@acme.test")).matches("#[0-9a-f]{8}")
                .isNotEqualTo(LogSafe.hash("sales@acme.test"));
    }

    @Test
    void shouldReplacePlainAndUrlEncodedAddressesInFreeText() {
        String text = "Graph answered 403 for mailbox Board-1@contoso.test at https://graph.example/v1.0/users/"
                + "board-1%40contoso.test/mailFolders (from \"O'Brien\" <o'brien+x@ext.example>)";

        String redacted = LogSafe.redact(text);

        assertThat(redacted).doesNotContain("contoso.test", "ext.example", "Board-1", "brien")
                .contains("Graph answered 403 for mailbox " + LogSafe.hash("board-1@contoso.test"))
                .contains("/users/" + LogSafe.hash("board-1@contoso.test") + "/mailFolders")
                .contains(LogSafe.hash("o'brien+x@ext.example"));
        assertThat(LogSafe.redact("no address here: 42 @ noon")).isEqualTo("no address here: 42 @ noon");
        assertThat(LogSafe.redact((String) null)).isNull();
    }

    @Test
    void shouldRedactEveryMessageOfAThrowableAndKeepItsStackAndType() {
        IllegalStateException cause = new IllegalStateException("no mailbox ann@acme.test");
        RuntimeException thrown = new RuntimeException("sync of bob@acme.test failed", cause);

        Throwable redacted = LogSafe.redact(thrown);

        assertThat(redacted.toString()).startsWith("java.lang.RuntimeException: sync of #").doesNotContain("acme.test");
        assertThat(redacted.getCause().toString()).startsWith("java.lang.IllegalStateException: no mailbox #")
                .doesNotContain("acme.test");
        assertThat(redacted.getStackTrace()).isEqualTo(thrown.getStackTrace());
    }
}
