package io.interactionsync.microsoftsync.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GraphLinksTests {

    private final GraphLinks links = new GraphLinks("https://graph.microsoft.com/v1.0/");

    @Test
    void shouldAllowLinksUnderTheBaseUrl() {
        assertThat(links.allows("https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/delta()?$skiptoken=a")).isTrue();
        assertThat(links.allows("HTTPS://GRAPH.MICROSOFT.COM:443/v1.0/users/x@y.test/calendarView/delta?$deltatoken=b")).isTrue();
    }

    @Test
    void shouldRefuseOtherSchemesHostsPortsPrefixesUserInfoAndDotSegments() {
        assertThat(links.allows("http://graph.microsoft.com/v1.0/me")).isFalse();
        assertThat(links.allows("https://graph.microsoft.com.evil.test/v1.0/me")).isFalse();
        assertThat(links.allows("https://evil.test/v1.0/me?x=https://graph.microsoft.com/v1.0")).isFalse();
        assertThat(links.allows("https://graph.microsoft.com:8443/v1.0/me")).isFalse();
        assertThat(links.allows("https://graph.microsoft.com/beta/me")).isFalse();
        assertThat(links.allows("https://graph.microsoft.com/v1.0evil/me")).isFalse();
        assertThat(links.allows("https://user@graph.microsoft.com/v1.0/me")).isFalse();
        assertThat(links.allows("https://graph.microsoft.com/v1.0/../evil")).isFalse();
        assertThat(links.allows("/v1.0/me")).isFalse();
        assertThat(links.allows("not a url")).isFalse();
        assertThat(links.allows(null)).isFalse();
    }

    @Test
    void shouldDescribeALinkWithoutItsQuery() {
        assertThat(GraphLinks.describe("https://evil.test:8443/v1.0/me?$skiptoken=secret")).isEqualTo("https://evil.test:8443/v1.0/me");
    }
}
