package io.interactionsync.normalizer.it;

import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.RawRecordSeal;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.mapper.Mappers;
import io.interactionsync.normalizer.service.BatchNormalizer;
import io.interactionsync.normalizer.service.DataKeys;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.RecordDecoder;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/**
 * What sealing raw records costs on the hot path, in one process and one run (no JMH, no Quarkus, no database) — a
 * measurement, not a test (its name matches neither *Tests nor *IT):
 * <pre>
 * ./mvnw -B -pl event-normalizer -am verify -Dtest=SealingCostBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false [-Dbench.records=20000] [-Dbench.rounds=7]
 * </pre>
 * The same generated Gmail records as {@link NormalizerThroughputBenchmark} (1,000 accounts), once plaintext and once
 * sealed with their account's key, go through: the decoder alone (JSON, schema, bind; sealed: + Base64, AES-256-GCM
 * and the inner JSON), the normalizer's whole CPU path of a batch of 2,000 ({@code prepare} + {@code plan} without
 * database lookups: decode, facts, rules, mapping), and on the producer side serialization alone against sealing +
 * serialization. Rounds alternate plaintext and sealed; the median CPU ns per record (this thread's CPU time, not wall
 * time: the machine is shared) and the ratio are printed, then where the sealed decode's extra time goes.
 */
class SealingCostBenchmark {

