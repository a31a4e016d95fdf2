// Requests made with the login: the ID token is renewed when it is about to expire, and once more when the
// server answers 401; when that fails too, the login is lost (login.js tells the page).

import { fetchOnce, parseBody, jsonOf, publicRequest, toError, filenameFrom } from './http.js';
import { ensureFreshToken, refreshTokens, authLost, getIdToken, hasTokens } from './login.js';

/**
 * Sends a request and returns the response, with the token refreshed once on a 401. Rejects with an ApiError when the
 * server cannot be reached or the login is lost.
 */
async function send(method, path, { body, accept = 'application/json', retryOn401 = true, renew = true } = {}) {
  if (renew) await ensureFreshToken();
  const res = await fetchOnce(method, path, { body, accept, token: getIdToken() });
  if (res.status === 401 && !(await refusesCredentials(res))) {
    if (renew && retryOn401 && hasTokens()) {
      let refreshed = false;
      try {
        await refreshTokens();
        refreshed = true;
      } catch {
        // handled below
      }
      if (refreshed) return send(method, path, { body, accept, retryOn401: false });
    }
    const data = await parseBody(res);
    authLost();
    throw toError(res, data, 'Your login has expired. Please log in again.');
  }
  return res;
}

/** A 401 about credentials the request carries (a wrong current password), not about the login: an answer to show. */
async function refusesCredentials(res) {
  const data = await parseBody(res.clone());
  return Boolean(data && data.error && data.error.code === 'invalid_credentials');
}

/**
 * Performs a JSON request (with the login unless auth is false). Resolves with the parsed body; rejects with an
 * ApiError carrying the server's error code and message. With `renew: false` the token goes as it is, never renewed
 * (the request changes the login itself, see login.js changeLogin); a 401 then ends the login.
 */
export async function request(method, path, { body, auth = true, renew = true } = {}) {
  if (!auth) return publicRequest(method, path, { body });
  return jsonOf(await send(method, path, { body, renew }));
}

/**
 * Downloads a file (for example a CSV report) with the login token.
 * Resolves with {blob, filename}; rejects with an ApiError like request().
 */
export async function download(path) {
  const res = await send('GET', path, { accept: 'text/csv, application/json' });
  if (!res.ok) throw toError(res, await parseBody(res));
  const blob = await res.blob();
  return { blob, filename: filenameFrom(res.headers.get('Content-Disposition')) };
}
