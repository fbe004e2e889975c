package io.interactionsync.normalizer.repository;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The reason remembered per dead-lettered resource: short, one line, storable. */
class DeadLetteredRepositoryTests {

    @Test
    void aReasonIsKeptOnOneLineWithoutControlCharacters() {
        assertThat(DeadLetteredRepository.shortReason("  internalDate\n\tis missing\u0000here ")).isEqualTo(
                "internalDate is missing here");
        assertThat(DeadLetteredRepository.shortReason(null)).isEmpty();
    }

    @Test
    void aLongReasonIsCutWithoutSplittingACharacter() {
        String cut = DeadLetteredRepository.shortReason("x".repeat(DeadLetteredRepository.MAX_REASON - 2) + "😀".repeat(5));
        assertThat(cut).hasSizeLessThanOrEqualTo(DeadLetteredRepository.MAX_REASON).endsWith("…");
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
        assertThat(DeadLetteredRepository.shortReason("y".repeat(DeadLetteredRepository.MAX_REASON)))
                .hasSize(DeadLetteredRepository.MAX_REASON).doesNotContain("…");
    }
}