    private static final int N = Integer.getInteger("bench.records", 20_000);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 7);
    private static final int USERS = 1000;
    private static final int BATCH = 2000;

    @Test
    void measureSealingAndUnsealingAgainstPlaintext() throws Exception {
        String run = "seal";
        Map<String, DataKeys.Lookup> lookups = new HashMap<>();
        Map<String, String> kidOf = new HashMap<>();
        SecureRandom random = new SecureRandom();
        List<RawRecord> records = new ArrayList<>(N);
        List<IncomingRecord> plain = new ArrayList<>(N);
        List<IncomingRecord> sealed = new ArrayList<>(N);
        long plainBytes = 0;
        long sealedBytes = 0;
        for (int i = 0; i < N; i++) {
            byte[] bytes = NormalizerThroughputBenchmark.record(run, i, USERS);
            RawRecord r = Json.mapper().readValue(bytes, RawRecord.class);
            String kid = kidOf.computeIfAbsent(r.accountId(), a -> {
                byte[] key = new byte[32];
                random.nextBytes(key);
                String id = "kid-" + a;
                lookups.put(id, new DataKeys.Found("account:" + a, RawRecordSeal.key(key)));
                return id;
            });
            byte[] s = Json.mapper().writeValueAsBytes(RawRecordSeal.seal(r, kid,
                    ((DataKeys.Found) lookups.get(kid)).key()));
            records.add(r);
            plain.add(new IncomingRecord(Topics.RAW_RECORDS, 0, i, r.accountId(), bytes));
            sealed.add(new IncomingRecord(Topics.RAW_RECORDS, 0, i, r.accountId(), s));
            plainBytes += bytes.length;
            sealedBytes += s.length;
        }
        DataKeys keys = kids -> {
            Map<String, DataKeys.Lookup> out = new HashMap<>();
            kids.forEach(k -> out.put(k, lookups.get(k)));
            return out;
        };
        RecordDecoder decoder = new RecordDecoder(Clock.systemUTC());
        BatchNormalizer normalizer = new BatchNormalizer(decoder, Mappers.all());

        long[][] decode = new long[2][ROUNDS];
        long[][] cpuPath = new long[2][ROUNDS];
        long[][] produce = new long[2][ROUNDS];
        long sink = 0;
        for (int round = -2; round < ROUNDS; round++) { // two warm-up rounds
            for (int sealedRound = 0; sealedRound < 2; sealedRound++) {
                List<IncomingRecord> in = sealedRound == 0 ? plain : sealed;
                // decoder alone
                long t0 = cpu();
                if (sealedRound == 0) {
                    for (IncomingRecord r : in) {
                        sink += decoder.decode(r) instanceof RecordDecoder.Valid ? 1 : 0;
                    }
                } else {
                    for (IncomingRecord r : in) {
                        RecordDecoder.Read read = decoder.read(r);
                        String kid = ((RecordDecoder.Envelope) read).kid();
                        sink += decoder.finish((RecordDecoder.Envelope) read, Map.of(kid, lookups.get(kid)))
                                instanceof RecordDecoder.Valid ? 1 : 0;
                    }
                }
                long t1 = cpu();
                // the whole CPU path of batches
                for (int from = 0; from < in.size(); from += BATCH) {
                    List<IncomingRecord> batch = in.subList(from, Math.min(in.size(), from + BATCH));
                    BatchNormalizer.Prepared p = sealedRound == 0 ? normalizer.prepare(batch)
                            : normalizer.prepare(batch, keys, Set.of());
                    sink += normalizer.plan(p, BatchNormalizer.Lookups.EMPTY).desired().size();
                }
                long t2 = cpu();
                // producer side
                for (RawRecord r : records) {
                    RawRecord out = sealedRound == 0 ? r : RawRecordSeal.seal(r, kidOf.get(r.accountId()),
                            ((DataKeys.Found) lookups.get(kidOf.get(r.accountId()))).key());
                    sink += Json.mapper().writeValueAsBytes(out).length;
                }
                long t3 = cpu();
                if (round >= 0) {
                    decode[sealedRound][round] = t1 - t0;
                    cpuPath[sealedRound][round] = t2 - t1;
                    produce[sealedRound][round] = t3 - t2;
                }
            }
        }
        // where the sealed decode's extra time goes: Base64, AES-256-GCM, the inner JSON (over the same records)
        List<String[]> parts = new ArrayList<>(N);
        for (IncomingRecord r : sealed) {
            com.fasterxml.jackson.databind.JsonNode t = Json.mapper().readTree(r.value()).get("sealed");
            parts.add(new String[] {t.get("iv").asText(), t.get("ct").asText(), t.get("kid").asText()});
        }
        long[][] stage = new long[3][ROUNDS];
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        byte[][] ivs = new byte[N][];
        byte[][] cts = new byte[N][];
        byte[][] inners = new byte[N][];
        for (int round = -2; round < ROUNDS; round++) { // each stage over all records, timed as a whole
            long t0 = cpu();
            for (int i = 0; i < N; i++) {
                ivs[i] = java.util.Base64.getDecoder().decode(parts.get(i)[0]);
                cts[i] = java.util.Base64.getDecoder().decode(parts.get(i)[1]);
            }
            long t1 = cpu();
            for (int i = 0; i < N; i++) {
                RawRecord r = records.get(i);
                cipher.init(javax.crypto.Cipher.DECRYPT_MODE, ((DataKeys.Found) lookups.get(parts.get(i)[2])).key(),
                        new javax.crypto.spec.GCMParameterSpec(128, ivs[i]));
                cipher.updateAAD(("raw-record/v1\n" + r.accountId() + "\ngmail\n" + r.remoteId() + "\nupsert")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                inners[i] = cipher.doFinal(cts[i]);
            }
            long t2 = cpu();
            for (int i = 0; i < N; i++) {
                sink += Json.mapper().readTree(inners[i]).size();
            }
            long t3 = cpu();
            if (round >= 0) {
                stage[0][round] = t1 - t0;
                stage[1][round] = t2 - t1;
                stage[2][round] = t3 - t2;
            }
        }
        System.out.printf(Locale.ROOT, "BENCH sealed decode stages     Base64 %,.0f ns, AES-256-GCM (init+AAD+decrypt) %,.0f ns, "
                + "inner JSON %,.0f ns per record%n", perRecord(stage[0]), perRecord(stage[1]), perRecord(stage[2]));
        System.out.printf(Locale.ROOT, """
                BENCH ================= SealingCostBenchmark (%,d records, %d rounds, median) =================
                BENCH record size                plaintext %,d B/record, sealed %,d B/record (%.2f×)
                BENCH decode (JSON+schema+bind)  plaintext %,.0f ns/record, sealed (+Base64+AES-GCM+inner JSON) %,.0f ns/record: %.2f× (+%,.0f ns)
                BENCH normalizer CPU path        plaintext %,.0f ns/record, sealed %,.0f ns/record: %.2f× (+%,.0f ns) (prepare+plan, batches of %d, no DB)
                BENCH producer (serialize)       plaintext %,.0f ns/record, sealed (+seal) %,.0f ns/record: %.2f× (+%,.0f ns)
                BENCH (sink %d)
                """, N, ROUNDS, plainBytes / N, sealedBytes / N, sealedBytes / (double) plainBytes,
                perRecord(decode[0]), perRecord(decode[1]), perRecord(decode[1]) / perRecord(decode[0]),
                perRecord(decode[1]) - perRecord(decode[0]),
                perRecord(cpuPath[0]), perRecord(cpuPath[1]), perRecord(cpuPath[1]) / perRecord(cpuPath[0]),
                perRecord(cpuPath[1]) - perRecord(cpuPath[0]), BATCH,
                perRecord(produce[0]), perRecord(produce[1]), perRecord(produce[1]) / perRecord(produce[0]),
                perRecord(produce[1]) - perRecord(produce[0]), sink % 7);
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * This thread's CPU time: the machine is shared (other builds), and wall time would count the time this thread
     * waited for a core; CPU time counts only the work (single-threaded benchmark).
     */
    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static double perRecord(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / (double) N;
    }
}
