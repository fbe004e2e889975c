package io.interactionsync.connector.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressesTests {

    @Test
    void shouldNormaliseEmailsToLowerCase() {
        assertThat(Addresses.normaliseEmail("  Alice.Smith+news@Acme.TEST ")).isEqualTo("alice.smith+news@acme.test");
    }

    @Test
    void shouldRejectMalformedEmails() {
        assertThat(Addresses.normaliseEmail("alice")).isNull();
        assertThat(Addresses.normaliseEmail("alice@")).isNull();
        assertThat(Addresses.normaliseEmail("@acme.test")).isNull();
        assertThat(Addresses.normaliseEmail("alice@acme")).isNull();
        assertThat(Addresses.normaliseEmail("a b@acme.test")).isNull();
        assertThat(Addresses.normaliseEmail("alice..x@acme.test")).isNull();
        assertThat(Addresses.normaliseEmail("Alice <alice@acme.test>")).isNull();
    }

    @Test
    void shouldNormaliseDomains() {
        assertThat(Addresses.normaliseDomain("@Acme.Test")).isEqualTo("acme.test");
        assertThat(Addresses.normaliseDomain("mail.acme.co.uk.")).isEqualTo("mail.acme.co.uk");
        assertThat(Addresses.normaliseDomain("acme")).isNull();
        assertThat(Addresses.normaliseDomain("-acme.test")).isNull();
        assertThat(Addresses.normaliseDomain("ac me.test")).isNull();
    }
}
