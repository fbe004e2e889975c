// Words and numbers a person reads: states, sources, times, counts.
import { html, nothing } from 'lit';

export const SOURCE_NAMES = {
  gmail: 'Gmail',
  google_calendar: 'Google Calendar',
  outlook_mail: 'Outlook mail',
  outlook_calendar: 'Outlook calendar',
};

const STATE_LABELS = {
  pending: 'Waiting to start',
  syncing: 'Syncing',
  synced: 'Synced',
  incomplete: 'Incomplete',
  error: 'Error',
  reauth_required: 'Reconnect needed',
  disabled: 'Off',
  access_denied: 'Access denied',
  suspended: 'Suspended',
  active: 'Active',
};

const PUSH_LABELS = {
  pending: 'being set up',
  active: 'active',
  silent: 'silent (checking by polling more often)',
  expired: 'expired (renewing)',
  failed: 'failed (polling instead)',
  stopped: 'stopped',
  off: 'off (polling)',
};

const numberFormat = new Intl.NumberFormat('en');

export function count(n) {
  return n == null ? '–' : numberFormat.format(n);
}

export function stateLabel(state) {
  return STATE_LABELS[state] ?? state ?? 'Unknown';
}

/** A state as a badge: the words carry the meaning, the colour only repeats it. */
export function badge(state) {
  return html`<span class="badge badge-${state ?? 'unknown'}" data-state=${state ?? 'unknown'}>${stateLabel(state)}</span>`;
}

export function ago(instant) {
  if (!instant) {
    return 'never';
  }
  const seconds = Math.round((Date.now() - Date.parse(instant)) / 1000);
  if (seconds < 0) {
    return `in ${duration(-seconds)}`;
  }
  if (seconds < 10) {
    return 'just now';
  }
  return `${duration(seconds)} ago`;
}

export function duration(seconds) {
  if (seconds < 60) {
    return `${seconds} s`;
  }
  if (seconds < 3600) {
    return `${Math.round(seconds / 60)} min`;
  }
  if (seconds < 172800) {
    return `${Math.round(seconds / 3600)} h`;
  }
  return `${Math.round(seconds / 86400)} days`;
}

export function time(instant) {
  return instant ? html`<time datetime=${instant} title=${new Date(instant).toLocaleString()}>${ago(instant)}</time>` : 'never';
}

/**
 * Progress of a source: a real <progress> with a text alternative; indeterminate while the provider gives no estimate
 * and the backfill still runs, full once it is done (the sync services then report estimatedTotal = fetched).
 */
export function progress(label, fetched, estimatedTotal, unit = 'items', done = false) {
  const estimate = estimatedTotal ?? (done ? fetched : null);
  const known = estimate != null;
  const total = known ? Math.max(estimate, fetched, done ? 1 : 0) : null;
  const value = done ? total : fetched;
  const text = known && !(done && estimate === fetched) ? `${count(fetched)} of about ${count(total)} ${unit}` : `${count(fetched)} ${unit}`;
  return html`<div class="progress">
    ${known
      ? html`<progress max=${total} value=${value} aria-label="${label}: ${text}"></progress>`
      : html`<progress aria-label="${label}: ${text}"></progress>`}
    <span class="progress-text">${text}</span>
  </div>`;
}

export function completeness(c) {
  if (!c) {
    return html`<span class="muted">not audited yet</span>`;
  }
  const base = `${count(c.ingestedCount)} of ${count(c.providerCount)} at the provider`;
  if (c.missing > 0) {
    return html`<span class="warn">${count(c.missing)} missing</span> (${base}; ${count(c.repaired)} repaired), checked ${time(c.checkedAt)}`;
  }
  return html`Complete (${base}${c.repaired ? `, ${count(c.repaired)} repaired` : ''}), checked ${time(c.checkedAt)}`;
}

export function push(p) {
  if (!p) {
    return html`<span class="muted">not reported yet</span>`;
  }
  const label = PUSH_LABELS[p.state] ?? p.state;
  return html`${label}${p.lastNotificationAt ? html`; last notification ${time(p.lastNotificationAt)}` : nothing}${p.expiresAt && p.state === 'active' ? html`; renews before ${new Date(p.expiresAt).toLocaleDateString()}` : nothing}${p.lastError ? html`; ${p.lastError}` : nothing}`;
}
