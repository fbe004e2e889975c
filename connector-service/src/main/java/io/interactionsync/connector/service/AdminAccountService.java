package io.interactionsync.connector.service;

import io.interactionsync.connector.Account;
import io.interactionsync.connector.SharedMailbox;
import io.interactionsync.connector.SourceSyncStatus;
import io.interactionsync.connector.mapping.AccountMapper;
import io.interactionsync.connector.repository.AccountRepository;
import io.interactionsync.connector.repository.SharedMailboxRepository;
import io.interactionsync.connector.repository.SyncStatusRepository;
import io.interactionsync.connector.rest.dto.AccountView;
import io.interactionsync.connector.rest.dto.AdminAccountPage;
import io.interactionsync.connector.rest.dto.AdminAccountView;
import io.interactionsync.connector.rest.problem.ApiException;
import io.interactionsync.model.Provider;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The team health view (role {@code admin}): every user's connected accounts, newest first, as their owners see them,
 * filtered by {@code syncStatus} and provider, paged with an opaque keyset cursor.
 */
@ApplicationScoped
public class AdminAccountService {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;
    /** Rows read per round while a state filter skips accounts. */
    static final int FILTERED_BATCH = 250;
    private static final Set<String> STATES = Set.of("pending", "syncing", "synced", "incomplete", "error",
            "reauth_required");
    private static final String CURSOR_VERSION = "a1";

    private final AccountRepository accounts;
    private final SyncStatusRepository statuses;
    private final SharedMailboxRepository sharedMailboxes;
    private final AccountMapper mapper;

    public AdminAccountService(AccountRepository accounts, SyncStatusRepository statuses,
                               SharedMailboxRepository sharedMailboxes, AccountMapper mapper) {
        this.accounts = accounts;
        this.statuses = statuses;
        this.sharedMailboxes = sharedMailboxes;
        this.mapper = mapper;
    }

    /** Where a page ends: the last item's (createdAt, id). */
    record Key(Instant createdAt, UUID id) {
    }

    /**
     * {@code syncStatus} is derived (sources, scopes, feature flags, reports), so a state filter is applied to the
     * mapped views: rows are read in keyset batches, four queries per batch (accounts, shared mailboxes, the accounts'
     * reports, their shared mailboxes' reports), until the page plus one look-ahead item is full.
     */
    public AdminAccountPage list(String state, String provider, String limit, String cursor) {
        Set<String> wanted = states(state);
        Provider p = provider(provider);
        int size = limit(limit);
        Key after = cursor == null || cursor.isBlank() ? null : decode(cursor);
        return QuarkusTransaction.requiringNew().call(() -> {
            List<AdminAccountView> items = new ArrayList<>(size + 1);
            int batch = wanted.isEmpty() ? size + 1 : Math.max(size + 1, FILTERED_BATCH);
            Key from = after;
            while (items.size() <= size) {
                List<Account> rows = accounts.pageConnected(p, from == null ? null : from.createdAt(),
                        from == null ? null : from.id(), batch);
                for (AdminAccountView v : views(rows)) {
                    if (wanted.isEmpty() || wanted.contains(v.account().syncStatus())) {
                        items.add(v);
                        if (items.size() > size) {
                            break;
                        }
                    }
                }
                if (rows.size() < batch) {
                    break;
                }
                Account last = rows.get(rows.size() - 1);
                from = new Key(last.createdAt, last.id);
            }
            if (items.size() <= size) {
                return new AdminAccountPage(items, null);
            }
            AccountView last = items.get(size - 1).account();
            return new AdminAccountPage(List.copyOf(items.subList(0, size)),
                    encode(new Key(last.createdAt(), UUID.fromString(last.id()))));
        });
    }

    /** The owners' Account JSON of these rows, loaded in bulk (no query per account). */
    private List<AdminAccountView> views(List<Account> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<UUID> ids = rows.stream().map(a -> a.id).toList();
        Map<UUID, List<SharedMailbox>> shared = sharedMailboxes.forAccounts(ids);
        Map<UUID, List<SourceSyncStatus>> own = new HashMap<>();
        statuses.listFor(ids).forEach(s -> own.computeIfAbsent(s.key.accountId, k -> new ArrayList<>()).add(s));
        Map<String, List<SourceSyncStatus>> byMailbox = new HashMap<>();
        statuses.listForMailboxes(shared.values().stream().flatMap(List::stream).map(m -> m.key.address).toList())
                .forEach(s -> byMailbox.computeIfAbsent(s.key.mailbox.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(s));
        List<AdminAccountView> out = new ArrayList<>(rows.size());
        for (Account a : rows) {
            List<SharedMailbox> subscriptions = shared.getOrDefault(a.id, List.of());
            List<SourceSyncStatus> reports = new ArrayList<>(own.getOrDefault(a.id, List.of()));
            subscriptions.stream().map(m -> m.key.address.toLowerCase(Locale.ROOT)).distinct()
                    .forEach(address -> byMailbox.getOrDefault(address, List.of()).stream()
                            .filter(s -> !s.key.accountId.equals(a.id)) // its own are in already
                            .forEach(reports::add));
            out.add(new AdminAccountView(mapper.toView(a, reports, subscriptions), a.userId));
        }
        return out;
    }

    static Set<String> states(String raw) {
        Set<String> out = new LinkedHashSet<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String s : raw.split(",")) {
            String state = s.trim();
            if (state.isEmpty()) {
                continue;
            }
            if (!STATES.contains(state)) {
                throw new ApiException(400, "invalid_state", "state must be a comma-separated list of "
                        + String.join(", ", STATES.stream().sorted().toList()) + ".", Map.of("parameter", "state"));
            }
            out.add(state);
        }
        return out;
    }

    static Provider provider(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return switch (raw.trim()) {
            case "google" -> Provider.GOOGLE;
            case "microsoft" -> Provider.MICROSOFT;
            default -> throw new ApiException(400, "invalid_provider", "provider must be google or microsoft.",
                    Map.of("parameter", "provider"));
        };
    }

    static int limit(String raw) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(400, "invalid_limit", "limit must be an integer from 1 to " + MAX_LIMIT + ".",
                Map.of("parameter", "limit"));
    }

    static String encode(Key key) {
        String plain = CURSOR_VERSION + "|" + key.createdAt() + "|" + key.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    static Key decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8).split("\\|");
            if (parts.length == 3 && parts[0].equals(CURSOR_VERSION)) {
                return new Key(Instant.parse(parts[1]), UUID.fromString(parts[2]));
            }
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            // answered below
        }
        throw new ApiException(400, "invalid_cursor", "cursor is not one this API returned; start again without it.",
                Map.of("parameter", "cursor"));
    }
}
