package io.interactionsync.connector.rest.dto;

import java.util.List;

/** Every team directory collection, by id (few per team, so unpaged). */
public record CollectionListView(List<CollectionView> items) {
}
