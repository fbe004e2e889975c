package io.interactionsync.normalizer.parse;

/**
 * One valid mailbox from an address header.
 *
 * @param address the address as written ({@code local@domain}), trimmed
 * @param key     the identity key (R-A5): what a contact is known by and compared with
 * @param name    the decoded display name, or {@code null}
 */
public record ParsedAddress(String address, String key, String name) {
}
