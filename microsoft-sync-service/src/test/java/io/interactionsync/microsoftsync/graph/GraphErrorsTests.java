package io.interactionsync.microsoftsync.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GraphErrorsTests {

    private static GraphOutcome.Failed failed(int status, String code) {
        return new GraphOutcome.Failed(status, code, "m", null);
    }

    @Test
    void shouldClassifyErrorsRetryingCannotFix() {
        assertThat(GraphErrors.permanentCode(failed(403, "ErrorAccessDenied"))).isEqualTo("access_denied");
        assertThat(GraphErrors.permanentCode(failed(403, "Authorization_RequestDenied"))).isEqualTo("access_denied");
        assertThat(GraphErrors.permanentCode(failed(404, "ErrorInvalidUser"))).isEqualTo("mailbox_not_found");
        assertThat(GraphErrors.permanentCode(failed(404, "MailboxNotEnabledForRESTAPI"))).isEqualTo("mailbox_not_enabled_for_rest");
        assertThat(GraphErrors.permanentCode(failed(400, "MailboxNotSupportedForRESTAPI"))).isEqualTo("mailbox_not_enabled_for_rest");
        assertThat(GraphErrors.permanentCode(failed(403, "ErrorMailboxNotLicensed"))).isEqualTo("mailbox_not_licensed");
        assertThat(GraphErrors.permanentCode(failed(400, "ErrorInvalidUrlQuery"))).isEqualTo("bad_request");
    }

    @Test
    void shouldLeaveRetryableAnswersAndDeltaExpiryToTheCaller() {
        assertThat(GraphErrors.permanentCode(failed(409, "ErrorIrresolvableConflict"))).isNull();
        assertThat(GraphErrors.deltaExpired(failed(410, "syncStateNotFound"))).isTrue();
        assertThat(GraphErrors.deltaExpired(failed(400, "SyncStateNotFound"))).isTrue();
        assertThat(GraphErrors.deltaExpired(failed(400, "resyncRequired"))).isTrue();
        assertThat(GraphErrors.deltaExpired(failed(403, "ErrorAccessDenied"))).isFalse();
    }

    @Test
    void shouldTellAMissingItemFromAMailboxGraphCannotServe() {
        assertThat(GraphErrors.itemMissing(404, "ErrorItemNotFound")).isTrue();
        assertThat(GraphErrors.itemMissing(404, null)).isTrue();
        // A mailbox-level 404 must never read as "every folder and message is gone".
        assertThat(GraphErrors.itemMissing(404, "ErrorInvalidUser")).isFalse();
        assertThat(GraphErrors.itemMissing(404, "MailboxNotEnabledForRESTAPI")).isFalse();
        assertThat(GraphErrors.itemMissing(410, "ErrorItemNotFound")).isFalse();
    }
}
