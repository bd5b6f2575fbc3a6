'use strict';
(() => {
  const { api, el, usd, isoDate, guard, status, admin, team: myTeam } = Console;
  const tbody = document.querySelector('#teams tbody');
  let selected = null;
  const known = new Set(); // the teams listed: saving one of them edits it, another name creates a team

  /** The first day of the budget period that contains today, UTC (a week starts on Monday, as budgets do). */
  function periodStart(period) {
    const d = new Date();
    const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
    if (period === 'month') day.setUTCDate(1);
    if (period === 'week') day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
    return isoDate(day);
  }

  /** Spend so far this period per team, one usage report per period (the same numbers as /admin/reports/usage). */
  const spendCache = new Map();
  async function spent(team, period) {
    if (!spendCache.has(period)) {
      const p = new URLSearchParams({ from: periodStart(period), to: isoDate(new Date()), interval: 'month', group_by: 'team' });
      spendCache.set(period, api('GET', '/reports/usage?' + p.toString()));
    }
    const r = await spendCache.get(period);
    return r.data.filter(x => x.team === team).reduce((a, x) => a + Number(x.cost_usd), 0);
  }

  async function budgetCell(t) {
    const budgets = t.budget || [];
    if (!budgets.length) return el('td', {}, 'no budget');
    const cells = [];
    for (const b of budgets) {
      const s = await spent(t.name, b.period);
      const share = b.usd > 0 ? Math.min(1, s / b.usd) : 1;
      cells.push(el('div', { class: 'budget', dataset: { period: b.period, spent: s.toFixed(6) } },
        el('span', { class: 'bar' + (share >= 0.9 ? ' hot' : ''), role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': b.usd,
          'aria-valuenow': s.toFixed(4), 'aria-label': b.period + ' budget used' },
          el('span', { style: 'width:' + (100 * share).toFixed(1) + '%' })),
        ' ' + usd(s) + ' of ' + usd(b.usd) + ' / ' + b.period + (b.mode === 'soft' ? ' (soft)' : '')));
    }
    return el('td', {}, cells);
  }

  function limits(l) {
    if (!l) return '–';
    const parts = [];
    if (l.rpm) parts.push(l.rpm + ' rpm');
    if (l.tpm) parts.push(l.tpm + ' tpm');
    if (l.concurrent) parts.push(l.concurrent + ' concurrent');
    return parts.length ? parts.join(', ') : 'none';
  }

  const load = guard(async () => {
    const teams = admin ? (await api('GET', '/teams')).data : [await api('GET', '/teams/' + encodeURIComponent(myTeam))];
    const rows = [];
    known.clear();
    spendCache.clear();
    for (const t of teams) {
      known.add(t.name);
      rows.push(el('tr', { dataset: { team: t.name } }, el('th', { scope: 'row' }, t.name), await budgetCell(t),
        el('td', {}, limits(t.limits)), el('td', {}, (t.models || []).length ? t.models.join(', ') : 'all'),
        el('td', {}, t.source),
        el('td', {}, el('button', { type: 'button', class: 'keys', 'aria-label': 'Keys of ' + t.name, onclick: () => keys(t.name) }, 'Keys'),
          admin ? el('button', { type: 'button', class: 'edit', 'aria-label': 'Edit ' + t.name, onclick: () => edit(t) }, 'Edit') : null)));
    }
    tbody.replaceChildren(...rows);
    document.body.dataset.loaded = 'teams';
  });

  function edit(t) {
    const f = document.getElementById('team-form');
    f.name.value = t.name;
    f.models.value = (t.models || []).join(', ');
    const b = (t.budget || [])[0];
    f.budget.value = b ? b.usd : '';
    f.period.value = b ? b.period : 'month';
    f.rpm.value = t.limits ? t.limits.rpm : 0;
    f.tpm.value = t.limits ? t.limits.tpm : 0;
    f.name.focus();
  }

  async function keys(name) {
    selected = name;
    document.getElementById('keys-card').hidden = false;
    document.getElementById('keys-team').textContent = name;
    const list = await api('GET', '/teams/' + encodeURIComponent(name) + '/keys');
    document.querySelector('#keys tbody').replaceChildren(...list.data.map(k => el('tr', { dataset: { key: k.id } },
      el('th', { scope: 'row' }, k.name || '–'), el('td', {}, el('code', {}, k.id)), el('td', {}, el('code', {}, k.prefix)),
      el('td', {}, k.status), el('td', {}, k.created_at.substring(0, 16).replace('T', ' ')),
      el('td', {}, admin && k.status === 'active' ? [
        el('button', { type: 'button', class: 'rotate', 'aria-label': 'Rotate ' + k.id, onclick: guard(() => rotate(k.id)) }, 'Rotate'),
        el('button', { type: 'button', class: 'revoke danger', 'aria-label': 'Revoke ' + k.id, onclick: guard(() => revoke(k.id)) }, 'Revoke')] : null))));
  }

  function showKey(secret) {
    document.getElementById('new-key').hidden = false;
    document.getElementById('new-key-value').textContent = secret;
  }

  async function revoke(id) {
    if (!window.confirm('Revoke key ' + id + '? Requests with it stop at once.')) return;
    await api('DELETE', '/teams/' + encodeURIComponent(selected) + '/keys/' + encodeURIComponent(id));
    status('Key ' + id + ' revoked.');
    await keys(selected);
  }

  async function rotate(id) {
    const issued = await api('POST', '/teams/' + encodeURIComponent(selected) + '/keys/' + encodeURIComponent(id) + '/rotate', {});
    showKey(issued.key);
    status('Key rotated: the old one keeps working for its grace period.');
    await keys(selected);
  }

  if (admin) {
    document.getElementById('team-form').addEventListener('submit', guard(async e => {
      e.preventDefault();
      const f = e.target;
      const body = { name: f.name.value.trim(), models: f.models.value.split(',').map(s => s.trim()).filter(Boolean),
        limits: { rpm: Number(f.rpm.value || 0), tpm: Number(f.tpm.value || 0) },
        budget: f.budget.value === '' ? [] : [{ usd: Number(f.budget.value), period: f.period.value }] };
      const exists = known.has(body.name);
      if (exists) await api('PATCH', '/teams/' + encodeURIComponent(body.name), { models: body.models, limits: body.limits, budget: body.budget });
      else await api('POST', '/teams', body);
      status('Team ' + body.name + (exists ? ' updated.' : ' created.'));
      await load();
    }));
    document.getElementById('key-form').addEventListener('submit', guard(async e => {
      e.preventDefault();
      const issued = await api('POST', '/teams/' + encodeURIComponent(selected) + '/keys', { name: e.target.name.value.trim() });
      showKey(issued.key);
      e.target.reset();
      await keys(selected);
    }));
  }
  document.getElementById('copy-key').addEventListener('click', guard(async () => {
    const text = document.getElementById('new-key-value').textContent;
    if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(text);
    else {
      const range = document.createRange();
      range.selectNodeContents(document.getElementById('new-key-value'));
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      document.execCommand('copy');
    }
    status('Key copied.');
  }));
  load();
})();
