package io.interactionsync.googlesync.client.gmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.json.gson.GsonFactory;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The error bodies of API-FACTS "Gmail quota", sorted into per-user and provider-wide failures. */
class GmailErrorsTests {

    @Test
    void shouldTreatUserRateLimitAsPerUserAndNotTripTheBreaker() throws IOException {
        GmailOutcome<Object> outcome = GmailErrors.classify(error(403, """
                {"errors":[{"domain":"usageLimits","reason":"userRateLimitExceeded","message":"User Rate Limit Exceeded"}],
                 "code":403,"message":"User Rate Limit Exceeded"}"""));
        assertThat(outcome).isInstanceOfSatisfying(GmailOutcome.UserFailure.class,
                f -> assertThat(f.kind()).isEqualTo(GmailOutcome.Kind.USER_RATE_LIMITED));
    }

    @Test
    void shouldReadTheRetryTimeFromThePerUserQuotaMessage() throws IOException {
        GmailOutcome<Object> outcome = GmailErrors.classify(error(403, """
                {"errors":[{"domain":"usageLimits","reason":"rateLimitExceeded","message":"x"}],"code":403,
                 "message":"Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'gmail.googleapis.com'. Retry after 2024-11-12T11:16:42.247Z"}"""));
        assertThat(outcome).isInstanceOfSatisfying(GmailOutcome.UserFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(GmailOutcome.Kind.USER_RATE_LIMITED);
            assertThat(f.retryAt()).isEqualTo(Instant.parse("2024-11-12T11:16:42.247Z"));
        });
    }

    @Test
    void shouldTreatTooManyConcurrentRequestsForUserAsPerUser() throws IOException {
        GmailOutcome<Object> outcome = GmailErrors.classify(error(429, """
                {"code":429,"message":"Too many concurrent requests for user",
                 "errors":[{"domain":"global","reason":"rateLimitExceeded"}],"status":"RESOURCE_EXHAUSTED"}"""));
        assertThat(outcome).isInstanceOfSatisfying(GmailOutcome.UserFailure.class,
                f -> assertThat(f.kind()).isEqualTo(GmailOutcome.Kind.USER_RATE_LIMITED));
    }

    @Test
    void shouldCountProjectThrottlingAsProviderWide() {
        assertThatThrownBy(() -> GmailErrors.classify(error(403, """
                {"errors":[{"domain":"usageLimits","reason":"rateLimitExceeded","message":"Rate Limit Exceeded"}],
                 "code":403,"message":"Rate Limit Exceeded"}""")))
                .isInstanceOfSatisfying(ProviderWideFailure.class, f -> assertThat(f.rateLimited()).isTrue());
    }

    @Test
    void shouldCountServerErrorsAndTimeoutsAsProviderWide() {
        assertThatThrownBy(() -> GmailErrors.classify(error(503, """
                {"code":503,"message":"The service is currently unavailable.","errors":[{"reason":"backendError"}]}""")))
                .isInstanceOfSatisfying(ProviderWideFailure.class, f -> assertThat(f.status()).isEqualTo(503));
        assertThatThrownBy(() -> GmailErrors.classify(new SocketTimeoutException("Read timed out")))
                .isInstanceOfSatisfying(ProviderWideFailure.class, f -> assertThat(f.status()).isZero());
    }

    @Test
    void shouldRecoverOneUsersUnauthorizedAndNotFoundInside() throws IOException {
        assertThat(GmailErrors.classify(error(401, """
                {"code":401,"message":"Request had invalid authentication credentials.","errors":[{"reason":"authError"}]}""")))
                .isInstanceOfSatisfying(GmailOutcome.UserFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(GmailOutcome.Kind.UNAUTHORIZED));
        assertThat(GmailErrors.classify(error(404, """
                {"code":404,"message":"Requested entity was not found.","errors":[{"reason":"notFound"}]}""")))
                .isInstanceOfSatisfying(GmailOutcome.UserFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(GmailOutcome.Kind.NOT_FOUND));
    }

    @Test
    void shouldTreatMetadataScopeViolationsAsForbiddenForThisUser() throws IOException {
        assertThat(GmailErrors.classify(error(403, """
                {"code":403,"message":"Metadata scope doesn't allow format FULL","errors":[{"domain":"global","reason":"forbidden"}]}""")))
                .isInstanceOfSatisfying(GmailOutcome.UserFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(GmailOutcome.Kind.FORBIDDEN));
    }

    private static GoogleJsonResponseException error(int status, String errorJson) throws IOException {
        GoogleJsonError details = GsonFactory.getDefaultInstance().fromString(errorJson, GoogleJsonError.class);
        return new GoogleJsonResponseException(new HttpResponseException.Builder(status, null, new HttpHeaders())
                .setMessage(details.getMessage()), details);
    }
}
