'use strict';
(() => {
  const { api, el, guard } = Console;
  const form = document.getElementById('audit-filter');

  const load = guard(async () => {
    const p = new URLSearchParams({ limit: '200' });
    for (const f of ['team', 'action']) if (form[f].value.trim()) p.set(f, form[f].value.trim());
    if (form.from.value) p.set('from', form.from.value);
    if (form.to.value) p.set('to', form.to.value);
    const rows = (await api('GET', '/audit?' + p.toString())).data;
    document.querySelector('#audit tbody').replaceChildren(...rows.map(a => el('tr', { dataset: { action: a.action } },
      el('td', {}, a.at.substring(0, 19).replace('T', ' ')), el('td', {}, a.credential, el('br'), el('small', {}, a.address || '')),
      el('td', {}, a.action), el('td', {}, a.team || '–'), el('td', {}, a.target || '–'),
      el('td', {}, el('details', {}, el('summary', {}, 'before / after'),
        el('pre', {}, JSON.stringify({ before: a.before, after: a.after }, null, 2)))))));
    document.body.dataset.loaded = 'audit';
  });
  form.addEventListener('submit', e => { e.preventDefault(); load(); });
  load();
})();
