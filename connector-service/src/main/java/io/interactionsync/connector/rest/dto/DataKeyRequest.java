package io.interactionsync.connector.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /internal/v1/data-keys}: whose key — {@code account:<accountId>} or {@code mailbox:<shared address>}. */
public record DataKeyRequest(@NotBlank @Size(max = 400) String owner) {
}
