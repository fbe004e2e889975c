package io.interactionsync.normalizer.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** NORMALIZATION-RULES §A: address parsing, validation and identity keys. */
class AddressRulesTests {

    private static List<String> keys(String header) {
        return AddressParser.parse(header).addresses().stream().map(ParsedAddress::key).toList();
    }

    @Test
    void R_A1_neverSplitsOnCommasInsideQuotedNames() {
        assertThat(keys("\"Smith, John\" <john@x.com>, \"Doe, Jane\" <jane@y.com>, bob@z.com"))
                .containsExactly("john@x.com", "jane@y.com", "bob@z.com");
    }

    @Test
    void R_A1_fallsBackToTheLenientParserWhenJakartaReturnsJunk() {
        // Jakarta non-strict returns "<Foo <foo@bar.com" as one address; mime4j recovers the mailbox.
        assertThat(keys("Foo <foo@bar.com")).containsExactly("foo@bar.com");
    }

    @Test
    void R_A2_junkIsDroppedAndCounted() {
        AddressParser.Result r = AddressParser.parse("<, a@b, a@@b.com, foo bar@x.com, ok@example.com");
        assertThat(r.addresses()).extracting(ParsedAddress::key).containsExactly("ok@example.com");
        assertThat(r.dropped()).isGreaterThanOrEqualTo(3);
        assertThat(AddressParser.parse("@").addresses()).isEmpty();
        assertThat(AddressKeys.key("user@localhost")).isEmpty();
        assertThat(AddressKeys.key("user@ai")).as("a public suffix is a valid domain").contains("user@ai");
    }

    @Test
    void R_A3_displayNameWithComma() {
        ParsedAddress a = AddressParser.parse("\"Doe, Jane\" <jane@x.com>").addresses().get(0);
        assertThat(a.key()).isEqualTo("jane@x.com");
        assertThat(a.name()).isEqualTo("Doe, Jane");
    }

    @Test
    void R_A3_encodedWordsAreDecoded() {
        assertThat(AddressParser.parse("=?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <jorg@x.de>").addresses().get(0).name())
                .isEqualTo("Jörg Müller");
        assertThat(AddressParser.parse("Jane =?UTF-8?Q?D=C3=B6e?= <jd@x.com>").addresses().get(0).name())
                .isEqualTo("Jane Döe");
        ParsedAddress encodedComma = AddressParser.parse("=?utf-8?q?Ann=2C_Smith?= <ann@x.com>, b@y.com").addresses().get(0);
        assertThat(encodedComma.name()).isEqualTo("Ann, Smith");
    }

    @Test
    void R_A3_commentsAndAtSignInUnquotedName() {
        ParsedAddress commented = AddressParser.parse("jane@x.com (Jane Doe)").addresses().get(0);
        assertThat(commented.key()).isEqualTo("jane@x.com");
        assertThat(commented.name()).isEqualTo("Jane Doe");
        ParsedAddress atInName = AddressParser.parse("John@Work <john@work.com>").addresses().get(0);
        assertThat(atInName.key()).isEqualTo("john@work.com");
    }

    @Test
    void R_A4_groupsAreFlattened() {
        assertThat(keys("Team: a@x.com, b@y.com;, c@z.com")).containsExactly("a@x.com", "b@y.com", "c@z.com");
    }

    @Test
    void R_A4_undisclosedRecipientsYieldsNoAddress() {
        AddressParser.Result r = AddressParser.parse("undisclosed-recipients:;");
        assertThat(r.addresses()).isEmpty();
        assertThat(r.dropped()).isZero();
    }

    @Test
    void R_A5_identityKeyLowerCasesAndNormalisesTheDomain() {
        assertThat(AddressKeys.key("Jane.Doe@Client.EXAMPLE.")).contains("jane.doe@client.example");
        assertThat(AddressKeys.key("y@münchen.de")).contains("y@xn--mnchen-3ya.de");
        assertThat(AddressKeys.key("z@example\u3002com")).contains("z@example.com");
        assertThat(AddressKeys.key("z@example\uFF0Ecom")).contains("z@example.com");
    }

    @Test
    void R_A5_gmailDotsAndPlusTagsAreIgnoredOnlyForGmail() {
        assertThat(AddressKeys.key("J.Doe+news@gmail.com")).contains("jdoe@gmail.com");
        assertThat(AddressKeys.key("j.doe@googlemail.com")).contains("jdoe@googlemail.com");
        assertThat(AddressKeys.key("j.doe@acme.com")).as("Workspace custom domains keep dots").contains("j.doe@acme.com");
        assertThat(AddressKeys.key("j.doe+deals@acme.com")).as("+tag kept elsewhere").contains("j.doe+deals@acme.com");
    }
}
