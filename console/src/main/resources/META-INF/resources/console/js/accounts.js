// "My accounts": connect Google and Microsoft 365 with per-source choices, follow each source's sync, manage shared
// mailboxes, sync / resync / audit / disconnect, and the personal blocklist. Polls the API while the page is open.
import { html, nothing } from 'lit';
import { LightElement } from './element.js';
import { explain } from './api.js';
import { redirectUri, rememberPending } from './auth.js';
import { SOURCE_NAMES, badge, completeness, count, progress, push, time } from './format.js';

const GOOGLE_CHOICES = [
  { scope: 'gmail', source: 'gmail', label: 'Gmail (message headers only: who, when, subject)', grant: /gmail\.metadata$/ },
  { scope: 'calendar', source: 'google_calendar', label: 'Google Calendar (events and attendees)', grant: /calendar\.readonly$/ },
];

const MICROSOFT_CHOICES = [
  { scope: 'mail', source: 'outlook_mail', label: 'Outlook mail (message headers only)', grant: /(^|\/)mail\.readbasic$/i },
  { scope: 'calendar', source: 'outlook_calendar', label: 'Outlook calendar', grant: /calendars\.readbasic$/i },
  { scope: 'sharedMail', label: 'Shared mailboxes you have access to', grant: /mail\.readbasic\.shared$/i },
];

const UNITS = { gmail: 'messages', outlook_mail: 'messages', google_calendar: 'events', outlook_calendar: 'events' };

function granted(account, pattern) {
  return (account.scopes ?? []).some((s) => pattern.test(s));
}

class IsAccounts extends LightElement {
  static properties = {
    api: { attribute: false },
    pollMillis: { attribute: false },
    accounts: { state: true },
    loadError: { state: true },
    busy: { state: true },
    blocklist: { state: true },
    disconnecting: { state: true },
  };

