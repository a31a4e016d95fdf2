// The display name of the signed-in user, in the settings: the name shown in the header and to the organisation's admins
// instead of the e-mail address (1 to 60 characters; an empty field removes it).

import { api } from '../api/endpoints.js';
import { friendlyMessage } from '../errors.js';
import { validate, setNotice, submitChecked } from '../auth/forms.js';

export const MAX_NAME = 60;

/** The name a person is shown by: their display name, else their e-mail address. */
export function shownName(profile, email = '') {
  return (profile && profile.display_name) || email;
}

export class ProfileForm {
  /**
   * @param {object} opts
   * @param {object} opts.el the form, its name input and its error line
   * @param {(profile: object) => void} opts.onProfile the profile as the server has it (after loading or saving)
   */
  constructor({ el, onProfile }) {
    this.el = el;
    this.onProfile = onProfile;
    this.profile = null;
    this.el.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.save();
    });
  }

  async load() {
    try {
      this.apply(await api.profile());
    } catch {
      // the header keeps the e-mail address; the settings can still be used
    }
  }

  apply(profile) {
    this.profile = profile;
    this.el.name.value = (profile && profile.display_name) || '';
    this.onProfile(profile);
  }

  reset() {
    this.profile = null;
    this.el.form.reset();
    validate([[this.el.name, '']], { focus: false });
    this.el.formError.textContent = '';
    setNotice(this.el.form, '');
  }

  async save() {
    const name = this.el.name.value.trim();
    this.el.formError.textContent = '';
    setNotice(this.el.form, '');
    const length = [...name].length;
    const checks = [[this.el.name, length > MAX_NAME ? `Use at most ${MAX_NAME} characters.` : '']];
    await submitChecked(this.el.form, checks, 'Saving…', async () => {
      try {
        const profile = await api.setProfile(name || null);
        this.apply(profile);
        setNotice(this.el.form, profile.display_name
          ? `You are shown as “${profile.display_name}”.`
          : 'Your display name is removed; you are shown by your e-mail address.');
      } catch (err) {
        if (err.code === 'invalid_request') validate([[this.el.name, err.message]]);
        else this.el.formError.textContent = friendlyMessage(err.code, err.message);
      }
    });
  }
}
