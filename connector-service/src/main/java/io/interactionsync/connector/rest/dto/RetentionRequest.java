package io.interactionsync.connector.rest.dto;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * A team collection's retention policy.
 *
 * @param onDisconnect what a disconnect does when the user does not say: {@code purge} or {@code keep}
 * @param eventMonths  interaction events older than this many months are deleted (1..1200); null: the global window
 */
public record RetentionRequest(
        @NotNull @Pattern(regexp = "purge|keep", message = "must be \"purge\" or \"keep\"") String onDisconnect,
        @Min(1) @Max(1200) Integer eventMonths) {
}
