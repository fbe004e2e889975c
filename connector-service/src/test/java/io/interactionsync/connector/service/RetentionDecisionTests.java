package io.interactionsync.connector.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.connector.RetentionPolicy;
import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.connector.service.RetentionService.Decision;
import io.interactionsync.connector.service.RetentionService.Effective;
import io.interactionsync.connector.service.RetentionService.Origin;
import io.interactionsync.connector.service.RetentionService.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a disconnect does with an account's data: the request, the team policies and the global default. */
class RetentionDecisionTests {

    private static ConnectorConfig.Retention defaults(ConnectorConfig.OnDisconnect onDisconnect, int months) {
        return new ConnectorConfig.Retention() {
            @Override
            public ConnectorConfig.OnDisconnect onDisconnect() {
                return onDisconnect;
            }

            @Override
            public int eventMonths() {
                return months;
            }
        };
    }

    private static RetentionPolicy team(String id, String onDisconnect, Integer months) {
        RetentionPolicy p = new RetentionPolicy();
        p.collectionId = id;
        p.onDisconnect = onDisconnect;
        p.eventMonths = months;
        return p;
    }

    private static final ConnectorConfig.Retention PURGE_BY_DEFAULT = defaults(ConnectorConfig.OnDisconnect.PURGE, 0);

    @Test
    void shouldPurgeByDefaultWithoutATeamPolicy() {
        Effective none = RetentionService.combine(List.of(), PURGE_BY_DEFAULT);
        assertThat(none).isEqualTo(new Effective("purge", null, Origin.DEFAULT, List.of(), false));
        assertThat(RetentionService.decide(null, none)).isEqualTo(new Decision(true, Reason.DEFAULT_POLICY));
        // without a team policy that requires a purge, the caller may keep
        assertThat(RetentionService.decide(false, none)).isEqualTo(new Decision(false, Reason.REQUESTED));
        assertThat(RetentionService.decide(true, none)).isEqualTo(new Decision(true, Reason.REQUESTED));
    }

    @Test
    void shouldKeepByDefaultWhenConfiguredSo() {
        Effective none = RetentionService.combine(List.of(), defaults(ConnectorConfig.OnDisconnect.KEEP, 24));
        assertThat(none.eventMonths()).isEqualTo(24);
        assertThat(RetentionService.decide(null, none)).isEqualTo(new Decision(false, Reason.DEFAULT_POLICY));
        assertThat(RetentionService.decide(true, none)).isEqualTo(new Decision(true, Reason.REQUESTED));
    }

    @Test
    void shouldFollowATeamThatKeepsButAlwaysHonourAnExplicitPurge() {
        Effective keep = RetentionService.combine(List.of(team("a", "keep", 18)), PURGE_BY_DEFAULT);
        assertThat(keep).isEqualTo(new Effective("keep", 18, Origin.TEAM, List.of("a"), false));
        assertThat(RetentionService.decide(null, keep)).isEqualTo(new Decision(false, Reason.TEAM_POLICY));
        assertThat(RetentionService.decide(false, keep)).isEqualTo(new Decision(false, Reason.REQUESTED));
        assertThat(RetentionService.decide(true, keep)).isEqualTo(new Decision(true, Reason.REQUESTED));
    }

    @Test
    void shouldPurgeWhenATeamRequiresItEvenIfTheCallerAskedToKeep() {
        Effective purge = RetentionService.combine(List.of(team("a", "purge", null)),
                defaults(ConnectorConfig.OnDisconnect.KEEP, 36));
        assertThat(purge.teamRequiresPurge()).isTrue();
        assertThat(purge.eventMonths()).as("no team window: the global one").isEqualTo(36);
        assertThat(RetentionService.decide(false, purge)).isEqualTo(new Decision(true, Reason.TEAM_POLICY));
        assertThat(RetentionService.decide(null, purge)).isEqualTo(new Decision(true, Reason.TEAM_POLICY));
    }

    @Test
    void shouldTakeTheStrictestOfSeveralTeams() {
        Effective both = RetentionService.combine(List.of(team("a", "keep", 24), team("b", "purge", 12),
                team("c", "keep", null)), PURGE_BY_DEFAULT);
        assertThat(both).isEqualTo(new Effective("purge", 12, Origin.TEAM, List.of("a", "b", "c"), true));
    }
}
