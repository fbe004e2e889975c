// The public REST API (SPEC §3.3, §3.4), called with the signed-in user's bearer token. Errors arrive as
// application/problem+json with a machine-readable `code`; ApiError keeps the whole body (e.g. adminConsentUrl).

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `Request failed (${status})`);
    this.status = status;
    this.code = problem.code ?? null;
    this.problem = problem;
  }
}

export class Api {
  /** @param auth the session; @param base the service's origin ('' for the connector, the page's own origin) */
  constructor(auth, base = '') {
    this.auth = auth;
    this.base = base;
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, body) {
    return this.request('POST', path, body);
  }

  put(path, body) {
    return this.request('PUT', path, body);
  }

  delete(path) {
    return this.request('DELETE', path);
  }

  async request(method, path, body) {
    const token = await this.auth.accessToken();
    if (!token) {
      throw new ApiError(401, { code: 'signed_out', detail: 'Your session ended. Please sign in again.' });
    }
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = { detail: text };
    }
    if (!response.ok) {
      if (response.status === 401) {
        this.auth.forget();
      }
      const retry = response.headers.get('Retry-After');
      const problem = json ?? {};
      if (retry && !problem.retryAfter) {
        problem.retryAfter = retry;
      }
      throw new ApiError(response.status, problem);
    }
    return json;
  }
}

/** What a person should read for an API error: the server's detail, or a plain sentence for known codes. */
export function explain(error) {
  if (!(error instanceof ApiError)) {
    return error?.message ?? String(error);
  }
  switch (error.code) {
    case 'personal_account_not_allowed':
      return 'This is a personal Microsoft account (outlook.com, hotmail.com…). Sign in with your work or school account instead.';
    case 'admin_consent_required':
      return 'Your organisation requires an administrator to approve Interaction Sync before you can connect.';
    case 'rate_limited':
      return `Too many requests. Try again${error.problem.retryAfter ? ` in ${error.problem.retryAfter} s` : ' shortly'}.`;
    case 'reauth_required':
      return 'This account needs to be connected again: its permission was revoked or expired.';
    default:
      return error.message;
  }
}
