package io.interactionsync.connector.rest.dto;

import java.time.Instant;
import java.util.List;

public record CollectionView(String id, String name, List<String> memberEmails, List<String> internalDomains,
                             Instant updatedAt) {
}
