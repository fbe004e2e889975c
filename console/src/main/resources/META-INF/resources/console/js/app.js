// The console shell: configuration, sign-in, the OAuth callbacks, navigation between "My accounts" and "Team".
import { html, nothing } from 'lit';
import { LightElement } from './element.js';
import { Auth, redirectUri, takePending } from './auth.js';
import { Api, ApiError, explain } from './api.js';
import './accounts.js';
import './team.js';

const ROUTES = {
  '#/accounts': { title: 'My accounts' },
  '#/team': { title: 'Team', admin: true },
};

class IsApp extends LightElement {
  static properties = {
    ready: { state: true },
    route: { state: true },
    notice: { state: true },
    fatal: { state: true },
  };

  constructor() {
    super();
    this.ready = false;
    this.route = location.hash || '#/accounts';
    this.notice = null;
    this.fatal = null;
    window.addEventListener('hashchange', () => {
      this.route = location.hash || '#/accounts';
      this.notice = null;
    });
    this.addEventListener('notice', (e) => {
      this.notice = e.detail;
    });
  }

  connectedCallback() {
    this.replaceChildren(); // the page's static "Loading" placeholder; Lit renders from here on
    super.connectedCallback();
    this.start().catch((e) => {
      this.fatal = e.message;
      this.ready = true;
    });
  }

  async start() {
    const response = await fetch('/console/config.json');
    if (!response.ok) {
      throw new Error(`The console could not load its settings (${response.status}).`);
    }
    this.config = await response.json();
    this.auth = new Auth(this.config);
    this.api = new Api(this.auth);
    this.normalizer = new Api(this.auth, this.config.normalizerUrl);
    await this.finishRedirect();
    this.ready = true;
  }

  /** Back from the IdP or a provider: finish what the pending state says, then clean the address bar. */
  async finishRedirect() {
    const params = new URLSearchParams(location.search);
    const state = params.get('state');
    if (!params.has('code') && !params.has('error')) {
      return;
    }
    const pending = state ? takePending(state) : null;
    history.replaceState(null, '', `/console/${pending?.returnTo ?? location.hash ?? ''}`);
    this.route = location.hash || '#/accounts';
    if (!pending) {
      this.notice = { kind: 'error', text: 'That sign-in or connection was not started in this browser tab, or it was already used. Please start again.' };
      return;
    }
    if (params.has('error')) {
      this.notice = { kind: 'error', text: providerError(pending.kind, params.get('error'), params.get('error_description')) };
      return;
    }
    const code = params.get('code');
    try {
      if (pending.kind === 'signin') {
        await this.auth.completeSignIn(code, pending);
      } else if (pending.kind === 'google') {
        const account = await this.api.post('/api/v1/google-accounts', { code, redirectUri: redirectUri(), state });
        this.notice = { kind: 'success', text: `Connected Google account ${account.email}. The first sync has started.` };
      } else if (pending.kind === 'microsoft') {
        const account = await this.api.post('/api/v1/microsoft-accounts', { code, redirectUri: redirectUri(), state });
        this.notice = { kind: 'success', text: `Connected Microsoft 365 account ${account.email}. The first sync has started.` };
      }
    } catch (e) {
      this.notice = {
        kind: 'error',
        text: explain(e),
        link: e instanceof ApiError && e.problem.adminConsentUrl
          ? { href: e.problem.adminConsentUrl, text: 'Administrator approval link (send it to your Microsoft 365 admin)' }
          : null,
      };
    }
  }

  render() {
    if (!this.ready) {
      return html`<main id="main"><p>Loading the console…</p></main>`;
    }
    if (this.fatal) {
      return html`<main id="main"><h1>Interaction Sync</h1><p class="notice notice-error" role="alert">${this.fatal}</p></main>`;
    }
    if (!this.auth.signedIn) {
      return html`<main id="main" class="signin">
        <h1>Interaction Sync</h1>
        <p>Connect your Google Workspace and Microsoft 365 accounts, and follow how their mail and calendar metadata syncs.</p>
        ${this.renderNotice()}
        <button class="primary" id="sign-in" @click=${() => this.auth.signIn()}>Sign in</button>
      </main>`;
    }
    const user = this.auth.user;
    const route = ROUTES[this.route] && (!ROUTES[this.route].admin || user.admin) ? this.route : '#/accounts';
    document.title = `${ROUTES[route].title} · Interaction Sync`;
    return html`
      <header class="topbar">
        <span class="brand">Interaction Sync</span>
        <nav aria-label="Console">
          <ul>
            ${Object.entries(ROUTES).filter(([, r]) => !r.admin || user.admin).map(([hash, r]) => html`
              <li><a href=${hash} aria-current=${route === hash ? 'page' : nothing}>${r.title}</a></li>`)}
          </ul>
        </nav>
        <span class="who">Signed in as <strong>${user.email ?? user.id}</strong>${user.admin ? ' (admin)' : ''}</span>
        <button id="sign-out" @click=${() => this.auth.signOut()}>Sign out</button>
      </header>
      <main id="main">
        <h1>${ROUTES[route].title}</h1>
        ${this.renderNotice()}
        ${route === '#/team'
          ? html`<is-team .api=${this.api} .normalizer=${this.normalizer} .pollMillis=${this.config.pollMillis}></is-team>`
          : html`<is-accounts .api=${this.api} .pollMillis=${this.config.pollMillis}></is-accounts>`}
      </main>`;
  }

  renderNotice() {
    if (!this.notice) {
      return html`<div class="notice-slot" role="status" aria-live="polite"></div>`;
    }
    const n = this.notice;
    return html`<div class="notice-slot" role=${n.kind === 'error' ? 'alert' : 'status'} aria-live="polite">
      <p class="notice notice-${n.kind}" id="notice">${n.text}
        ${n.link ? html`<br><a href=${n.link.href}>${n.link.text}</a>` : nothing}
        <button class="link" @click=${() => { this.notice = null; }} aria-label="Dismiss message">Dismiss</button>
      </p>
    </div>`;
  }
}

/** An OAuth error returned to the redirect URI, in words a person can act on. */
function providerError(kind, error, description) {
  const text = description ?? '';
  if (kind === 'microsoft' && /AADSTS500208|AADSTS50020|personal/i.test(text)) {
    return 'This is a personal Microsoft account (outlook.com, hotmail.com…). Sign in with your work or school account instead.';
  }
  if (kind === 'microsoft' && /AADSTS65001|AADSTS90094|consent/i.test(text)) {
    return 'Your organisation requires an administrator to approve Interaction Sync before you can connect. Ask your Microsoft 365 admin.';
  }
  if (error === 'access_denied') {
    return kind === 'signin' ? 'Sign-in was cancelled.' : 'The connection was cancelled: nothing was connected.';
  }
  return `${kind === 'signin' ? 'Sign-in' : 'The connection'} failed: ${text || error}`;
}

customElements.define('is-app', IsApp);
