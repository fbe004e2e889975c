package io.interactionsync.sync.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The daily audit slots: spread over the window, stable per account, and at least one audit a day. */
class AuditScheduleTests {

    private static final Duration DAY = Duration.ofDays(1);
    /** The safety net runs every source at least this often while push is healthy ({@code push.poll-every}). */
    private static final Duration POLL = Duration.ofMinutes(15);
    /** The connector's daily fan-out, when every account is synced at once. */
    private static final Instant FAN_OUT = Instant.parse("2026-12-07T06:00:00Z");

    private static List<String> accounts(int n) {
        Random random = new Random(16);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(new UUID(random.nextLong(), random.nextLong()).toString());
        }
        return ids;
    }

    /**
     * The worst case of the former rule (audit when the last one is older than 20 h): every account backfilled, hence
     * audited, at the same fan-out, and every account run at the same instants from then on. With slots, from the
     * second day the audits are spread over the whole day, and each account is audited once a day, on its slot.
     */
    @Test
    void shouldSpreadTheDailyAuditsOfAccountsAuditedTogetherAndAuditEachAtLeastDaily() {
        AuditSchedule schedule = new AuditSchedule(LocalTime.MIDNIGHT, DAY);
        List<String> ids = accounts(2400);
        Map<String, List<Instant>> audits = new HashMap<>();
        ids.forEach(id -> audits.put(id, new ArrayList<>(List.of(FAN_OUT)))); // the audit after each backfill
        for (Instant now = FAN_OUT.plus(POLL); now.isBefore(FAN_OUT.plus(Duration.ofDays(4))); now = now.plus(POLL)) {
            for (String id : ids) {
                List<Instant> done = audits.get(id);
                if (schedule.due(id, Optional.of(done.getLast()), now)) {
                    done.add(now);
                }
            }
        }

        int[] perHour = new int[24];
        for (String id : ids) {
            List<Instant> done = audits.get(id);
            assertThat(done).as("one audit after the backfill, then one per day").hasSizeBetween(4, 5);
            for (int i = 1; i < done.size(); i++) {
                Duration gap = Duration.between(done.get(i - 1), done.get(i));
                assertThat(gap).as("at least daily: never longer than a day and one poll")
                        .isLessThanOrEqualTo(DAY.plus(POLL));
                if (i > 1) {
                    assertThat(gap).as("and not more often: on the account's slot").isGreaterThan(DAY.minus(POLL));
                }
            }
            done.stream().filter(t -> !t.isBefore(FAN_OUT.plus(DAY)) && t.isBefore(FAN_OUT.plus(DAY.multipliedBy(2))))
                    .forEach(t -> perHour[t.atZone(ZoneOffset.UTC).getHour()]++);
        }
        // 2,400 accounts over 24 hours: 100 an hour (σ ≈ 10), instead of 2,400 in the first run after 20 h.
        assertThat(Arrays.stream(perHour).boxed().toList()).as("audits per hour of the second day")
                .allSatisfy(n -> assertThat(n).isBetween(50, 150));
        assertThat(Arrays.stream(perHour).sum()).isEqualTo(ids.size());
    }

    @Test
    void shouldKeepTheSlotsInsideTheConfiguredWindowAcrossMidnight() {
        AuditSchedule schedule = new AuditSchedule(LocalTime.of(22, 0), Duration.ofHours(4));
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        int beforeMidnight = 0;
        for (String id : accounts(500)) {
            Instant slot = schedule.slotBefore(id, now);
            assertThat(slot).isBeforeOrEqualTo(now).isAfter(now.minus(DAY));
            LocalTime at = slot.atZone(ZoneOffset.UTC).toLocalTime();
            assertThat(at.isBefore(LocalTime.of(2, 0)) || !at.isBefore(LocalTime.of(22, 0)))
                    .as("%s within 22:00–02:00", at).isTrue();
            beforeMidnight += at.isBefore(LocalTime.of(2, 0)) ? 0 : 1;
        }
        assertThat(beforeMidnight).as("both halves of the window used").isBetween(150, 350);
    }

    @Test
    void shouldGiveAnAccountTheSameSlotEverywhereAndDifferentAccountsDifferentOnes() {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        AuditSchedule one = new AuditSchedule(LocalTime.MIDNIGHT, DAY);
        AuditSchedule other = new AuditSchedule(LocalTime.MIDNIGHT, DAY); // another replica, or after a restart
        List<String> ids = accounts(100);
        ids.forEach(id -> assertThat(other.slotBefore(id, now)).isEqualTo(one.slotBefore(id, now)));
        assertThat(ids.stream().map(id -> one.slotBefore(id, now)).distinct().count()).isGreaterThan(95);
        assertThat(one.slotBefore(ids.getFirst(), now.plus(DAY))).isEqualTo(one.slotBefore(ids.getFirst(), now).plus(DAY));
    }

    @Test
    void shouldBeDueWhenNeverAuditedOrNotSinceTheSlot() {
        AuditSchedule schedule = new AuditSchedule(LocalTime.MIDNIGHT, DAY);
        String id = "acc-1";
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        Instant slot = schedule.slotBefore(id, now);
        assertThat(schedule.due(id, Optional.empty(), now)).as("never audited").isTrue();
        assertThat(schedule.due(id, Optional.of(slot.minusSeconds(1)), now)).as("audited before the slot").isTrue();
        assertThat(schedule.due(id, Optional.of(slot), now)).as("audited at the slot").isFalse();
        assertThat(schedule.due(id, Optional.of(slot), slot.plus(DAY).minusMillis(1))).as("until the next one").isFalse();
        assertThat(schedule.due(id, Optional.of(slot), slot.plus(DAY))).as("the next slot").isTrue();
    }

    @Test
    void shouldRefuseAWindowLongerThanADayOrEmpty() {
        assertThatThrownBy(() -> new AuditSchedule(LocalTime.MIDNIGHT, Duration.ofHours(25)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("audit.window");
        assertThatThrownBy(() -> new AuditSchedule(LocalTime.MIDNIGHT, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
