// "Team" (admins): every account of the team and its health, the team directory and blocklist, and replays.
import { html, nothing } from 'lit';
import { LightElement } from './element.js';
import { explain } from './api.js';
import { SOURCE_NAMES, badge, count, duration, stateLabel, time } from './format.js';

const STATE_FILTERS = ['', 'reauth_required', 'incomplete', 'error', 'syncing', 'pending', 'synced'];
const PAGE = 50;

function lines(text) {
  return text.split(/[\n,]+/).map((s) => s.trim()).filter(Boolean);
}

/** How far behind an account is: the oldest last sync among its enabled sources. */
function lag(account) {
  const times = Object.values(account.sources ?? {}).filter((s) => s.enabled).map((s) => s.lastSyncedAt);
  if (times.length === 0) {
    return html`<span class="muted">–</span>`;
  }
  if (times.some((t) => !t)) {
    return html`not synced yet`;
  }
  const oldest = Math.min(...times.map((t) => Date.parse(t)));
  return html`<time datetime=${new Date(oldest).toISOString()}>${duration(Math.max(0, Math.round((Date.now() - oldest) / 1000)))}</time>`;
}

function missing(account) {
  const sources = Object.values(account.sources ?? {}).filter((s) => s.enabled && s.completeness);
  if (sources.length === 0) {
    return html`<span class="muted">not audited</span>`;
  }
  const total = sources.reduce((n, s) => n + (s.completeness.missing ?? 0), 0);
  return total === 0 ? html`complete` : html`<span class="warn">${count(total)} missing</span>`;
}

class IsTeam extends LightElement {
  static properties = {
    api: { attribute: false },
    normalizer: { attribute: false },
    pollMillis: { attribute: false },
    filterState: { state: true },
    filterProvider: { state: true },
    items: { state: true },
    nextCursor: { state: true },
    loadError: { state: true },
    collections: { state: true },
    selected: { state: true },
    teamBlocklist: { state: true },
    replays: { state: true },
    busy: { state: true },
  };

  constructor() {
    super();
    this.filterState = '';
    this.filterProvider = '';
    this.items = null;
    this.nextCursor = null;
    this.loadError = null;
    this.collections = null;
    this.selected = null;
    this.teamBlocklist = null;
    this.replays = null;
    this.busy = {};
  }

