// The members page of the admin view: the organisation's members (admins first, service accounts last), "Make
// admin" with a confirmation in the row, and invite codes for colleagues.

import { api, adminApi } from '../api/endpoints.js';
import { AdminPanel, copyField, isServiceAccount, memberName, serviceAccountName } from './panel.js';
import { h } from '../util.js';
import { formatTime, formatDate, plural } from '../format.js';

function joinedText(iso, service) {
  const day = formatDate(iso);
  return day ? `${service ? 'created' : 'joined'} ${day}` : '';
}

/** Admins, then the other people, then service accounts. */
function rank(m) {
  return m.role === 'admin' ? 0 : isServiceAccount(m) ? 2 : 1;
}

export class MembersPanel extends AdminPanel {
  /**
   * @param {object} opts
   * @param {(text: string, kind?: string) => void} opts.status announces a result
   * @param {(members: Array) => void} opts.onMembers called with every fresh list
   */
  constructor({ status, onMembers }) {
    super(status, {
      list: '#members-list',
      count: '#members-count',
      inviteCreate: '#invite-create',
      inviteResult: '#invite-result',
      inviteCode: '#invite-code',
      inviteCopy: '#invite-copy',
      inviteExpiry: '#invite-expiry',
    });
    this.onMembers = onMembers;
    this.members = [];
    this.promoted = new Set();
    this.el.inviteCreate.addEventListener('click', () => this.createInvite());
    this.el.inviteCopy.addEventListener('click', () => this.copyInvite());
  }

  attach(ctx) {
    this.ctx = ctx;
    this.members = [];
    this.promoted = new Set();
    this.resetInvite();
    this.render();
  }

  detach() {
    this.ctx = null;
    this.members = [];
    this.resetInvite();
    this.el.list.replaceChildren();
    this.el.count.textContent = '';
  }

  /** Loads the member list; resolves with it (or the previous one when loading failed). */
  async load({ silent = false } = {}) {
    const ctx = this.ctx;
    if (!ctx) return this.members;
    try {
      const res = await adminApi.members(this.tenantId);
      if (this.ctx !== ctx) return this.members;
      this.members = Array.isArray(res && res.members) ? res.members : [];
      this.onMembers(this.members);
      this.render();
    } catch (err) {
      if (!silent && this.ctx === ctx) this.failed(err);
    }
    return this.members;
  }

  render() {
    const list = this.el.list;
    const members = [...this.members].sort((a, b) => rank(a) - rank(b) || String(memberName(a)).localeCompare(String(memberName(b))));
    const admins = members.filter((m) => m.role === 'admin').length;
    const services = members.filter(isServiceAccount).length;
    const people = members.length - services;
    this.el.count.textContent = members.length
      ? [plural(people, 'person', 'people'), plural(admins, 'admin'), services ? plural(services, 'service account') : ''].filter(Boolean).join(' · ')
      : '';
    if (!members.length) {
      list.replaceChildren(h('li', { class: 'list-empty', text: this.ctx ? 'Loading members…' : '' }));
      return;
    }
    const me = this.ctx ? this.ctx.user.sub : '';
    list.replaceChildren(...members.map((m) => this.memberItem(m, m.user_id === me)));
  }

  memberItem(m, isMe) {
    const admin = m.role === 'admin';
    const service = isServiceAccount(m);
    const info = h(
      'div',
      { class: 'member-info' },
      h('span', { class: 'member-email', text: service ? serviceAccountName(m) : memberName(m) }),
      isMe ? h('span', { class: 'badge you', text: 'You' }) : null,
      h('span', { class: `badge ${admin ? 'admin' : service ? 'service' : 'member'}`, text: admin ? 'Admin' : service ? 'Service account' : 'Member' }),
      m.confirmed === false && !service ? h('span', { class: 'badge pending', text: 'Email not confirmed' }) : null,
      h('span', { class: 'member-meta', text: joinedText(m.created_at, service) }),
    );
    const actions = h('div', { class: 'member-actions' });
    // a service account has no login, only API keys: nothing to promote
    if (admin && this.promoted.has(m.user_id)) {
      actions.append(h('span', { class: 'hint', text: 'Admin from their next login.' }));
    } else if (!admin && !service) {
      actions.append(
        h('button', {
          type: 'button',
          class: 'button small',
          dataset: { action: 'make-admin', userId: m.user_id },
          'aria-label': `Make ${m.email || 'this member'} an admin`,
          onClick: () => this.askMakeAdmin(m, actions),
          text: 'Make admin',
        }),
      );
    }
    return h('li', { class: 'member-item', dataset: { userId: m.user_id, role: m.role || '' } }, info, actions);
  }

  /** Asks once more in the row itself before giving admin rights. */
  askMakeAdmin(m, actions) {
    const yes = h('button', {
      type: 'button',
      class: 'button small primary',
      dataset: { action: 'confirm-admin' },
      onClick: () => this.makeAdmin(m, actions, yes),
      text: 'Yes, make admin',
    });
    const cancel = h('button', {
      type: 'button',
      class: 'button small ghost',
      onClick: () => {
        this.render();
        const again = this.el.list.querySelector(`[data-user-id="${CSS.escape(m.user_id)}"] [data-action="make-admin"]`);
        if (again) again.focus();
      },
      text: 'Cancel',
    });
    actions.replaceChildren(h('span', { class: 'confirm-text', text: `Give ${m.email || 'this member'} admin rights?` }), yes, cancel);
    yes.focus();
  }

  async makeAdmin(m, actions, button) {
    if (!this.ctx || button.disabled) return;
    button.disabled = true;
    button.textContent = 'Saving…';
    try {
      await adminApi.makeAdmin(this.tenantId, m.user_id);
      this.promoted.add(m.user_id);
      m.role = 'admin';
      this.render();
      this.status(`${m.email || 'The member'} is now an admin. The rights take effect at their next login.`);
      const row = this.el.list.querySelector(`[data-user-id="${CSS.escape(m.user_id)}"]`);
      if (row) {
        row.tabIndex = -1;
        row.focus();
      }
    } catch (err) {
      button.disabled = false;
      button.textContent = 'Yes, make admin';
      this.failed(err);
    }
  }

  // -------------------------------------------------------------------------
  // Invites

  resetInvite() {
    this.el.inviteResult.hidden = true;
    this.el.inviteCode.value = '';
    this.el.inviteExpiry.textContent = '';
    this.el.inviteCopy.textContent = 'Copy';
  }

  async createInvite() {
    const button = this.el.inviteCreate;
    if (button.disabled || !this.ctx) return;
    button.disabled = true;
    try {
      const res = await api.createInvite();
      this.el.inviteCode.value = res.invite_code || '';
      this.el.inviteExpiry.textContent = res.expires_at
        ? `Share it with your colleague; valid until ${formatTime(res.expires_at)}. They choose “Join an organisation” when signing up.`
        : 'Share it with your colleague. They choose “Join an organisation” when signing up.';
      this.el.inviteCopy.textContent = 'Copy';
      this.el.inviteResult.hidden = false;
      this.el.inviteCode.focus();
      this.el.inviteCode.select();
    } catch (err) {
      this.failed(err);
    } finally {
      button.disabled = false;
    }
  }

  copyInvite() {
    return copyField(this.el.inviteCode, this.el.inviteCopy);
  }
}
