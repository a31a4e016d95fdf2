// The members page of the admin view: the organisation's members with their role and status (admins first, then the
// other people, service accounts, and removed members last, greyed), "Make admin" and "Remove admin", "Remove" (each
// after a confirmation in the admin dialog, which shows the server's refusal, such as the last admin's), and invite
// codes for colleagues. A role change or a removal holds at once: the member's current tokens are refused.

import { adminApi } from '../api/endpoints.js';
import { AdminPanel, isRemoved, isServiceAccount, memberName, serviceAccountName } from './panel.js';
import { h } from '../util.js';
import { Invites } from './invites.js';
import { formatTime, formatDate, formatInt, formatUsd, exactUsd, plural } from '../format.js';

function joinedText(iso, service) {
  const day = formatDate(iso);
  return day ? `${service ? 'created' : 'joined'} ${day}` : '';
}

/** This month's use: messages, cost and the last chat (absent fields say nothing). */
function useText(m) {
  if (m.messages_this_month === undefined) return '';
  const parts = [`${formatInt(m.messages_this_month)} ${plural(m.messages_this_month, 'message')} this month`];
  if (m.cost_this_month_usd !== undefined) parts.push(formatUsd(m.cost_this_month_usd));
  parts.push(m.last_active_at ? `last chat ${formatTime(m.last_active_at)}` : 'no chat yet');
  return parts.join(' · ');
}

/** Admins, then the other people, then service accounts, then removed members. */
function rank(m) {
  if (isRemoved(m)) return 3;
  return m.role === 'admin' ? 0 : isServiceAccount(m) ? 2 : 1;
}

/** The role badge of a member still in the organisation. */
const ROLE_BADGES = {
  admin: { class: 'admin', text: 'Admin' },
  user: { class: 'member', text: 'Member' },
  service: { class: 'service', text: 'Service account' },
};

/** The status badge: active, e-mail address not confirmed, removed. */
function statusOf(m) {
  if (isRemoved(m)) return 'removed';
  return m.status || (m.confirmed === false ? 'unconfirmed' : 'active');
}

const STATUS_BADGES = {
  active: { class: 'status-active', text: 'Active' },
  unconfirmed: { class: 'pending', text: 'Email not confirmed' },
  removed: { class: 'status-removed', text: 'Removed' },
};

export class MembersPanel extends AdminPanel {
  /**
   * @param {object} opts
   * @param {(text: string, kind?: string) => void} opts.status announces a result
   * @param {import('./dialog.js').DetailsDialog} opts.dialog the admin dialog (the confirmations)
   * @param {(members: Array) => void} opts.onMembers called with every fresh list
   * @param {(change: {removed: boolean}) => void} opts.onOwnChange the admin removed themselves, or their own admin rights
   */
  constructor({ status, dialog, onMembers, onOwnChange }) {
    super(status, {
      panel: '#admin-panel-members',
      list: '#members-list',
      count: '#members-count',
      inviteCreate: '#invite-create',
      inviteResult: '#invite-result',
      inviteCode: '#invite-code',
      inviteCopy: '#invite-copy',
      inviteLink: '#invite-link',
      inviteLinkCopy: '#invite-link-copy',
      inviteExpiry: '#invite-expiry',
      inviteList: '#invite-list',
    });
    this.invites = new Invites({
      el: {
        create: this.el.inviteCreate, result: this.el.inviteResult, code: this.el.inviteCode, copy: this.el.inviteCopy,
        link: this.el.inviteLink, linkCopy: this.el.inviteLinkCopy, expiry: this.el.inviteExpiry, list: this.el.inviteList,
      },
      status,
      nameOf: (userId) => {
        const m = this.members.find((x) => x.user_id === userId);
        return m ? memberName(m) : '';
      },
    });
    this.dialog = dialog;
    this.onMembers = onMembers;
    this.onOwnChange = onOwnChange || (() => {});
    this.members = [];
    this.loadSeq = 0;
  }

  attach(ctx) {
    this.ctx = ctx;
    this.members = [];
    this.invites.attach(this.tenantId);
    this.render();
  }

  detach() {
    this.ctx = null;
    this.members = [];
    this.invites.detach();
    this.el.list.replaceChildren();
    this.el.count.textContent = '';
  }

