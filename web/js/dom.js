// dom.js — building the page without innerHTML (no markup from data, CSP-clean: no inline
// styles or handlers), and small formatting helpers.  No clinical rule lives here.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
// A labelled control: field('Family name', h('input', {name: 'family_name', required: true}))
export function field(label, control, hint) {
  if (!control.id) control.id = `f${++uid}`;
  // The label is not wrapped around the control: a select's value would join its name.
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control,
    hint ? h('span', { class: 'muted small' }, hint) : null);
}

export function check(label, attrs) {
  const box = h('input', { type: 'checkbox', ...attrs });
  return h('label', { class: 'check' }, box, label);
}

export function select(name, options, value, attrs = {}) {
  return h('select', { name, ...attrs },
    options.map((o) => {
      const [v, t] = Array.isArray(o) ? o : [o, o];
      return h('option', { value: v, selected: v === value }, t);
    }));
}

export function table(columns, rows, caption) {
  return h('table', {},
    caption ? h('caption', { class: 'muted small' }, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.length ? rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))
      : h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, 'Nothing yet.'))));
}

export function badge(text, kind) { return h('span', { class: `badge ${kind || ''}` }, text); }

export function errorBox(e) {
  return h('div', { class: 'error', role: 'alert' }, e && e.message ? e.message : String(e));
}

// Reads a form into an object: numbers for type=number, booleans for checkboxes, trimmed text;
// empty fields are left out.
export function formData(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') { if (el.dataset.group) continue; out[el.name] = el.checked; continue; }
    const v = el.value.trim();
    if (v === '') continue;
    out[el.name] = el.type === 'number' ? Number(v) : v;
  }
  return out;
}

// Values of the checked boxes of a group (data-group="history").
export function checkedGroup(form, group) {
  return [...form.querySelectorAll(`input[data-group="${group}"]:checked`)].map((b) => b.value);
}

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
export function fmtDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
}
export const num = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '—' : Number(x).toFixed(d));
export const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(0)}%`);
export const todayUTC = () => new Date().toISOString().slice(0, 10);
export const can = (me, res, act) => !!(me && me.permissions[res] && me.permissions[res].includes(act));
export const patientName = (p) => `${p.family_name}${p.given_name ? `, ${p.given_name}` : ''}`;

// Wraps a form submit: prevents navigation, disables the button, shows errors in `out`.
export function onSubmit(form, out, fn) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const btn = form.querySelector('button[type=submit]');
    if (btn) btn.disabled = true;
    try { await fn(ev); } catch (e) { clear(out, errorBox(e)); } finally { if (btn) btn.disabled = false; }
  });
}
