// outcomes.js — the clinic's response and remission rates (95% Wilson intervals, computed by
// src/clinic/outcome) by condition and route, with the published benchmarks beside them.
import { get } from '../api.js';
import { h, clear, table, pct, num } from '../dom.js';

const ci = (r, lo, hi) => (r === null ? 'n/a' : `${pct(r)} (${pct(lo)}–${pct(hi)})`);

export async function render(main) {
  const o = await get('/api/outcomes');
  clear(main, h('h1', {}, 'Outcomes'),
    h('section', { class: 'card', 'aria-labelledby': 'oc-h' }, h('h2', { id: 'oc-h' }, 'This clinic'),
      table(['Condition', 'Route', 'Scale', 'Courses', 'Response (95% CI)', 'Remission (95% CI)', "Hedges' g"],
        o.groups.map((g) => [g.condition, g.route, g.scale, String(g.n), ci(g.response_rate, g.response_lo, g.response_hi),
          ci(g.remission_rate, g.remission_lo, g.remission_hi), g.hedges_g ? `${num(g.hedges_g.g, 2)} (${num(g.hedges_g.lo, 2)}–${num(g.hedges_g.hi, 2)})` : '—'])),
      h('p', { class: 'muted small' }, `Method: ${o.method}. A course counts once it has two results of a scale.`)),
    h('section', { class: 'card', 'aria-labelledby': 'bm-h' }, h('h2', { id: 'bm-h' }, 'Published benchmarks'),
      table(['Population', 'n', 'Route', 'Protocol', 'Response', 'Remission', 'Effect', 'Source'],
        o.benchmarks.map((b) => [b.population, b.n ? String(b.n) : '—', b.route, b.protocol, b.response || '—', b.remission || '—', b.effect || '—', h('span', { class: 'small' }, b.source)]))));
}
