package io.interactionsync.emulator;

import io.interactionsync.emulator.config.EmulatorConfig;
import io.interactionsync.emulator.faults.FaultInjector;
import io.interactionsync.emulator.google.oauth.GoogleTokens;
import io.interactionsync.emulator.idp.IdpGrants;
import io.interactionsync.emulator.idp.PortalUsers;
import io.interactionsync.emulator.jwt.JwtSigner;
import io.interactionsync.emulator.microsoft.graph.GraphThrottle;
import io.interactionsync.emulator.microsoft.identity.MicrosoftTokens;
import io.interactionsync.emulator.push.PushService;
import io.interactionsync.emulator.quota.GmailQuota;
import io.interactionsync.emulator.quota.UsageStats;
import io.interactionsync.emulator.store.EmulatorStore;

/** The shared state every API module of the emulator works on. */
public final class EmulatorContext {

    private final EmulatorConfig config = new EmulatorConfig();
    private final EmulatorStore store = new EmulatorStore();
    private final GoogleTokens googleTokens = new GoogleTokens();
    private final UsageStats stats = new UsageStats();
    private final JwtSigner idpSigner = new JwtSigner("emulator-idp-1");
    private final JwtSigner googleSigner = new JwtSigner("emulator-google-1");
    private final JwtSigner microsoftSigner = new JwtSigner("emulator-microsoft-1");
    private final MicrosoftTokens microsoftTokens = new MicrosoftTokens();
    private final GraphThrottle graphThrottle = new GraphThrottle();
    private final GmailQuota gmailQuota = new GmailQuota();
    private final PortalUsers portalUsers = new PortalUsers(store);
    private final IdpGrants idpGrants = new IdpGrants();
    private volatile FaultInjector faults;
    private volatile PushService push;
    private volatile String baseUrl = "http://127.0.0.1:0";
    private volatile int localPort;

    public EmulatorConfig config() {
        return config;
    }

    public EmulatorStore store() {
        return store;
    }

    public GoogleTokens googleTokens() {
        return googleTokens;
    }

    public UsageStats stats() {
        return stats;
    }

    public JwtSigner idpSigner() {
        return idpSigner;
    }

    public JwtSigner googleSigner() {
        return googleSigner;
    }

    public JwtSigner microsoftSigner() {
        return microsoftSigner;
    }

    public GraphThrottle graphThrottle() {
        return graphThrottle;
    }

    public MicrosoftTokens microsoftTokens() {
        return microsoftTokens;
    }

    /** {@code http://127.0.0.1:<port>} (or the public URL given at start), without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    void baseUrl(String value) {
        this.baseUrl = value;
    }

    /** The port the server listens on (for loopback calls such as batch parts). */
    public int localPort() {
        return localPort;
    }

    void localPort(int port) {
        this.localPort = port;
    }

    /** The portal IdP's users (derived from the loaded provider users, plus explicit ones). */
    public PortalUsers portalUsers() {
        return portalUsers;
    }

    /** The portal IdP's authorization codes and refresh tokens. */
    public IdpGrants idpGrants() {
        return idpGrants;
    }

    public GmailQuota gmailQuota() {
        return gmailQuota;
    }

    public FaultInjector faults() {
        return faults;
    }

    void faults(FaultInjector injector) {
        this.faults = injector;
    }

    /** Provider push: watches, channels, subscriptions and their deliveries. */
    public PushService push() {
        return push;
    }

    void push(PushService service) {
        this.push = service;
        store.listener(service);
    }

    /** {@code POST /_emulator/reset}: forget users (portal IdP ones too), tokens, stats, push state; restore the default config. */
    public void reset() {
        store.clear();
        googleTokens.clear();
        microsoftTokens.clear();
        graphThrottle.clear();
        stats.clear();
        gmailQuota.clear();
        portalUsers.clear();
        idpGrants.clear();
        if (faults != null) {
            faults.clear();
        }
        if (push != null) {
            push.reset();
        }
        config.reset();
    }
}
