// The "New API key" form of the API keys page, shown in the admin dialog: the key's name, whom it acts as (a person
// of the organisation or a service account), and its optional expiry, monthly budget and rate. It checks what it can
// before sending, shows the server's answer beside the field it is about, and keeps what was typed until a key is made
// (closing the dialog and opening it again keeps it too).

import { friendlyMessage } from '../errors.js';
import { h } from '../util.js';
import { parseAmount } from './budgets.js';
import { isRemoved, isServiceAccount, serviceAccountName } from './panel.js';

const MAX_NAME = 64;
const MAX_REQUESTS_PER_MINUTE = 100_000;

/** Today in UTC as yyyy-mm-dd (the first day a key may expire on). */
function todayUtc() {
  return new Date().toISOString().slice(0, 10);
}

/** The server names the field a refusal is about; the form shows it beside that field. */
const SERVER_FIELDS = [
  [/^name\b/, 'name'],
  [/\b(user_id|service_account|member)\b/i, 'owner'],
  [/\bexpires_at\b/, 'expires'],
  [/\bmonthly_usd\b/, 'budget'],
  [/\brequests_per_minute\b/, 'rpm'],
];

export class KeyForm {
  /** @param {(body: object) => Promise<void>} submit sends the new key's fields; rejects with the server's error */
  constructor(submit) {
    this.submit = submit;
    this.errors = {}; // field key -> {inputs, text}: the inputs it marks invalid, its message
    this.build();
  }

  /** The error slot of a field, named `key`, for the given inputs. */
  errorSlot(key, id, ...inputs) {
    const text = h('p', { class: 'field-error', id });
    this.errors[key] = { inputs, text };
    for (const input of inputs) input.addEventListener('input', () => this.clear(key));
    return text;
  }

  /** One labelled field: `control` is what is shown (the input, or a box around it); hint and error describe the input. */
  field(key, label, input, hint, control = input) {
    const hintId = `${input.id}-hint`;
    const errorId = `${input.id}-error`;
    input.setAttribute('aria-describedby', `${hintId} ${errorId}`);
    return h('div', { class: 'field' },
      h('label', { for: input.id, text: label }),
      control,
      h('p', { class: 'hint', id: hintId, text: hint }),
      this.errorSlot(key, errorId, input));
  }

  build() {
    this.name = h('input', { id: 'key-name', type: 'text', maxlength: String(MAX_NAME), autocomplete: 'off', spellcheck: 'false' });
    this.asMember = h('input', { id: 'key-owner-member', type: 'radio', name: 'key-owner', value: 'member', checked: true });
    this.asService = h('input', { id: 'key-owner-service', type: 'radio', name: 'key-owner', value: 'service' });
    this.member = h('select', { id: 'key-member', 'aria-describedby': 'key-member-hint key-owner-error' });
    this.service = h('input', {
      id: 'key-service', type: 'text', maxlength: '40', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none',
      list: 'key-service-list', 'aria-describedby': 'key-service-hint key-owner-error',
    });
    this.serviceList = h('datalist', { id: 'key-service-list' });
    this.serviceHint = h('p', { class: 'hint', id: 'key-service-hint' });
    this.expires = h('input', { id: 'key-expires', type: 'date' });
    this.budget = h('input', { id: 'key-budget', type: 'number', min: '0', step: 'any', inputmode: 'decimal', placeholder: 'No budget' });
    this.rpm = h('input', {
      id: 'key-rpm', type: 'number', min: '1', max: String(MAX_REQUESTS_PER_MINUTE), step: '1', inputmode: 'numeric', placeholder: 'No rate of its own',
    });
    this.formError = h('p', { class: 'form-error', id: 'key-form-error', role: 'alert', hidden: true });
    this.create = h('button', { type: 'submit', id: 'key-create', class: 'button primary', text: 'Create key' });
    this.cancel = h('button', { type: 'button', id: 'key-cancel', class: 'button', text: 'Cancel' });

    // a member or a service account: one of the two fields is shown, with one error slot below both
    this.memberField = h('div', { class: 'field' },
      h('label', { for: 'key-member', text: 'Member' }),
      this.member,
      h('p', { class: 'hint', id: 'key-member-hint', text: 'The key acts as this person: their plan’s limits and their budget apply to it.' }));
    this.serviceField = h('div', { class: 'field', hidden: true },
      h('label', { for: 'key-service', text: 'Service account name' }),
      this.service,
      this.serviceList,
      this.serviceHint);
    for (const radio of [this.asMember, this.asService]) radio.addEventListener('change', () => this.showOwner());
    this.member.addEventListener('change', () => this.clear('owner'));

    this.el = h(
      'form',
      {
        class: 'key-form',
        id: 'key-form',
        novalidate: true,
        onSubmit: (e) => {
          e.preventDefault();
          this.send();
        },
      },
      this.formError,
      this.field('name', 'Name', this.name, 'What the key is for, for example “nightly report”.'),
      h('fieldset', { class: 'key-owner' },
        h('legend', { text: 'The key acts as' }),
        h('div', { class: 'radio-row' },
          h('label', { class: 'radio' }, this.asMember, 'A member'),
          h('label', { class: 'radio' }, this.asService, 'A service account')),
        this.memberField,
        this.serviceField,
        this.errorSlot('owner', 'key-owner-error', this.member, this.service)),
      this.field('expires', 'Expires on (optional)', this.expires,
        'The key stops working at the end of this day, 23:59:59 UTC. Leave it empty for a key that does not expire.'),
      this.field('budget', 'Monthly budget in US dollars (optional)', this.budget,
        'What the key may spend each calendar month (UTC); the organisation’s budget applies as well.',
        h('span', { class: 'currency-input' }, h('span', { 'aria-hidden': 'true', text: '$' }), this.budget)),
      this.field('rpm', 'Requests per minute (optional)', this.rpm, 'At most this many requests a minute with this key; the plan’s limits apply as well.'),
      h('div', { class: 'form-actions' }, this.create, this.cancel),
    );
    this.showOwner();
  }

