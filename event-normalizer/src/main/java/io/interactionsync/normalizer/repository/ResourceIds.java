package io.interactionsync.normalizer.repository;

import io.interactionsync.model.Source;
import io.interactionsync.normalizer.parse.Md5;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The key of a resource's {@code record_versions} row, as PostgreSQL computes it (V10 migrated the old rows with it):
 * {@code (left(md5(account_id), 8) || substr(md5(account_id || '\n' || source || '\n' || remote_id), 9))::uuid}.
 * The first 32 bits come from the account alone, so one account's rows sit together in the index, as they did under
 * the old (account_id, source, remote_id) key: a batch holds a few accounts, and its probes and inserts stay on their
 * pages instead of touching the whole index. The other 96 bits tell an account's resources apart. The ids hold no
 * control characters ({@code Text.isSafeId}), so the separator cannot occur in them.
 */
public final class ResourceIds {

    private static final Map<String, Integer> ACCOUNT_PREFIXES = new ConcurrentHashMap<>();
    private static final int ACCOUNT_PREFIX_LIMIT = 100_000;

    private ResourceIds() {
    }

    public static UUID of(String accountId, Source source, String remoteId) {
        ByteBuffer resource = ByteBuffer.wrap(Md5.digest((accountId + '\n' + source.wireName() + '\n' + remoteId)
                .getBytes(StandardCharsets.UTF_8)));
        long high = ((long) accountPrefix(accountId) << 32) | (resource.getLong(0) & 0xFFFF_FFFFL);
        return new UUID(high, resource.getLong(8));
    }

    /** The first 32 bits of md5(accountId), memoised: a batch has thousands of records but few accounts. */
    private static int accountPrefix(String accountId) {
        Integer prefix = ACCOUNT_PREFIXES.get(accountId);
        if (prefix == null) {
            prefix = ByteBuffer.wrap(Md5.digest(accountId.getBytes(StandardCharsets.UTF_8))).getInt(0);
            if (ACCOUNT_PREFIXES.size() < ACCOUNT_PREFIX_LIMIT) {
                ACCOUNT_PREFIXES.putIfAbsent(accountId, prefix);
            }
        }
        return prefix;
    }
}
