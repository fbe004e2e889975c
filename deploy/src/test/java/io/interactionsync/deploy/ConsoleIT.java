package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.deploy.console.Browser;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real browser (headless Debian Chromium through chromedriver) against the packaged stack: a
 * person signs in at the portal IdP by keyboard, connects Google (Calendar first, then Gmail by incremental consent)
 * and Microsoft 365 through the providers' consent pages, adds and removes a shared mailbox, watches every source
 * reach {@code synced}, meets the personal-account and admin-consent errors; an admin sees none of the user's
 * accounts as their own, finds the revoked one on the team page, filters, edits the team directory and its
 * blocklist and runs a replay; the user opens and cancels the disconnect dialog by keyboard, disconnects with purge
 * and saves a blocklist. Every journey leaves a screenshot in {@code target/failsafe-reports/console/}; axe-core
 * checks each page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith({StackLogsOnFailure.class, ConsoleIT.ScreenshotOnFailure.class})
class ConsoleIT {

    /** What the browser showed when a journey failed, next to the journeys' own screenshots. */
    static class ScreenshotOnFailure implements org.junit.jupiter.api.extension.TestWatcher {
        @Override
        public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
            context.getTestInstance().map(i -> ((ConsoleIT) i).browser).ifPresent(b -> {
                try {
                    System.err.println("console screenshot: " + b.screenshot("failed-" + context.getRequiredTestMethod().getName())
                            + " at " + b.url());
                } catch (IOException | RuntimeException e) {
                    System.err.println("no screenshot: " + e.getMessage());
                }
            });
        }
    }

    static final String ALICE = "alice@console.test";
    static final String DANA = "dana@console.test";
    static final String DEALS = "deals@console.test";
    static final String PAT = "pat@outlook.example";
    static final String MAX = "max@strict.example";
    static final String ADMIN = "admin@console.test";
    static final String ALICE_SUB = "user-alice-console";

    Stack stack;
    StackEndpoints endpoints;
    StackClient client;
    Browser browser;
    String console;

    @BeforeAll
    void startStack() throws IOException {
        assertThat(Browser.available()).as("the browser tests need Debian's chromium and chromedriver "
                + "(apt-get install chromium chromium-driver; .ci/run installs them)").isTrue();
        endpoints = new StackEndpoints(KafkaTestResource.bootstrapServers(), EmulatorTestResource.baseUrl(),
                new LocalDatabase("127.0.0.1", 5432, "postgres", "interaction_sync_console"),
                LocalFiles.freePort(), LocalFiles.freePort(), LocalFiles.freePort(), LocalFiles.freePort(), 0,
                "console:" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        endpoints.database().recreate();
        StackTopics.ensure(endpoints.kafkaBootstrap());
        stack = new Stack(Path.of("..").toAbsolutePath().normalize(), Path.of("target/console-logs").toAbsolutePath());
        StackLogsOnFailure.running = stack;
        stack.startServices(endpoints, StackService.pipeline(), Duration.ofSeconds(180));
        client = new StackClient(endpoints);
        console = endpoints.connectorUrl() + "/console/";
        client.registerConsoleRedirect(console);

        client.putGoogleUser(ALICE, Map.of("name", "Alice Archer", "messages", messages(ALICE, 6), "events",
                List.of(meeting("ev-1", ALICE, "bob@partner.example"))));
        client.putMicrosoftUser(DANA, Map.of("displayName", "Dana Diaz", "folders", Map.of("inbox",
                outlookMessages(DANA, 4), "sentitems", List.of()), "events", List.of(), "fullAccessTo", List.of(DEALS)));
        client.putSharedMailbox(DEALS, Map.of("folders", Map.of("inbox", outlookMessages(DEALS, 3))));
        client.putMicrosoftUser(PAT, Map.of("displayName", "Pat Personal", "personal", true, "folders", Map.of()));
        client.putMicrosoftUser(MAX, Map.of("displayName", "Max Strict", "consentError", "AADSTS65001",
                "folders", Map.of()));
        client.putIdpUser(ALICE, ALICE_SUB, "Alice Archer", List.of("user"));
        client.putIdpUser(ADMIN, "user-admin-console", "Ada Admin", List.of("admin", "user"));
        browser = new Browser(Path.of("target/failsafe-reports/console"));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        StackLogsOnFailure.running = null;
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aPersonSignsInAtThePortalIdpWithCodeAndPkceUsingOnlyTheKeyboard() throws IOException {
        browser.open(console);
        browser.await(By.id("sign-in"));
        browser.assertAccessible("the sign-in page");
        browser.screenshot("01-sign-in");
        WebElement skip = browser.tabTo("a.skip-link", 1);
        assertThat(skip.getLocation().getX()).as("the skip link comes on screen when focused").isNotNegative();
        browser.tabTo("#sign-in", 1);
        browser.press(Keys.ENTER);
        // The IdP's picker by keyboard too: Tab enters the radio group, arrows choose, Enter on "Sign in".
        browser.awaitUrlStartsWith(endpoints.emulatorUrl() + "/idp/");
        browser.assertAccessible("the IdP's user picker");
        browser.tabTo("input[name=email]", 5);
        assertThat(browser.pressUntilFocused(Keys.ARROW_DOWN, "input[value='" + ALICE + "']", 10).isSelected()).isTrue();
        browser.tabTo("#approve", 2);
        browser.press(Keys.ENTER);
        browser.awaitUrlStartsWith(console);
        browser.await(By.id("sign-out"));
        browser.awaitText(By.cssSelector(".who"), ALICE);
        browser.await(By.id("no-accounts"));
        assertThat(browser.driver().findElements(By.linkText("Team"))).as("no team page for a non-admin").isEmpty();
        browser.assertAccessible("my accounts (empty)");
        browser.screenshot("02-my-accounts-empty");
    }

    @Test
    @Order(2)
    void connectsGoogleWithOnlyCalendarThenAddsGmailByIncrementalConsent() throws IOException {
        // By keyboard: Tab to the Gmail choice, Space unticks it (Calendar only), Enter on the form's button.
        WebElement gmail = browser.tabTo("#connect-google-gmail", 10);
        assertThat(gmail.isSelected()).isTrue();
        browser.press(Keys.SPACE);
        assertThat(gmail.isSelected()).as("Space toggles the Gmail choice").isFalse();
        browser.tabTo("#connect-google button[type=submit]", 2);
        browser.press(Keys.ENTER);
        approveAtGoogle(ALICE);
        WebElement card = accountCard(ALICE);
        assertThat(sourceState(card, "gmail")).isEqualTo("disabled");
        awaitSourceState(ALICE, "google_calendar", "synced");

        browser.click(By.cssSelector("[data-email='" + ALICE + "'] button[id$='-gmail']"));
        approveAtGoogle(ALICE);
        browser.awaitText(By.id("notice"), "Connected Google account");
        awaitSourceState(ALICE, "gmail", "synced");
        JsonNode account = client.googleAccounts(aliceJwt()).get(0);
        assertThat(client.googleAccounts(aliceJwt())).hasSize(1);
        assertThat(account.get("scopes").toString()).contains("gmail.metadata").contains("calendar.readonly");
        assertThat(account.at("/sources/gmail/fetched").asLong()).isEqualTo(6);
        accountCard(ALICE).findElement(By.xpath(".//button[normalize-space()='Sync now']")).click();
        browser.awaitText(By.id("notice"), "Sync requested.");
        browser.assertAccessible("my accounts (Google synced)");
        browser.screenshot("03-google-connected");
    }

    @Test
    @Order(3)
    void connectsMicrosoftAndASharedMailboxAndWatchesEverySourceReachSynced() throws IOException {
        browser.click(By.cssSelector("#connect-microsoft button[type=submit]"));
        approveAtMicrosoft(DANA);
        accountCard(DANA);
        WebElement address = browser.await(By.cssSelector("[data-email='" + DANA + "'] input[name=address]"));
        address.sendKeys(DEALS);
        browser.click(By.cssSelector("[data-email='" + DANA + "'] form.inline button[type=submit]"));
        browser.await(By.cssSelector("[data-email='" + DANA + "'] tr[data-shared='" + DEALS + "']"));
        // A full resync of Alice's Google account while Dana's syncs: it reads everything again, duplicates nothing.
        accountCard(ALICE).findElement(By.xpath(".//button[normalize-space()='Full resync']")).click();
        browser.awaitText(By.id("notice"), "Full resync requested");
        for (String source : List.of("outlook_mail", "outlook_calendar")) {
            awaitSourceState(DANA, source, "synced");
        }
        browser.await(By.cssSelector("[data-email='" + DANA + "'] tr[data-shared='" + DEALS + "'][data-state='synced']"),
                Duration.ofSeconds(120));
        for (String email : List.of(ALICE, DANA)) {
            browser.await(By.cssSelector("article[data-email='" + email + "'][data-status='synced']"), Duration.ofSeconds(120));
        }
        // six mails from six partners and one meeting with one guest: seven events, whatever the resync read again
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(googleEvents(aliceJwt())).isEqualTo(7));
        WebElement bar = browser.await(By.cssSelector("[data-email='" + DANA + "'] tr[data-source='outlook_mail'] progress"));
        assertThat(bar.getAttribute("value")).isEqualTo(bar.getAttribute("max"));
        browser.assertAccessible("my accounts (all synced)");
        browser.screenshot("04-my-accounts-synced");

        browser.click(By.cssSelector("[data-email='" + DANA + "'] button[aria-label='Remove shared mailbox " + DEALS + "']"));
        browser.awaitText(By.id("notice"), "Removed " + DEALS);
        browser.awaitGone(By.cssSelector("[data-email='" + DANA + "'] tr[data-shared='" + DEALS + "']"));
        assertThat(client.microsoftAccounts(aliceJwt()).get(0).get("sharedMailboxes")).isEmpty();
    }

    @Test
    @Order(4)
    void explainsPersonalMicrosoftAccountsAndMissingAdminConsentSoAPersonCanAct() throws IOException {
        browser.click(By.cssSelector("#connect-microsoft button[type=submit]"));
        approveAtMicrosoft(PAT);
        browser.awaitText(By.id("notice"), "personal Microsoft account");
        browser.assertAccessible("the personal-account error");
        browser.screenshot("05-personal-account");

        browser.click(By.cssSelector("#connect-microsoft button[type=submit]"));
        approveAtMicrosoft(MAX);
        browser.awaitText(By.id("notice"), "administrator");
        WebElement link = browser.await(By.cssSelector("#notice a"));
        assertThat(link.getAttribute("href")).contains("adminconsent");
        browser.screenshot("06-admin-consent");
    }

    @Test
    @Order(5)
    void anAdminSeesARevokedAccountAsReauthRequiredOnTheTeamPage() throws IOException {
        client.revoke(DANA);
        String dana = accountId(DANA);
        client.requestSync(aliceJwt(), dana, "auto"); // the next token refresh meets invalid_grant
        browser.await(By.cssSelector("article[data-email='" + DANA + "'][data-status='reauth_required']"),
                Duration.ofSeconds(60));

        browser.click(By.id("sign-out"));
        browser.await(By.id("sign-in"));
        browser.click(By.id("sign-in"));
        pickAtIdp(ADMIN);
        // Isolation in the browser: the admin's own page shows none of Alice's accounts.
        browser.await(By.id("no-accounts"));
        assertThat(browser.driver().findElements(By.cssSelector("article.account"))).isEmpty();
        assertThat(browser.await(By.id("main")).getText()).doesNotContain(ALICE).doesNotContain(DANA);

        browser.click(By.linkText("Team"));
        for (String email : List.of(ALICE, DANA)) {
            assertThat(browser.await(By.cssSelector("#team-accounts tr[data-email='" + email + "']")).getText())
                    .as("the team page names the owner").contains(ALICE_SUB);
        }
        String danaId = browser.await(By.cssSelector("#team-accounts tr[data-email='" + DANA + "']")).getAttribute("data-account");
        for (String state : List.of("incomplete", "error")) {
            filterTeamBy(state);
            browser.await(By.id("team-empty"));
        }
        filterTeamBy("reauth_required");
        browser.await(By.cssSelector("#team-accounts tr[data-email='" + DANA + "'][data-status='reauth_required']"));
        assertThat(browser.driver().findElements(By.cssSelector("#team-accounts tbody tr"))).hasSize(1);

        // A new team directory, then its blocklist, each shown as the server saved it.
        new Select(browser.await(By.id("collection-select"))).selectByValue("");
        browser.await(By.id("collection-id")).sendKeys("console-team");
        browser.await(By.id("collection-name")).sendKeys("Console team");
        browser.await(By.id("collection-members")).sendKeys(ALICE);
        browser.await(By.id("collection-domains")).sendKeys("console.test");
        browser.click(By.cssSelector("#directory-form button[type=submit]"));
        browser.awaitText(By.id("notice"), "Directory saved");
        assertThat(new Select(browser.await(By.id("collection-select"))).getFirstSelectedOption().getText())
                .isEqualTo("Console team (console-team)");
        browser.await(By.id("team-blocklist-entries")).sendKeys("@Rival.Example");
        browser.click(By.cssSelector("[aria-labelledby='team-blocklist-heading'] button[type=submit]"));
        browser.awaitText(By.id("notice"), "Team blocklist saved");
        assertThat(browser.await(By.id("team-blocklist-entries")).getAttribute("value")).isEqualTo("@rival.example");

        // A replay of Dana's account, started at the normalizer (its CORS admits the console) and followed to its end.
        browser.await(By.id("replay-account")).sendKeys(danaId);
        browser.click(By.xpath("//button[normalize-space()='Start replay']"));
        browser.awaitText(By.id("notice"), "Replay started.");
        WebElement replay = browser.await(By.cssSelector("#replays tr[data-state='completed']"), Duration.ofSeconds(60));
        assertThat(replay.findElement(By.cssSelector("td:nth-of-type(1)")).getText()).isEqualTo(danaId);
        assertThat(Long.parseLong(replay.findElement(By.cssSelector("td:nth-of-type(4)")).getText().replaceAll("\\D", "")))
                .as("records replayed").isPositive();
        browser.assertAccessible("the team page");
        browser.screenshot("07-team-reauth-required");

        assertThat(client.call("GET", endpoints.connectorUrl() + "/api/v1/admin/accounts", aliceJwt(), null).status())
                .as("the admin API refuses a non-admin").isEqualTo(403);
    }

    @Test
    @Order(6)
    void disconnectingWithPurgeErasesTheAccountsEvents() throws IOException {
        browser.click(By.id("sign-out"));
        browser.await(By.id("sign-in"));
        browser.click(By.id("sign-in"));
        pickAtIdp(ALICE);
        assertThat(googleEvents(aliceJwt())).isPositive();
        accountCard(ALICE);
        // By keyboard: Enter opens the dialog with the focus on Cancel, Escape closes it and the focus goes back.
        String disconnect = "article[data-email='" + ALICE + "'] button.danger";
        WebElement opener = browser.tabTo(disconnect, 40);
        browser.press(Keys.ENTER);
        browser.await(By.id("disconnect-dialog"));
        assertThat(browser.focused().getText()).as("the focus inside the dialog, on its harmless choice").isEqualTo("Cancel");
        browser.press(Keys.ESCAPE);
        browser.awaitGone(By.id("disconnect-dialog"));
        assertThat(browser.focused()).as("the focus is back on the button that opened the dialog").isEqualTo(opener);
        browser.press(Keys.ENTER);
        browser.await(By.id("disconnect-dialog"));
        browser.assertAccessible("the disconnect dialog");
        browser.click(By.id("purge-yes"));
        browser.screenshot("08-disconnect-purge");
        browser.click(By.id("disconnect-confirm"));
        browser.awaitText(By.id("notice"), "erased");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(googleEvents(aliceJwt())).isZero());
        assertThat(client.googleAccounts(aliceJwt())).isEmpty();
    }

    @Test
    @Order(7)
    void theBlocklistShowsWhatWasSavedAfterAPersonTypedInIt() throws IOException {
        WebElement entries = browser.await(By.id("blocklist-entries"));
        entries.clear();
        entries.sendKeys("Spam@Example.COM\n@Spam.Example\nspam@example.com");
        browser.click(By.xpath("//button[normalize-space()='Save blocklist']"));
        browser.awaitText(By.id("notice"), "Blocklist saved (2 entries)");
        // the server's normalised list replaces what was typed (lower case, duplicates dropped)
        assertThat(entries.getAttribute("value")).isEqualTo("spam@example.com\n@spam.example");
        assertThat(client.call("GET", endpoints.connectorUrl() + "/api/v1/blocklist", aliceJwt(), null).json()
                .get("entries").toString()).isEqualTo("[\"spam@example.com\",\"@spam.example\"]");
        browser.screenshot("09-blocklist-saved");
    }

    // ---- steps -------------------------------------------------------------------------------------------------

    private void pickAtIdp(String email) {
        pickAndApprove("/idp/", "the IdP's user picker", email);
        browser.await(By.id("sign-out"));
    }

    private void approveAtGoogle(String email) {
        pickAndApprove("/accounts.google.com/", "Google's consent page", email);
    }

    private void approveAtMicrosoft(String upn) {
        pickAndApprove("/login.microsoftonline.com/", "Microsoft's consent page", upn);
    }

    /** At one of the emulator's pages (IdP picker, consent): axe-core, pick the user, approve, back at the console. */
    private void pickAndApprove(String emulatorPath, String page, String user) {
        browser.awaitUrlStartsWith(endpoints.emulatorUrl() + emulatorPath);
        browser.assertAccessible(page);
        browser.click(By.cssSelector("input[type=radio][value='" + user + "']"));
        browser.click(By.id("approve"));
        browser.awaitUrlStartsWith(console);
    }

    /** Applies a state filter and waits until the previous result (table or "No account matches") is replaced. */
    private void filterTeamBy(String state) {
        WebElement previous = browser.await(By.cssSelector("#team-accounts, #team-empty"));
        new Select(browser.await(By.id("filter-state"))).selectByValue(state);
        browser.click(By.cssSelector("form.filters button[type=submit]"));
        browser.awaitStale(previous);
    }

    private WebElement accountCard(String email) {
        return browser.await(By.cssSelector("article[data-email='" + email + "']"));
    }

    private String sourceState(WebElement card, String source) {
        return card.findElement(By.cssSelector("tr[data-source='" + source + "']")).getAttribute("data-state");
    }

    private void awaitSourceState(String email, String source, String state) {
        browser.await(By.cssSelector("article[data-email='" + email + "'] tr[data-source='" + source + "'][data-state='"
                + state + "']"), Duration.ofSeconds(120));
    }

    private String accountId(String email) {
        String id = browser.await(By.cssSelector("article[data-email='" + email + "']")).getAttribute("id");
        return id.substring("account-".length());
    }

    private String aliceJwt() {
        return client.mintJwt(ALICE_SUB, ALICE, List.of("user"));
    }

    /** The user's Google events (Alice also connected Dana's Microsoft mailbox, which stays). */
    private long googleEvents(String jwt) {
        long n = 0;
        for (String source : List.of("gmail", "google_calendar")) {
            StackClient.Answer answer = client.call("GET", endpoints.normalizerUrl()
                    + "/api/v1/interaction-events?limit=200&source=" + source, jwt, null);
            assertThat(answer.status()).isEqualTo(200);
            n += answer.json().get("items").size();
        }
        return n;
    }

    // ---- data --------------------------------------------------------------------------------------------------

    private static List<Map<String, Object>> messages(String owner, int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Instant at = Instant.now().minus(Duration.ofDays(i));
            out.add(Map.of("id", "c0ffee" + String.format("%010d", i), "threadId", "c0ffee" + String.format("%010d", i),
                    "labelIds", List.of("INBOX"), "internalDate", Long.toString(at.toEpochMilli()),
                    "payload", Map.of("headers", List.of(
                            Map.of("name", "From", "value", "Partner " + i + " <p" + i + "@partner.example>"),
                            Map.of("name", "To", "value", owner),
                            Map.of("name", "Subject", "value", "Proposal " + i),
                            Map.of("name", "Date", "value", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                                    .format(at.atZone(java.time.ZoneOffset.UTC))),
                            Map.of("name", "Message-ID", "value", "<console-" + i + "@partner.example>")))));
        }
        return out;
    }

    private static Map<String, Object> meeting(String id, String organizer, String guest) {
        Instant start = Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        return Map.of("id", id, "status", "confirmed", "summary", "Kick-off",
                "start", Map.of("dateTime", start.toString()), "end", Map.of("dateTime", start.plusSeconds(1800).toString()),
                "organizer", Map.of("email", organizer, "self", true),
                "attendees", List.of(Map.of("email", organizer, "self", true, "responseStatus", "accepted"),
                        Map.of("email", guest, "responseStatus", "accepted")));
    }

    private static List<Map<String, Object>> outlookMessages(String owner, int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Instant at = Instant.now().minus(Duration.ofDays(i));
            out.add(Map.of("subject", "Deal " + i, "receivedDateTime", at.toString(), "sentDateTime", at.toString(),
                    "internetMessageId", "<" + owner.substring(0, owner.indexOf('@')) + "-" + i + "@client.example>",
                    "from", Map.of("emailAddress", Map.of("name", "Client " + i, "address", "c" + i + "@client.example")),
                    "toRecipients", List.of(Map.of("emailAddress", Map.of("address", owner)))));
        }
        return out;
    }
}
