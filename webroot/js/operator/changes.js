// What operators change on an organisation from the operator page: its plan, a suspension or resumption (after a
// confirmation that says what it does), its data exported, and its erasure (after one that says what goes and what stays).
import { operatorApi } from '../api/endpoints.js';
import { download } from '../api/request.js';
import { friendlyMessage } from '../errors.js';
import { renderTierOptions, tierDetails } from '../auth/plans.js';
import { capitalize } from '../format.js';
import { h, saveFile } from '../util.js';

export class OrganisationChanges {
  /** @param {object} view the operator view: its dialog, rows, status line and list */
  constructor(view) {
    this.view = view;
  }

  changePlan(tenantId) {
    const t = this.view.find(tenantId);
    if (!t || !this.view.ctx) return;
    const tiers = this.view.config.tiers || {};
    const select = h('select', { id: 'operator-plan', name: 'subscription_tier', 'aria-describedby': 'operator-plan-details' });
    renderTierOptions(select, tiers);
    if (t.subscription_tier) select.value = t.subscription_tier;
    const details = h('p', { class: 'hint', id: 'operator-plan-details', text: tierDetails(tiers[select.value]) });
    const error = h('p', { class: 'field-error dialog-error', role: 'alert', dataset: { slot: 'error' } });
    select.addEventListener('change', () => {
      details.textContent = tierDetails(tiers[select.value]);
      error.textContent = '';
    });
    const save = h('button', { type: 'submit', class: 'button primary', dataset: { action: 'confirm' }, text: 'Change plan' });
    const cancel = h('button', { type: 'button', class: 'button', dataset: { action: 'cancel' }, text: 'Cancel', onClick: () => this.view.dialog.close() });
    let changed = null;
    const form = h(
      'form',
      { novalidate: true },
      h('p', { text: `The new plan’s limits apply to ${tenantId}’s next messages; its members keep their chats.` }),
      h('div', { class: 'field' }, h('label', { for: 'operator-plan', text: 'Plan' }), select, details),
      error,
      h('div', { class: 'form-actions' }, save, cancel),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (save.disabled) return;
      const tier = select.value;
      save.disabled = true;
      save.textContent = 'Changing…';
      error.textContent = '';
      try {
        changed = await operatorApi.setPlan(tenantId, tier);
        this.view.dialog.close();
      } catch (err) {
        error.textContent = friendlyMessage(err.code, err.message);
        error.dataset.code = err.code || '';
        save.disabled = false;
        save.textContent = 'Change plan';
        select.focus();
      }
    });
    this.view.dialog.show(`Change the plan of ${tenantId}`, [form], {
      focus: select,
      onClose: () => {
        if (!changed) {
          this.view.focusRow(tenantId, 'plan');
          return;
        }
        this.view.applyChange({ ...changed, tenant_id: changed.tenant_id || tenantId }, 'plan');
        this.view.status(`${tenantId} is now on the ${capitalize(changed.subscription_tier)} plan.`);
      },
    });
  }

  async setSuspended(tenantId, suspend) {
    if (!this.view.find(tenantId) || !this.view.ctx) return;
    let answer = null;
    const done = await this.view.dialog.confirm(suspend
      ? {
        title: `Suspend ${tenantId}?`,
        text: [
          h('p', { text: 'While it is suspended:' }),
          h('ul', {},
            h('li', { text: 'its members’ messages are refused, in the chat and through its API keys;' }),
            h('li', { text: 'its members’ open connections close;' }),
            h('li', { text: 'its admins are told that the platform’s operators suspended it.' })),
          h('p', { text: 'Its data, members and plan are kept; resuming it lets it chat again.' }),
        ],
        action: 'Suspend',
        busy: 'Suspending…',
        run: async () => {
          answer = await operatorApi.suspend(tenantId);
        },
      }
      : {
        title: `Resume ${tenantId}?`,
        text: `Its members can send messages again from now on.`,
        action: 'Resume',
        busy: 'Resuming…',
        danger: false,
        run: async () => {
          answer = await operatorApi.resume(tenantId);
        },
      });
    if (!done || !answer) {
      this.view.focusRow(tenantId, suspend ? 'suspend' : 'resume');
      return;
    }
    const status = answer.status || (suspend ? 'suspended' : 'active');
    this.view.applyChange({ ...answer, tenant_id: answer.tenant_id || tenantId, status }, status === 'suspended' ? 'resume' : 'suspend');
    this.view.status(status === 'suspended' ? `${tenantId} is suspended.` : `${tenantId} is active again.`);
    if (this.view.audit.ctx && this.view.audit.tenantId === tenantId) this.view.audit.load();
  }

  /** Downloads the organisation's data as a zip. */
  async exportData(tenantId) {
    try {
      const { blob, filename } = await download(operatorApi.exportUrl(tenantId));
      saveFile(blob, filename || `${tenantId}-export.zip`);
      this.view.status(`${tenantId}’s data is downloaded.`);
    } catch (err) {
      this.view.status(err.message || 'The export failed.');
    }
  }

  /** Erases the organisation after a confirmation that names what goes and what stays. */
  async erase(tenantId) {
    if (!this.view.find(tenantId) || !this.view.ctx) return;
    let answer = null;
    const done = await this.view.dialog.confirm({
      title: `Erase ${tenantId}?`,
      text: [
        h('p', { text: 'This cannot be undone:' }),
        h('ul', {},
          h('li', { text: 'its chats, messages and invites are deleted;' }),
          h('li', { text: 'its members’ e-mail addresses and passwords are removed, and every sign-in and API key of it stops at once;' }),
          h('li', { text: 'its usage ledger and audit log are kept, for billing.' })),
        h('p', { text: 'Export its data first if it may be needed.' }),
      ],
      action: 'Erase',
      busy: 'Erasing…',
      run: async () => {
        answer = await operatorApi.erase(tenantId);
      },
    });
    if (!done || !answer) {
      this.view.focusRow(tenantId, 'erase');
      return;
    }
    this.view.status(`${tenantId} is erased.`);
    await this.view.load();
  }

  // -------------------------------------------------------------------------
  // An organisation's audit log

}
