package io.interactionsync.connector.provider;

/** Who granted access: the provider's stable user id and the account's address. */
public record ProviderIdentity(String subject, String email) {
}
