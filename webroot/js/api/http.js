// One HTTP exchange with the Agent Chat server, and the error it may end in. Knows nothing of the login:
// request.js adds the ID token (and its renewal on a 401), login.js uses the plain calls below.

/** An error returned by the server (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(status, code, message, body = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

/** Sends one request; rejects with a network ApiError (status 0) when the server cannot be reached. */
export async function fetchOnce(method, path, { body, accept = 'application/json', token = null } = {}) {
  const headers = { Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(path, {
      method,
      headers,
      body: body !== undefined ? JSON.stringify(body) : undefined,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
}

/** The JSON body of a response (null when empty, {raw} when not JSON). */
export async function parseBody(res) {
  if (res.status === 204) return null;
  const text = await res.text().catch(() => '');
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text };
  }
}

/** The body of a successful JSON response; rejects with the server's error otherwise. */
export async function jsonOf(res) {
  const data = await parseBody(res);
  if (!res.ok) throw toError(res, data);
  return data;
}

/** A JSON request without a login (sign up, log in, refresh, the client configuration). */
export async function publicRequest(method, path, { body } = {}) {
  return jsonOf(await fetchOnce(method, path, { body }));
}

/** The file name of a Content-Disposition header, or ''. */
export function filenameFrom(header) {
  if (!header) return '';
  const star = header.match(/filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = header.match(/filename\s*=\s*("([^"]*)"|[^;]+)/i);
  return plain ? (plain[2] ?? plain[1]).trim() : '';
}

/** The ApiError of a failed response: the server's code and message, else a text for its status. */
export function toError(res, data, fallback) {
  const err = data && typeof data === 'object' ? data.error : null;
  const code = (err && err.code) || `http_${res.status}`;
  const message =
    (err && err.message) ||
    fallback ||
    (res.status >= 500
      ? 'The server ran into a problem. Please try again.'
      : `Request failed (${res.status} ${res.statusText || ''}).`.replace(' )', ')'));
  return new ApiError(res.status, code, message, data);
}
