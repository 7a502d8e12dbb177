// billing.js — placeholder: charges, payers, claims and payment plans arrive with the billing issue.
import { h, clear } from '../dom.js';

export async function render(main) {
  clear(main, h('h1', {}, 'Billing'),
    h('section', { class: 'card' }, h('p', {}, 'Billing — charges per session, payer, claim status and payment plans — lands with its own issue.'),
      h('p', { class: 'muted' }, 'Until then, this page is intentionally empty.')));
}