  /** Loads the member list; resolves with it (or the previous one when loading failed). */
  async load({ silent = false } = {}) {
    const ctx = this.ctx;
    if (!ctx) return this.members;
    const seq = ++this.loadSeq;
    try {
      const res = await adminApi.members(this.tenantId);
      if (this.ctx !== ctx || seq !== this.loadSeq) return this.members;
      this.members = Array.isArray(res && res.members) ? res.members : [];
      this.onMembers(this.members);
      this.render();
      if (!silent) this.invites.load();
    } catch (err) {
      if (!silent && this.ctx === ctx) this.failed(err);
    }
    return this.members;
  }

  render() {
    const list = this.el.list;
    const members = [...this.members].sort((a, b) => rank(a) - rank(b) || String(memberName(a)).localeCompare(String(memberName(b))));
    const present = members.filter((m) => !isRemoved(m));
    const admins = present.filter((m) => m.role === 'admin').length;
    const services = present.filter(isServiceAccount).length;
    const removed = members.length - present.length;
    this.el.count.textContent = members.length
      ? [
        plural(present.length - services, 'person', 'people'),
        plural(admins, 'admin'),
        services ? plural(services, 'service account') : '',
        removed ? `${formatInt(removed)} removed` : '',
      ].filter(Boolean).join(' · ')
      : '';
    if (!members.length) {
      list.replaceChildren(h('li', { class: 'list-empty', text: this.ctx ? 'Loading members…' : '' }));
      return;
    }
    const me = this.ctx ? this.ctx.user.sub : '';
    list.replaceChildren(...members.map((m) => this.memberItem(m, m.user_id === me)));
  }

  memberItem(m, isMe) {
    const removed = isRemoved(m);
    const service = isServiceAccount(m);
    const name = service ? serviceAccountName(m) : memberName(m);
    const role = removed ? null : ROLE_BADGES[m.role] || ROLE_BADGES.user;
    const status = STATUS_BADGES[statusOf(m)] || STATUS_BADGES.active;
    const info = h(
      'div',
      { class: 'member-info' },
      h('span', { class: 'member-email', text: name }),
      m.display_name && m.email ? h('span', { class: 'member-meta', dataset: { address: '' }, text: m.email }) : null,
      isMe ? h('span', { class: 'badge you', text: 'You' }) : null,
      role ? h('span', { class: `badge ${role.class}`, dataset: { badge: 'role' }, text: role.text }) : null,
      h('span', { class: `badge ${status.class}`, dataset: { badge: 'status' }, text: status.text }),
      h('span', { class: 'member-meta', text: joinedText(m.created_at, service) }),
      useText(m) ? h('span', { class: 'member-meta', dataset: { use: '' }, title: m.cost_this_month_usd === undefined ? null : `${exactUsd(m.cost_this_month_usd)} this month`, text: useText(m) }) : null,
    );
    const actions = h('div', { class: 'member-actions' });
    if (!removed) {
      const who = isMe ? 'yourself' : memberName(m);
      // a service account has no login, only API keys: it is never an admin
      if (m.role === 'admin') {
        actions.append(this.actionButton(m, 'remove-admin', 'Remove admin', isMe ? 'Remove admin rights of your own' : `Remove admin rights of ${who}`));
      } else if (!service) {
        actions.append(this.actionButton(m, 'make-admin', 'Make admin', `Make admin: ${who}`));
      }
      actions.append(this.actionButton(m, 'remove', 'Remove', `Remove ${who} from the organisation`, 'danger'));
    }
    return h(
      'li',
      { class: `member-item${removed ? ' removed' : ''}`, dataset: { userId: m.user_id, role: m.role || '', status: statusOf(m) } },
      info,
      actions,
    );
  }

  actionButton(m, action, text, label, kind = '') {
    return h('button', {
      type: 'button',
      class: `button small${kind ? ` ${kind}` : ''}`,
      dataset: { action, userId: m.user_id },
      'aria-label': label,
      onClick: () => this.ask(m, action),
      text,
    });
  }

  rowOf(userId) {
    return this.el.list.querySelector(`li[data-user-id="${CSS.escape(userId)}"]`);
  }

