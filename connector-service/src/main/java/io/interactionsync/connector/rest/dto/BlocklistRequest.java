package io.interactionsync.connector.rest.dto;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A complete blocklist: each entry an e-mail address ({@code person@x.com}) or {@code @} + a domain ({@code @x.com}:
 * that domain and its subdomains). Entries are checked one by one (nulls included) so that a refusal can name them by
 * index.
 */
public record BlocklistRequest(@NotNull @Size(max = BlocklistRequest.MAX_ENTRIES) List<String> entries) {

    public static final int MAX_ENTRIES = 10_000;
}
