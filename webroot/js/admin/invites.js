// The invites of the members page: creating a code for a colleague, and the list of the organisation's invites. A pending
// invite can be copied as a link (which opens sign-up with the organisation and the code filled in) or revoked; a used or
// expired one is shown as such, not usable, with nothing to copy.

import { api, adminApi } from '../api/endpoints.js';
import { copyField } from './panel.js';
import { friendlyMessage } from '../errors.js';
import { h } from '../util.js';
import { formatTime } from '../format.js';

const STATUS = {
  pending: { class: 'status-active', text: 'Usable' },
  used: { class: 'status-removed', text: 'Used' },
  expired: { class: 'status-removed', text: 'Expired' },
};

/** The link a pending invite opens: this server's sign-up with the organisation and the code filled in. */
export function inviteLink(joinPath) {
  return joinPath ? new URL(joinPath, location.origin).href : '';
}

export class Invites {
  /**
   * @param {object} opts
   * @param {object} opts.el the page's elements: create, result, code, copy, link, linkCopy, expiry, list
   * @param {(text: string, kind?: string) => void} opts.status announces a result
   * @param {(userId: string) => string} opts.nameOf a member's name by user id (who used an invite)
   */
  constructor({ el, status, nameOf }) {
    this.el = el;
    this.status = status;
    this.nameOf = nameOf;
    this.tenantId = null;
    this.invites = [];
    this.el.create.addEventListener('click', () => this.create());
    this.el.copy.addEventListener('click', () => copyField(this.el.code, this.el.copy));
    this.el.linkCopy.addEventListener('click', () => copyField(this.el.link, this.el.linkCopy));
  }

  attach(tenantId) {
    this.tenantId = tenantId;
    this.invites = [];
    this.reset();
    this.render();
  }

  detach() {
    this.tenantId = null;
    this.invites = [];
    this.reset();
    this.el.list.replaceChildren();
  }

  reset() {
    this.el.result.hidden = true;
    this.el.code.value = '';
    this.el.link.value = '';
    this.el.expiry.textContent = '';
    this.el.copy.textContent = 'Copy';
    this.el.linkCopy.textContent = 'Copy link';
  }

  async load() {
    const tenantId = this.tenantId;
    if (!tenantId) return;
    try {
      const res = await adminApi.invites(tenantId);
      if (this.tenantId !== tenantId) return;
      this.invites = Array.isArray(res && res.invites) ? res.invites : [];
      this.render();
    } catch (err) {
      if (this.tenantId === tenantId) this.status(friendlyMessage(err.code, err.message), 'error');
    }
  }

  async create() {
    const button = this.el.create;
    if (button.disabled || !this.tenantId) return;
    button.disabled = true;
    try {
      const res = await api.createInvite();
      this.el.code.value = res.invite_code || '';
      this.el.link.value = inviteLink(res.join_path);
      this.el.expiry.textContent = res.expires_at
        ? `Send the link to your colleague (it fills in the organisation and the code); valid once, until ${formatTime(res.expires_at)}.`
        : 'Send the link to your colleague; it fills in the organisation and the code.';
      this.el.copy.textContent = 'Copy';
      this.el.linkCopy.textContent = 'Copy link';
      this.el.result.hidden = false;
      this.el.link.focus();
      this.el.link.select();
      await this.load();
    } catch (err) {
      this.status(friendlyMessage(err.code, err.message), 'error');
    } finally {
      button.disabled = false;
    }
  }

  render() {
    const list = this.el.list;
    if (!this.invites.length) {
      list.replaceChildren(h('li', { class: 'list-empty', text: this.tenantId ? 'No invites yet.' : '' }));
      return;
    }
    list.replaceChildren(...this.invites.map((i) => this.item(i)));
  }

  item(invite) {
    const status = STATUS[invite.status] || STATUS.expired;
    const usable = invite.status === 'pending' && invite.join_path;
    const detail = invite.status === 'used'
      ? `used by ${this.nameOf(invite.used_by) || 'a member'}${invite.used_at ? ` ${formatTime(invite.used_at)}` : ''}`
      : invite.status === 'pending' ? `valid until ${formatTime(invite.expires_at)}` : `expired ${formatTime(invite.expires_at)}`;
    const actions = h('div', { class: 'member-actions' });
    if (usable) {
      const link = h('input', { type: 'text', readonly: true, class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true' });
      link.value = inviteLink(invite.join_path);
      const copy = h('button', {
        type: 'button',
        class: 'button small',
        dataset: { action: 'copy-invite-link' },
        'aria-label': `Copy link of invite ${invite.invite_code}`,
        onClick: () => copyField(link, copy),
        text: 'Copy link',
      });
      const revoke = h('button', {
        type: 'button',
        class: 'button small danger',
        dataset: { action: 'revoke-invite' },
        'aria-label': `Revoke the invite ${invite.invite_code}`,
        onClick: () => this.revoke(invite, revoke),
        text: 'Revoke',
      });
      actions.append(link, copy, revoke);
    }
    return h(
      'li',
      { class: `member-item invite-item${usable ? '' : ' removed'}`, dataset: { code: invite.invite_code, status: invite.status || '' } },
      h(
        'div',
        { class: 'member-info' },
        h('code', { class: 'invite-code-text', text: invite.invite_code }),
        h('span', { class: `badge ${status.class}`, dataset: { badge: 'status' }, text: status.text }),
        h('span', { class: 'member-meta', text: detail }),
      ),
      actions,
    );
  }

  async revoke(invite, button) {
    if (button.disabled || !this.tenantId) return;
    button.disabled = true;
    try {
      await adminApi.revokeInvite(this.tenantId, invite.invite_code);
      this.status(`The invite ${invite.invite_code} is revoked; it lets nobody join now.`);
      await this.load();
    } catch (err) {
      button.disabled = false;
      this.status(friendlyMessage(err.code, err.message), 'error');
    }
  }
}
