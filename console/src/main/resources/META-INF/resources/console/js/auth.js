// Sign-in with the portal IdP: OIDC authorization code + PKCE (RFC 7636, S256) as a public client, in the browser.
// The session (access token, refresh token, claims) lives in sessionStorage: it ends with the tab, and no cookie
// reaches the API, so the API needs no CSRF defence.

const SESSION = 'is.session';
const PENDING = 'is.pending.';

/** Where every provider sends the browser back: the console itself (the pending state says what to finish). */
export function redirectUri() {
  return `${location.origin}/console/`;
}

function randomString(bytes) {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return base64url(data);
}

function base64url(bytes) {
  let s = '';
  bytes.forEach((b) => { s += String.fromCharCode(b); });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function s256(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The claims of a JWT, unverified: the API verifies the token; the console only reads name, email and roles. */
function claimsOf(jwt) {
  const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const json = decodeURIComponent(atob(payload).split('').map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''));
  return JSON.parse(json);
}

/** An OAuth round trip the console started (sign-in or a provider connection), keyed by its state. */
export function rememberPending(state, pending) {
  sessionStorage.setItem(PENDING + state, JSON.stringify(pending));
}

export function takePending(state) {
  const key = PENDING + state;
  const value = sessionStorage.getItem(key);
  sessionStorage.removeItem(key);
  return value ? JSON.parse(value) : null;
}

export class Auth {
  constructor(config) {
    this.config = config;
    this.session = JSON.parse(sessionStorage.getItem(SESSION) || 'null');
    this.discoveryDoc = null;
  }

  async discovery() {
    if (!this.discoveryDoc) {
      const response = await fetch(`${this.config.issuer}/.well-known/openid-configuration`);
      if (!response.ok) {
        throw new Error(`The sign-in service did not answer (${response.status}).`);
      }
      this.discoveryDoc = await response.json();
    }
    return this.discoveryDoc;
  }

  get signedIn() {
    return this.session !== null;
  }

  get user() {
    const c = this.session?.claims ?? {};
    const roles = c.roles ?? c.groups ?? [];
    return { id: c.sub, email: c.email, name: c.name ?? c.email, roles, admin: roles.includes('admin') };
  }

  /** Sends the browser to the IdP; {@link completeSignIn} finishes when it comes back. */
  async signIn(returnTo = location.hash || '#/accounts') {
    const doc = await this.discovery();
    const verifier = randomString(48);
    const state = randomString(18);
    const nonce = randomString(18);
    rememberPending(state, { kind: 'signin', verifier, nonce, returnTo });
    const url = new URL(doc.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: redirectUri(),
      scope: 'openid email profile',
      state,
      nonce,
      code_challenge: await s256(verifier),
      code_challenge_method: 'S256',
    }).toString();
    location.assign(url.toString());
  }

  async completeSignIn(code, pending) {
    const tokens = await this.tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: this.config.clientId,
      code_verifier: pending.verifier,
    });
    const idClaims = tokens.id_token ? claimsOf(tokens.id_token) : {};
    if (tokens.id_token && idClaims.nonce !== pending.nonce) {
      throw new Error('The sign-in answer did not match this browser tab (nonce). Please sign in again.');
    }
    this.store(tokens, tokens.id_token);
  }

  /** A valid access token, refreshed shortly before it expires. */
  async accessToken() {
    if (!this.session) {
      return null;
    }
    if (Date.now() > this.session.expiresAt - 30_000 && this.session.refreshToken) {
      try {
        const tokens = await this.tokenRequest({
          grant_type: 'refresh_token',
          refresh_token: this.session.refreshToken,
          client_id: this.config.clientId,
        });
        this.store(tokens, this.session.idToken);
      } catch (e) {
        this.forget();
        return null;
      }
    }
    return this.session.accessToken;
  }

  async tokenRequest(form) {
    const doc = await this.discovery();
    const response = await fetch(doc.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(body.error_description || body.error || `Sign-in failed (${response.status}).`);
    }
    return body;
  }

  store(tokens, idToken) {
    const claims = { ...(idToken ? claimsOf(idToken) : {}), ...claimsOf(tokens.access_token) };
    this.session = {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? this.session?.refreshToken ?? null,
      idToken: idToken ?? null,
      expiresAt: Date.now() + (tokens.expires_in ?? 300) * 1000,
      claims,
    };
    sessionStorage.setItem(SESSION, JSON.stringify(this.session));
  }

  forget() {
    this.session = null;
    sessionStorage.removeItem(SESSION);
  }

  async signOut() {
    const idToken = this.session?.idToken;
    this.forget();
    const doc = await this.discovery().catch(() => null);
    if (doc?.end_session_endpoint) {
      const url = new URL(doc.end_session_endpoint);
      url.search = new URLSearchParams({
        post_logout_redirect_uri: redirectUri(),
        client_id: this.config.clientId,
        ...(idToken ? { id_token_hint: idToken } : {}),
      }).toString();
      location.assign(url.toString());
    } else {
      location.assign(redirectUri());
    }
  }
}
