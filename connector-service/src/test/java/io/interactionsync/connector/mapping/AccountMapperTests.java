package io.interactionsync.connector.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.connector.Account;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountMapperTests {

    private static Account account(Account.Status status) {
        Account a = new Account();
        a.status = status;
        return a;
    }

    @Test
    void shouldAggregateSourceStatesIntoOneSyncStatus() {
        Account active = account(Account.Status.ACTIVE);
        assertThat(AccountMapper.aggregate(active, List.of())).isEqualTo("pending");
        assertThat(AccountMapper.aggregate(active, List.of("pending", "pending"))).isEqualTo("pending");
        assertThat(AccountMapper.aggregate(active, List.of("synced", "pending"))).isEqualTo("syncing");
        assertThat(AccountMapper.aggregate(active, List.of("syncing", "synced"))).isEqualTo("syncing");
        assertThat(AccountMapper.aggregate(active, List.of("synced", "synced"))).isEqualTo("synced");
        assertThat(AccountMapper.aggregate(active, List.of("synced", "error"))).isEqualTo("error");
        assertThat(AccountMapper.aggregate(active, List.of("error", "reauth_required"))).isEqualTo("reauth_required");
    }

    @Test
    void shouldReportIncompleteOnlyWhenEverySourceIsCaughtUpAndOneAuditLeftGaps() {
        Account active = account(Account.Status.ACTIVE);
        assertThat(AccountMapper.aggregate(active, List.of("synced", "incomplete"))).isEqualTo("incomplete");
        assertThat(AccountMapper.aggregate(active, List.of("incomplete", "incomplete"))).isEqualTo("incomplete");
        // worse states win: syncing / pending, error, reauth_required
        assertThat(AccountMapper.aggregate(active, List.of("incomplete", "syncing"))).isEqualTo("syncing");
        assertThat(AccountMapper.aggregate(active, List.of("incomplete", "pending"))).isEqualTo("syncing");
        assertThat(AccountMapper.aggregate(active, List.of("incomplete", "error"))).isEqualTo("error");
        assertThat(AccountMapper.aggregate(active, List.of("incomplete", "access_denied"))).isEqualTo("error");
        assertThat(AccountMapper.aggregate(active, List.of("incomplete", "reauth_required")))
                .isEqualTo("reauth_required");
        assertThat(AccountMapper.aggregate(account(Account.Status.REAUTH_REQUIRED), List.of("incomplete")))
                .isEqualTo("reauth_required");
    }

    @Test
    void shouldReportReauthRequiredForAnAccountMarkedSo() {
        assertThat(AccountMapper.aggregate(account(Account.Status.REAUTH_REQUIRED), List.of("synced")))
                .isEqualTo("reauth_required");
    }

    @Test
    void shouldNeverEstimateFewerThanWereFetched() {
        assertThat(AccountMapper.estimate(120, 100L)).isEqualTo(120L);
        assertThat(AccountMapper.estimate(3, 40L)).isEqualTo(40L);
        assertThat(AccountMapper.estimate(5, null)).isNull();
        assertThat(AccountMapper.estimate(0, 0L)).isZero();
    }
}
