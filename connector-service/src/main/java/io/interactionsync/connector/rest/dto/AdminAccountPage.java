package io.interactionsync.connector.rest.dto;

import java.util.List;

/** A page of the admin account list; {@code nextCursor} is null on the last page. */
public record AdminAccountPage(List<AdminAccountView> items, String nextCursor) {
}
