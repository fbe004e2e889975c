package io.interactionsync.emulator.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.emulator.faults.Omission;
import io.interactionsync.emulator.support.EmulatorExtension;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code omit} fault field: parsed, listed, validated; {@link Omission} drops items by its probability. */
class OmissionTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    @AfterEach
    void clear() {
        given().delete("/_emulator/faults").then().statusCode(204);
    }

    @Test
    void omitRuleIsAcceptedWithASeedAndListed() {
        given().contentType("application/json").body(Map.of("seed", 7, "rules", List.of(Map.of("provider", "microsoft",
                        "pathRegex", "/messages/delta", "omit", 0.25))))
                .put("/_emulator/faults").then().statusCode(200);
        given().get("/_emulator/faults").then().statusCode(200)
                .body("rules[0].omit", equalTo(0.25f)).body("rules[0].status", equalTo(0));
    }

    @Test
    void omitOutsideZeroToOneOrWithAStatusIsRefused() {
        given().contentType("application/json").body(Map.of("rules", List.of(Map.of("omit", 1.5))))
                .put("/_emulator/faults").then().statusCode(400).body("message", containsString("omit"));
        given().contentType("application/json").body(Map.of("rules", List.of(Map.of("omit", 0.5, "status", 503))))
                .put("/_emulator/faults").then().statusCode(400).body("message", containsString("status"));
        given().contentType("application/json").body(Map.of("seed", "x", "rules", List.of()))
                .put("/_emulator/faults").then().statusCode(400).body("message", containsString("seed"));
    }

    @Test
    void itemsAreDroppedWithTheProbabilityAndCounted() {
        java.util.Random random = new java.util.Random(1);
        int[] counted = {0};
        Omission omission = newOmission(0.3, random, counted);
        List<Integer> items = IntStream.range(0, 10_000).boxed().toList();
        List<Integer> kept = omission.filter(items);
        assertThat(kept).isSubsetOf(items).isSorted();
        assertThat(items.size() - kept.size()).isEqualTo(counted[0]).isBetween(2_800, 3_200);
        assertThat(Omission.NONE.filter(items)).isSameAs(items);
    }

    private static Omission newOmission(double p, java.util.Random random, int[] counter) {
        return Omission.dropping(p, random::nextDouble, () -> counter[0]++);
    }
}
