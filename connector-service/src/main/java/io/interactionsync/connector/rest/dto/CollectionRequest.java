package io.interactionsync.connector.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** The team directory of one collection. */
public record CollectionRequest(
        @NotBlank @Size(max = 200) String name,
        @NotNull @Size(max = 10000) List<@NotNull @Size(max = 320) String> memberEmails,
        @NotNull @Size(max = 1000) List<@NotNull @Size(max = 253) String> internalDomains) {
}