  /**
   * Readies the form as it opens: the members the key may act as (people in the select, the admin chosen first;
   * service accounts offered by name) and the first day it may expire on.
   */
  prepare(members, meUserId) {
    this.expires.min = todayUtc();
    members = members.filter((m) => !isRemoved(m)); // a removed member's or account's keys are refused
    const people = members.filter((m) => !isServiceAccount(m)).sort((a, b) => String(a.email).localeCompare(String(b.email)));
    const chosen = this.member.value || meUserId;
    this.member.replaceChildren(...people.map((m) => h('option', { value: m.user_id, text: m.user_id === meUserId ? `${m.email} (you)` : m.email || m.user_id })));
    if (people.some((m) => m.user_id === chosen)) this.member.value = chosen;
    const names = members.filter(isServiceAccount).map(serviceAccountName).sort();
    this.serviceList.replaceChildren(...names.map((n) => h('option', { value: n })));
    this.serviceHint.textContent = `Lowercase letters, digits and “-”, up to 40. A new name creates the account${names.length ? `; existing: ${names.join(', ')}` : ''}.`;
  }

  get asServiceAccount() {
    return this.asService.checked;
  }

  showOwner() {
    this.memberField.hidden = this.asServiceAccount;
    this.serviceField.hidden = !this.asServiceAccount;
    this.clear('owner');
  }

  /** The field to give the focus to when the form opens. */
  get first() {
    return this.name;
  }

  clear(key) {
    const e = this.errors[key];
    for (const input of e.inputs) input.removeAttribute('aria-invalid');
    e.text.textContent = '';
  }

  clearAll() {
    for (const key of Object.keys(this.errors)) this.clear(key);
    this.formError.hidden = true;
    this.formError.textContent = '';
  }

  /** Shows a problem beside its field; returns the input concerned (for the owner, the one shown). */
  problem(key, text) {
    const e = this.errors[key];
    const input = key !== 'owner' ? e.inputs[0] : this.asServiceAccount ? this.service : this.member;
    input.setAttribute('aria-invalid', 'true');
    e.text.textContent = text;
    return input;
  }

  /** The request's body, or null when a field is not right (its error shown and the first such field focused). */
  body() {
    const problems = [];
    const name = this.name.value.trim();
    if (!name) problems.push(this.problem('name', 'Give the key a name, for example “nightly report”.'));
    const body = { name };
    if (this.asServiceAccount) {
      const account = this.service.value.trim();
      if (!account) problems.push(this.problem('owner', 'Enter the service account’s name, for example “ci”.'));
      body.service_account = account;
    } else {
      if (!this.member.value) problems.push(this.problem('owner', 'Choose the member the key acts as.'));
      body.user_id = this.member.value;
    }
    if (this.expires.value) {
      if (this.expires.value < todayUtc()) problems.push(this.problem('expires', 'Choose today or a later day, or leave it empty.'));
      body.expires_at = `${this.expires.value}T23:59:59Z`;
    }
    if (this.budget.value.trim()) {
      const { value, error } = parseAmount(this.budget.value);
      if (error) problems.push(this.problem('budget', error));
      body.monthly_usd = value;
    }
    if (this.rpm.value.trim()) {
      const n = Number(this.rpm.value);
      if (!Number.isInteger(n) || n < 1 || n > MAX_REQUESTS_PER_MINUTE) {
        problems.push(this.problem('rpm', 'A whole number from 1 to 100,000, or leave it empty.'));
      }
      body.requests_per_minute = n;
    }
    if (problems.length) {
      problems[0].focus();
      return null;
    }
    return body;
  }

  async send() {
    if (this.create.disabled) return;
    this.clearAll();
    const body = this.body();
    if (!body) return;
    this.create.disabled = true;
    this.create.textContent = 'Creating…';
    try {
      await this.submit(body);
    } catch (err) {
      this.refused(err);
    } finally {
      this.create.disabled = false;
      this.create.textContent = 'Create key';
    }
  }

  /** The server refused the key: its words beside the field concerned, else above the form; nothing typed is lost. */
  refused(err) {
    const text = friendlyMessage(err.code, err.message);
    const match = SERVER_FIELDS.find(([re]) => re.test(err.message || ''));
    if (match) {
      this.problem(match[1], text).focus();
      return;
    }
    this.formError.textContent = text;
    this.formError.hidden = false;
    this.create.focus();
  }

  /** After a key is made: empty again, for the next one. */
  reset() {
    this.el.reset();
    this.clearAll();
    this.member.value = '';
    this.showOwner();
  }
}