  constructor() {
    super();
    this.accounts = null;
    this.loadError = null;
    this.busy = {};
    this.blocklist = null;
    this.disconnecting = null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.refresh();
    this.loadBlocklist();
    this.timer = setInterval(() => this.refresh(), this.pollMillis ?? 3000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  async refresh() {
    try {
      const [google, microsoft] = await Promise.all([
        this.api.get('/api/v1/google-accounts'),
        this.api.get('/api/v1/microsoft-accounts'),
      ]);
      this.accounts = [...(google ?? []), ...(microsoft ?? [])]
        .sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
      this.loadError = null;
    } catch (e) {
      this.loadError = explain(e);
    }
  }

  async loadBlocklist() {
    try {
      this.blocklist = await this.api.get('/api/v1/blocklist');
    } catch (e) {
      this.blocklist = { entries: [], error: explain(e) };
    }
  }

  /** Runs an action with its button disabled, reports the outcome, then refreshes. */
  async act(key, action, success) {
    this.busy = { ...this.busy, [key]: true };
    try {
      await action();
      if (success) {
        this.notify('success', success);
      }
    } catch (e) {
      this.notify('error', explain(e));
    } finally {
      this.busy = { ...this.busy, [key]: false };
      await this.refresh();
    }
  }

  async connect(provider, scopes) {
    if (scopes.length === 0) {
      this.notify('error', 'Choose at least one thing to sync.');
      return;
    }
    const key = `connect-${provider}`;
    this.busy = { ...this.busy, [key]: true };
    try {
      const query = new URLSearchParams({ scopes: scopes.join(','), redirectUri: redirectUri() });
      const { url, state } = await this.api.get(`/api/v1/${provider}/authorize-url?${query}`);
      rememberPending(state, { kind: provider, returnTo: '#/accounts' });
      location.assign(url);
    } catch (e) {
      this.notify('error', explain(e));
      this.busy = { ...this.busy, [key]: false };
    }
  }

  /**
   * The scopes to ask for when a source is added later. Google's incremental authorization needs only the new one
   * (include_granted_scopes keeps the rest); Microsoft's token reports what was asked for, so ask for all again.
   */
  addScopes(account, choice) {
    if (account.provider === 'google') {
      return [choice.scope];
    }
    return [...MICROSOFT_CHOICES.filter((c) => granted(account, c.grant)).map((c) => c.scope), choice.scope];
  }

  submitConnect(event, provider) {
    event.preventDefault();
    const scopes = [...event.target.querySelectorAll('input[name=scope]:checked')].map((i) => i.value);
    this.connect(provider, scopes);
  }

  render() {
    return html`
      <section aria-labelledby="connect-heading" class="panel">
        <h2 id="connect-heading">Connect an account</h2>
        <p class="muted">Only metadata is synced: senders, recipients, dates, subjects and meeting attendees. Never message bodies or attachments.</p>
        <div class="connect-grid">
          ${this.renderConnectForm('google', 'Google Workspace', GOOGLE_CHOICES)}
          ${this.renderConnectForm('microsoft', 'Microsoft 365', MICROSOFT_CHOICES)}
        </div>
      </section>
      <section aria-labelledby="accounts-heading" class="panel">
        <h2 id="accounts-heading">Connected accounts</h2>
        ${this.loadError ? html`<p class="notice notice-error" role="alert">${this.loadError}</p>` : nothing}
        ${this.accounts === null ? html`<p>Loading…</p>`
          : this.accounts.length === 0 ? html`<p id="no-accounts">No account connected yet.</p>`
            : this.accounts.map((a) => this.renderAccount(a))}
      </section>
      ${this.renderBlocklist()}
      ${this.renderDisconnectDialog()}`;
  }

  renderConnectForm(provider, title, choices) {
    const busy = this.busy[`connect-${provider}`];
    return html`<form class="connect" id="connect-${provider}" @submit=${(e) => this.submitConnect(e, provider)}>
      <fieldset>
        <legend>${title}</legend>
        ${choices.map((c) => html`<div class="check">
          <input type="checkbox" name="scope" value=${c.scope} id="connect-${provider}-${c.scope}" checked>
          <label for="connect-${provider}-${c.scope}">${c.label}</label>
        </div>`)}
      </fieldset>
      <button class="primary" type="submit" ?disabled=${busy}>Connect ${title}</button>
    </form>`;
  }

  renderAccount(a) {
    const choices = a.provider === 'google' ? GOOGLE_CHOICES : MICROSOFT_CHOICES;
    const missing = choices.filter((c) => !granted(a, c.grant));
    const reauth = a.syncStatus === 'reauth_required';
    const headingId = `account-${a.id}-heading`;
    return html`<article class="account" id="account-${a.id}" data-email=${a.email} data-provider=${a.provider}
        data-status=${a.syncStatus} aria-labelledby=${headingId}>
      <header class="account-head">
        <h3 id=${headingId}>${a.email} <span class="provider">${a.provider === 'google' ? 'Google Workspace' : 'Microsoft 365'}</span></h3>
        <span class="account-status">Status: ${badge(a.syncStatus)}</span>
      </header>
      ${reauth ? html`<p class="notice notice-error">This account lost its permission (revoked or expired). Syncing has stopped.
        <button class="primary" @click=${() => this.connect(a.provider, choices.filter((c) => granted(a, c.grant)).map((c) => c.scope))}>Reconnect</button></p>` : nothing}
      <table class="sources">
        <caption class="visually-hidden">Sources of ${a.email}</caption>
        <thead><tr><th scope="col">Source</th><th scope="col">State</th><th scope="col">Progress</th>
          <th scope="col">Completeness</th><th scope="col">Push</th><th scope="col">Last sync</th><th scope="col">Last error</th></tr></thead>
        <tbody>
          ${Object.entries(a.sources ?? {}).map(([name, s]) => this.renderSource(a, name, s))}
        </tbody>
      </table>
      ${missing.length > 0 && !reauth ? html`<p class="add-sources">
        ${missing.map((c) => html`<button id="add-${a.id}-${c.scope}" @click=${() => this.connect(a.provider, this.addScopes(a, c))}
          ?disabled=${this.busy[`connect-${a.provider}`]}>Add ${c.source ? SOURCE_NAMES[c.source] : 'shared mailboxes'}</button>`)}
        <span class="muted">asks ${a.provider === 'google' ? 'Google' : 'Microsoft'} for the extra permission; what is already connected stays.</span></p>` : nothing}
      ${a.provider === 'microsoft' && granted(a, MICROSOFT_CHOICES[2].grant) ? this.renderSharedMailboxes(a) : nothing}
      <div class="actions" role="group" aria-label="Actions for ${a.email}">
        <button @click=${() => this.act(`sync-${a.id}`, () => this.api.post(`/api/v1/accounts/${a.id}/sync`, { mode: 'auto' }), 'Sync requested.')}
          ?disabled=${this.busy[`sync-${a.id}`] || reauth}>Sync now</button>
        <button @click=${() => this.act(`full-${a.id}`, () => this.api.post(`/api/v1/accounts/${a.id}/sync`, { mode: 'full' }), 'Full resync requested: every source is read again from the start.')}
          ?disabled=${this.busy[`full-${a.id}`] || reauth}>Full resync</button>
        <button @click=${() => this.act(`audit-${a.id}`, () => this.api.post(`/api/v1/accounts/${a.id}/audit`), 'Completeness check requested.')}
          ?disabled=${this.busy[`audit-${a.id}`] || reauth}>Check completeness</button>
        <button class="danger" @click=${() => this.openDisconnect(a)}>Disconnect…</button>
      </div>
    </article>`;
  }

  renderSource(a, name, s) {
    const label = SOURCE_NAMES[name] ?? name;
    return html`<tr data-source=${name} data-state=${s.state}>
      <th scope="row">${label}</th>
      <td>${badge(s.state)}</td>
      <td>${s.enabled ? progress(label, s.fetched ?? 0, s.estimatedTotal, UNITS[name], s.state === 'synced' || s.state === 'incomplete') : html`<span class="muted">not synced</span>`}</td>
      <td>${s.enabled ? completeness(s.completeness) : nothing}</td>
      <td>${s.enabled ? push(s.push) : nothing}</td>
      <td>${s.enabled ? time(s.lastSyncedAt) : nothing}</td>
      <td class="error-cell">${s.lastError ?? ''}</td>
    </tr>`;
  }

  renderSharedMailboxes(a) {
    const inputId = `shared-${a.id}-address`;
    const mailboxes = a.sharedMailboxes ?? [];
    return html`<section class="shared" aria-labelledby="shared-${a.id}-heading">
      <h4 id="shared-${a.id}-heading">Shared mailboxes</h4>
      ${mailboxes.length === 0 ? html`<p class="muted">None yet. Add one you have access to in Exchange.</p>` : html`
      <table>
        <caption class="visually-hidden">Shared mailboxes of ${a.email}</caption>
        <thead><tr><th scope="col">Address</th><th scope="col">State</th><th scope="col">Last sync</th><th scope="col">Last error</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${mailboxes.map((m) => html`<tr data-shared=${m.address} data-state=${m.state}>
          <th scope="row">${m.address}</th><td>${badge(m.state)}</td><td>${time(m.lastSyncedAt)}</td>
          <td class="error-cell">${m.lastError ?? ''}</td>
          <td><button @click=${() => this.act(`shared-${a.id}-${m.address}`,
            () => this.api.delete(`/api/v1/microsoft-accounts/${a.id}/shared-mailboxes/${encodeURIComponent(m.address)}`),
            `Removed ${m.address}: its mail is no longer attributed to you.`)}
            ?disabled=${this.busy[`shared-${a.id}-${m.address}`]} aria-label="Remove shared mailbox ${m.address}">Remove</button></td>
        </tr>`)}</tbody>
      </table>`}
      <form class="inline" @submit=${(e) => this.addShared(e, a)}>
        <label for=${inputId}>Shared mailbox address</label>
        <input type="email" id=${inputId} name="address" required autocomplete="off" placeholder="deals@yourcompany.com">
        <button type="submit" ?disabled=${this.busy[`shared-add-${a.id}`]}>Add shared mailbox</button>
      </form>
    </section>`;
  }

  addShared(event, a) {
    event.preventDefault();
    const input = event.target.querySelector('input[name=address]');
    const address = input.value.trim();
    this.act(`shared-add-${a.id}`, async () => {
      await this.api.post(`/api/v1/microsoft-accounts/${a.id}/shared-mailboxes`, { address });
      input.value = '';
    }, `Added shared mailbox ${address}. Its sync starts shortly.`);
  }

  openDisconnect(a) {
    this.disconnecting = a;
    this.updateComplete.then(() => this.querySelector('#disconnect-dialog')?.showModal());
  }

  closeDisconnect() {
    this.querySelector('#disconnect-dialog')?.close();
    this.disconnecting = null;
  }

  confirmDisconnect(event) {
    event.preventDefault();
    const a = this.disconnecting;
    const purge = event.target.querySelector('input[name=purge]:checked')?.value === 'true';
    const path = `/api/v1/${a.provider}-accounts/${a.id}?purge=${purge}`;
    this.closeDisconnect();
    this.act(`disconnect-${a.id}`, () => this.api.delete(path), purge
      ? `Disconnected ${a.email} and erased its events and raw data for good.`
      : `Disconnected ${a.email}. Its events were kept.`);
  }

  /**
   * showModal() focuses the autofocus control, Cancel: the harmless choice, so a habitual Enter erases nothing. Escape
   * cancels; the browser returns focus to the Disconnect button that opened the dialog.
   */
  renderDisconnectDialog() {
    const a = this.disconnecting;
    return html`<dialog id="disconnect-dialog" aria-labelledby="disconnect-heading" @close=${() => { this.disconnecting = null; }}>
      ${a ? html`<form @submit=${(e) => this.confirmDisconnect(e)}>
        <h2 id="disconnect-heading">Disconnect ${a.email}?</h2>
        <p>Syncing stops at once and the permission is revoked at ${a.provider === 'google' ? 'Google' : 'Microsoft'}.</p>
        <fieldset>
          <legend>What happens to the interactions already synced</legend>
          <div class="check"><input type="radio" name="purge" value="false" id="purge-no" ?checked=${a.retention?.onDisconnect === 'keep'}>
            <label for="purge-no">Keep them (they stay in your relationship history)</label></div>
          <div class="check"><input type="radio" name="purge" value="true" id="purge-yes" ?checked=${a.retention?.onDisconnect !== 'keep'}>
            <label for="purge-yes"><strong>Erase them for good</strong>: every event and all raw data of this account are deleted and can never be restored, not even by a replay.</label></div>
        </fieldset>
        <div class="actions">
          <button type="submit" class="danger" id="disconnect-confirm">Disconnect</button>
          <button type="button" autofocus @click=${() => this.closeDisconnect()}>Cancel</button>
        </div>
      </form>` : nothing}
    </dialog>`;
  }

  /**
   * The textarea's .value is bound, not its text content: text content only seeds a textarea, so once a person typed
   * in it the list as saved (normalised by the server) would never show.
   */
  renderBlocklist() {
    const b = this.blocklist;
    return html`<section aria-labelledby="blocklist-heading" class="panel">
      <h2 id="blocklist-heading">My blocklist</h2>
      <p class="muted">People (person@example.com) or whole domains (@example.com) that are never recorded. Events already stored with them are erased when you save.</p>
      ${b === null ? html`<p>Loading…</p>` : html`<form @submit=${(e) => this.saveBlocklist(e)}>
        ${b.error ? html`<p class="notice notice-error">${b.error}</p>` : nothing}
        <label for="blocklist-entries">Blocked addresses and domains, one per line</label>
        <textarea id="blocklist-entries" name="entries" rows="4" .value=${(b.entries ?? []).join('\n')}></textarea>
        <button type="submit" ?disabled=${this.busy.blocklist}>Save blocklist</button>
        ${b.updatedAt ? html`<span class="muted">Last saved ${time(b.updatedAt)}</span>` : nothing}
      </form>`}
    </section>`;
  }

  async saveBlocklist(event) {
    event.preventDefault();
    const entries = event.target.querySelector('textarea').value.split(/[\n,]+/).map((s) => s.trim()).filter(Boolean);
    this.busy = { ...this.busy, blocklist: true };
    try {
      this.blocklist = await this.api.put('/api/v1/blocklist', { entries });
      this.notify('success', `Blocklist saved (${count(this.blocklist.entries.length)} entries).`);
    } catch (e) {
      this.notify('error', explain(e));
    } finally {
      this.busy = { ...this.busy, blocklist: false };
    }
  }
}

customElements.define('is-accounts', IsAccounts);
