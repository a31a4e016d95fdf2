// What the members and budgets pages share: their elements, the admin's login (ctx, while attached) and the
// status line of the admin view, where they announce results and failures.

import { friendlyMessage } from '../errors.js';
import { $ } from '../util.js';

export class AdminPanel {
  /**
   * @param {(text: string, kind?: string) => void} status announces a result in the admin view's status line
   * @param {Object<string, string>} selectors the page's elements the panel uses (this.el), by name
   */
  constructor(status, selectors) {
    this.status = status;
    this.ctx = null;
    this.el = Object.fromEntries(Object.entries(selectors).map(([name, selector]) => [name, $(selector)]));
  }

  get tenantId() {
    return this.ctx ? this.ctx.user.tenantId : '';
  }

  /** Announces a failed request in words. */
  failed(err) {
    this.status(friendlyMessage(err.code, err.message), 'error');
  }
}