  connectedCallback() {
    super.connectedCallback();
    this.loadAccounts();
    this.loadCollections();
    this.loadReplays();
    this.timer = setInterval(() => {
      this.loadAccounts(true);
      this.loadReplays();
    }, Math.max(this.pollMillis ?? 3000, 3000));
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  query(cursor) {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (this.filterState) {
      q.set('state', this.filterState);
    }
    if (this.filterProvider) {
      q.set('provider', this.filterProvider);
    }
    if (cursor) {
      q.set('cursor', cursor);
    }
    return `/api/v1/admin/accounts?${q}`;
  }

  /** The first page again (a poll keeps the pages already loaded by re-reading as many rows). */
  async loadAccounts(poll = false) {
    try {
      if (poll && this.items && this.items.length > PAGE) {
        return; // more than one page loaded by hand: leave the list still while the admin reads it
      }
      const page = await this.api.get(this.query(null));
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.loadError = null;
    } catch (e) {
      this.loadError = explain(e);
    }
  }

  async loadMore() {
    try {
      const page = await this.api.get(this.query(this.nextCursor));
      this.items = [...this.items, ...page.items];
      this.nextCursor = page.nextCursor;
    } catch (e) {
      this.loadError = explain(e);
    }
  }

  applyFilters(event) {
    event.preventDefault();
    const form = event.target;
    this.filterState = form.querySelector('#filter-state').value;
    this.filterProvider = form.querySelector('#filter-provider').value;
    this.items = null;
    this.loadAccounts();
  }

  async loadCollections() {
    try {
      const list = await this.api.get('/api/v1/collections');
      this.collections = list.items ?? [];
      if (!this.selected && this.collections.length > 0) {
        this.select(this.collections[0].id);
      }
    } catch (e) {
      this.collections = [];
      this.notify('error', `Team directories: ${explain(e)}`);
    }
  }

  async select(id) {
    this.selected = id;
    this.teamBlocklist = null;
    if (!id) {
      return;
    }
    try {
      this.teamBlocklist = await this.api.get(`/api/v1/collections/${encodeURIComponent(id)}/blocklist`);
    } catch (e) {
      this.teamBlocklist = { entries: [], error: explain(e) };
    }
  }

  async loadReplays() {
    try {
      const list = await this.normalizer.get('/api/v1/admin/replays');
      this.replays = list.items ?? [];
    } catch (e) {
      this.replays = { error: explain(e) };
    }
  }

  async run(key, action, success) {
    this.busy = { ...this.busy, [key]: true };
    try {
      await action();
      this.notify('success', success);
    } catch (e) {
      this.notify('error', explain(e));
    } finally {
      this.busy = { ...this.busy, [key]: false };
    }
  }

  render() {
    return html`${this.renderAccounts()}${this.renderDirectory()}${this.renderReplays()}`;
  }

  renderAccounts() {
    return html`<section class="panel" aria-labelledby="team-accounts-heading">
      <h2 id="team-accounts-heading">Accounts</h2>
      <form class="filters" @submit=${(e) => this.applyFilters(e)}>
        <label for="filter-state">State</label>
        <select id="filter-state">${STATE_FILTERS.map((s) => html`<option value=${s} ?selected=${s === this.filterState}>${s ? stateLabel(s) : 'Any state'}</option>`)}</select>
        <label for="filter-provider">Provider</label>
        <select id="filter-provider">
          <option value="" ?selected=${!this.filterProvider}>Any provider</option>
          <option value="google" ?selected=${this.filterProvider === 'google'}>Google Workspace</option>
          <option value="microsoft" ?selected=${this.filterProvider === 'microsoft'}>Microsoft 365</option>
        </select>
        <button type="submit">Apply filters</button>
      </form>
      ${this.loadError ? html`<p class="notice notice-error" role="alert">${this.loadError}</p>` : nothing}
      ${this.items === null ? html`<p>Loading…</p>` : this.items.length === 0 ? html`<p id="team-empty">No account matches.</p>` : html`
      <div class="table-scroll">
      <table id="team-accounts">
        <caption class="visually-hidden">Team accounts</caption>
        <thead><tr><th scope="col">Account</th><th scope="col">Owner</th><th scope="col">Provider</th><th scope="col">Status</th>
          <th scope="col">Sources</th><th scope="col">Lag</th><th scope="col">Completeness</th><th scope="col">Last error</th></tr></thead>
        <tbody>${this.items.map((a) => html`<tr data-account=${a.id} data-email=${a.email} data-status=${a.syncStatus}>
          <th scope="row">${a.email}</th>
          <td>${a.userId}</td>
          <td>${a.provider === 'google' ? 'Google' : 'Microsoft'}</td>
          <td>${badge(a.syncStatus)}</td>
          <td><ul class="plain">${Object.entries(a.sources ?? {}).filter(([, s]) => s.enabled)
            .map(([n, s]) => html`<li>${SOURCE_NAMES[n] ?? n}: ${stateLabel(s.state)}${s.estimatedTotal ? ` (${count(s.fetched)}/${count(Math.max(s.estimatedTotal, s.fetched))})` : ''}</li>`)}</ul></td>
          <td>${lag(a)}</td>
          <td>${missing(a)}</td>
          <td class="error-cell">${Object.values(a.sources ?? {}).map((s) => s.lastError).filter(Boolean).join('; ')}</td>
        </tr>`)}</tbody>
      </table></div>
      ${this.nextCursor ? html`<button @click=${() => this.loadMore()}>Load more accounts</button>` : nothing}`}
    </section>`;
  }

  renderDirectory() {
    const c = (this.collections ?? []).find((x) => x.id === this.selected) ?? null;
    return html`<section class="panel" aria-labelledby="directory-heading">
      <h2 id="directory-heading">Team directory</h2>
      <p class="muted">Members and internal domains are colleagues: they are never counted as contacts.</p>
      ${this.collections === null ? html`<p>Loading…</p>` : html`
      <div class="inline">
        <label for="collection-select">Directory</label>
        <select id="collection-select" @change=${(e) => this.select(e.target.value)}>
          ${this.collections.map((x) => html`<option value=${x.id} ?selected=${x.id === this.selected}>${x.name} (${x.id})</option>`)}
          <option value="" ?selected=${!this.selected}>New directory…</option>
        </select>
      </div>
      <form id="directory-form" @submit=${(e) => this.saveCollection(e)}>
        <div class="field"><label for="collection-id">Id</label>
          <input id="collection-id" name="id" required pattern="[A-Za-z0-9_.\\-]+" .value=${c?.id ?? ''} ?readonly=${!!c}></div>
        <div class="field"><label for="collection-name">Name</label>
          <input id="collection-name" name="name" required .value=${c?.name ?? ''}></div>
        <div class="field"><label for="collection-members">Member emails, one per line</label>
          <textarea id="collection-members" name="members" rows="4" .value=${(c?.memberEmails ?? []).join('\n')}></textarea></div>
        <div class="field"><label for="collection-domains">Internal domains, one per line</label>
          <textarea id="collection-domains" name="domains" rows="2" .value=${(c?.internalDomains ?? []).join('\n')}></textarea></div>
        <button type="submit" ?disabled=${this.busy.collection}>Save directory</button>
      </form>
      ${c ? this.renderTeamBlocklist(c) : nothing}`}
    </section>`;
  }

  async saveCollection(event) {
    event.preventDefault();
    const f = event.target;
    const id = f.querySelector('#collection-id').value.trim();
    await this.run('collection', async () => {
      await this.api.put(`/api/v1/collections/${encodeURIComponent(id)}`, {
        name: f.querySelector('#collection-name').value.trim(),
        memberEmails: lines(f.querySelector('#collection-members').value),
        internalDomains: lines(f.querySelector('#collection-domains').value),
      });
      this.selected = id;
      await this.loadCollections();
      await this.select(id); // loads its team blocklist too: a directory just created had none to show
    }, 'Directory saved. Events are re-derived with the new colleagues.');
  }

  renderTeamBlocklist(c) {
    const b = this.teamBlocklist;
    return html`<h3 id="team-blocklist-heading">Team blocklist of ${c.name}</h3>
      ${b === null ? html`<p>Loading…</p>` : html`<form @submit=${(e) => this.saveTeamBlocklist(e, c)} aria-labelledby="team-blocklist-heading">
        ${b.error ? html`<p class="notice notice-error">${b.error}</p>` : nothing}
        <label for="team-blocklist-entries">Blocked addresses and domains for every member, one per line</label>
        <textarea id="team-blocklist-entries" rows="3" .value=${(b.entries ?? []).join('\n')}></textarea>
        <button type="submit" ?disabled=${this.busy.teamBlocklist}>Save team blocklist</button>
      </form>`}`;
  }

  async saveTeamBlocklist(event, c) {
    event.preventDefault();
    const entries = lines(event.target.querySelector('textarea').value);
    await this.run('teamBlocklist', async () => {
      this.teamBlocklist = await this.api.put(`/api/v1/collections/${encodeURIComponent(c.id)}/blocklist`, { entries });
    }, 'Team blocklist saved. Stored events with these contacts are erased.');
  }

  renderReplays() {
    const r = this.replays;
    const running = Array.isArray(r) && r.some((x) => x.state === 'running');
    return html`<section class="panel" aria-labelledby="replays-heading">
      <h2 id="replays-heading">Replays</h2>
      <p class="muted">A replay rebuilds events from the raw records, e.g. after a rule change. Erased accounts stay erased.</p>
      <form class="inline" @submit=${(e) => this.startReplay(e)}>
        <label for="replay-account">Account id (empty: every account)</label>
        <input id="replay-account" name="accountId" autocomplete="off">
        <button type="submit" ?disabled=${this.busy.replay || running}>Start replay</button>
      </form>
      ${r === null ? html`<p>Loading…</p>` : r.error ? html`<p class="notice notice-error">${r.error}</p>` : r.length === 0 ? html`<p>No replay yet.</p>` : html`
      <table id="replays">
        <caption class="visually-hidden">Recent replays</caption>
        <thead><tr><th scope="col">Started</th><th scope="col">Scope</th><th scope="col">State</th><th scope="col">Records read</th>
          <th scope="col">Replayed</th><th scope="col">Finished</th><th scope="col">Error</th></tr></thead>
        <tbody>${r.map((x) => html`<tr data-replay=${x.id} data-state=${x.state}>
          <th scope="row">${time(x.startedAt)}</th><td>${x.accountId ?? 'all accounts'}</td><td>${badge(x.state)}</td>
          <td>${count(x.read)}</td><td>${count(x.replayed)}</td><td>${x.finishedAt ? time(x.finishedAt) : '–'}</td>
          <td class="error-cell">${x.error ?? ''}</td></tr>`)}</tbody>
      </table>`}
    </section>`;
  }

  async startReplay(event) {
    event.preventDefault();
    const accountId = event.target.querySelector('#replay-account').value.trim();
    await this.run('replay', async () => {
      await this.normalizer.post(`/api/v1/admin/replays${accountId ? `?accountId=${encodeURIComponent(accountId)}` : ''}`);
      await this.loadReplays();
    }, 'Replay started.');
  }
}

customElements.define('is-team', IsTeam);
