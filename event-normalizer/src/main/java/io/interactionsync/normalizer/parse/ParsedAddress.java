package io.interactionsync.normalizer.parse;

/**
 * One valid mailbox from an address header.
 *
 * @param address    the address as written ({@code local@domain}), trimmed
 * @param normalized lower-cased local part @ normalised domain (IDNA, no trailing dot): the stored contact email
 * @param key        the identity key (R-A5): what owner, colleague and duplicate checks compare
 * @param name       the decoded display name, or {@code null}
 */
public record ParsedAddress(String address, String normalized, String key, String name) {
}