  /** After a dialog: the focus on the row's `action` button if it is still there, else on the row (read out whole). */
  focusRow(userId, action = null) {
    const row = this.rowOf(userId);
    const button = row && action ? row.querySelector(`[data-action="${action}"]`) : null;
    if (button) {
      button.focus();
    } else if (row) {
      row.tabIndex = -1;
      row.focus();
    } else {
      this.el.inviteCreate.focus();
    }
  }

  isMe(m) {
    return Boolean(this.ctx) && m.user_id === this.ctx.user.sub;
  }

  // -------------------------------------------------------------------------
  // Roles and removal, each after a confirmation

  /** What each action asks, and what it does once confirmed. */
  question(m, action) {
    const me = this.isMe(m);
    const name = memberName(m);
    if (action === 'make-admin') {
      return {
        title: `Make ${name} an admin?`,
        text: 'They can then see the costs and the audit log, and manage members, budgets and API keys. Pages they have open get the admin rights with their next request.',
        action: 'Make admin',
        busy: 'Saving…',
        danger: false,
        run: () => this.setAdmin(m, true),
      };
    }
    if (action === 'remove-admin') {
      return {
        title: me ? 'Remove your own admin rights?' : `Remove the admin rights of ${name}?`,
        text: me
          ? 'You stay a member and keep chatting, but the admin pages close for you at once. Another admin can give the rights back.'
          : 'They stay a member and keep chatting; the admin pages close for them at once.',
        action: 'Remove admin',
        busy: 'Saving…',
        run: () => this.setAdmin(m, false),
      };
    }
    const consequences = isServiceAccount(m)
      ? ['Programs using its API keys are refused from their next request.', 'Its usage stays in the cost reports.']
      : [
        me ? 'You are signed out at once, on every device.' : 'They are signed out at once, on every device.',
        me ? 'A reply still running for you is stopped.' : 'A reply still running for them is stopped.',
        me ? 'Your API keys stop working.' : 'Their API keys stop working.',
        me ? 'Your usage stays in the cost reports.' : 'Their usage stays in the cost reports.',
      ];
    return {
      title: me ? 'Remove yourself from the organisation?' : `Remove ${name}?`,
      text: [
        h('p', { text: me ? 'You leave the organisation:' : `${name} leaves the organisation:` }),
        h('ul', { class: 'dialog-list' }, ...consequences.map((c) => h('li', { text: c }))),
        h('p', { text: 'This cannot be undone.' }),
      ],
      action: me ? 'Remove me' : 'Remove member',
      busy: 'Removing…',
      run: () => this.remove(m),
    };
  }

  async ask(m, action) {
    if (!this.ctx) return;
    const q = this.question(m, action);
    const done = await this.dialog.confirm(q);
    if (!this.ctx) return;
    if (!done) {
      this.focusRow(m.user_id, action);
      return;
    }
    if (this.isMe(m)) {
      this.onOwnChange({ removed: action === 'remove' });
      return;
    }
    this.focusRow(m.user_id, action === 'make-admin' ? 'remove-admin' : action === 'remove-admin' ? 'make-admin' : null);
  }

  /** The member's row as the server now has it. */
  changed(m, view) {
    this.loadSeq++; // an older load must not bring the old role back
    this.members = this.members.map((x) => (x.user_id === m.user_id ? { ...x, role: view.role, status: view.status || x.status } : x));
    this.onMembers(this.members);
    this.render();
  }

  async setAdmin(m, admin) {
    const ctx = this.ctx;
    const view = await adminApi.setAdmin(this.tenantId, m.user_id, admin);
    if (this.ctx !== ctx) return;
    this.changed(m, view);
    const name = memberName(m);
    if (this.isMe(m)) this.status('You are no longer an admin.');
    else this.status(admin ? `${name} is now an admin.` : `${name} is no longer an admin.`);
  }

  async remove(m) {
    const ctx = this.ctx;
    const view = await adminApi.removeMember(this.tenantId, m.user_id);
    if (this.ctx !== ctx) return;
    this.changed(m, view);
    this.status(`${memberName(m)} is removed from the organisation.`);
  }
}
