package io.interactionsync.connector.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code {address}} of a shared mailbox to add. */
public record SharedMailboxRequest(@NotBlank @Size(max = 320) String address) {
}
