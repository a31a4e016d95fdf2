// The forms of the log-in view and the settings: the checks of their fields (a new password's too), the messages
// shown at a field and at the form, and the busy state of a form while its request runs.

import { $ } from '../util.js';

export const TENANT_RE = /^[a-z][a-z0-9-]{2,39}$/;
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const TENANT_HINT = "Use 3–40 characters: lowercase letters a–z, digits 0–9 and '-', starting with a letter (for example acme-labs).";

/** The shortest password the server accepts (it refuses too common ones as well, with its own message). */
export const MIN_PASSWORD = 8;

/** The checks of a new password and of its repetition (their fields: selectors or inputs), for validate(). */
export function passwordChecks(passwordField, repeatField, password, repeat) {
  return [
    [passwordField, password.length >= MIN_PASSWORD ? '' : `Use at least ${MIN_PASSWORD} characters.`],
    [repeatField, !repeat ? 'Type the new password once more.' : repeat === password ? '' : 'The two passwords are not the same.'],
  ];
}

/**
 * Applies [field, message] checks (a field is a selector or the input itself): a field with a message is marked
 * invalid and shows it in its #<id>-error element. Returns true when all pass; otherwise the first failing field gets
 * the focus.
 */
export function validate(checks, { focus = true } = {}) {
  let firstBad = null;
  for (const [field, message] of checks) {
    const input = typeof field === 'string' ? $(field) : field;
    // the form may be out of the page for a moment (a dialog showing something else): its error is found in it
    const errorEl = input.form ? input.form.querySelector(`[id="${input.id}-error"]`) : document.getElementById(`${input.id}-error`);
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      if (errorEl) errorEl.textContent = message;
      if (!firstBad) firstBad = input;
    } else {
      input.removeAttribute('aria-invalid');
      if (errorEl) errorEl.textContent = '';
    }
  }
  if (firstBad && focus) firstBad.focus();
  return !firstBad;
}

/** The form's error line (.form-error), hidden when empty. */
export function setFormError(form, message) {
  showLine(form.querySelector('.form-error'), message);
}

/** The form's notice line (.form-notice), hidden when empty. */
export function setNotice(form, message) {
  showLine(form.querySelector('.form-notice'), message);
}

function showLine(el, message) {
  el.textContent = message || '';
  el.hidden = !message;
}

/** Disables the form's submit button, labelled `label`, while `fn` runs. */
export async function busy(form, label, fn) {
  const button = form.querySelector('button[type=submit]');
  if (button.disabled) return;
  const original = button.textContent;
  button.disabled = true;
  button.textContent = label;
  form.setAttribute('aria-busy', 'true');
  try {
    await fn();
  } finally {
    button.disabled = false;
    button.textContent = original;
    form.removeAttribute('aria-busy');
  }
}

/** Submits a form: its checks first, then `fn` with the form busy. */
export async function submitChecked(form, checks, label, fn) {
  if (!validate(checks)) return;
  await busy(form, label, fn);
}
