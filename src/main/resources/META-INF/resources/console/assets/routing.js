'use strict';
(() => {
  const { api, el, usd, pct, guard, status } = Console;
  const SHOWN_ONLY = ['object', 'source', 'active', 'overrides_file', 'problem', 'updated_at', 'updated_by'];
  let current = null; // the route being edited, as GET shows it

  const pretty = o => JSON.stringify(o, null, 2);
  const editable = r => { const o = Object.assign({}, r); SHOWN_ONLY.forEach(k => delete o[k]); delete o.version; return o; };

  /** A line diff (longest common subsequence): lines only before '-', only after '+'. */
  function diff(a, b) {
    const x = a.split('\n'), y = b.split('\n');
    const n = x.length, m = y.length;
    const l = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) l[i][j] = x[i] === y[j] ? l[i + 1][j + 1] + 1 : Math.max(l[i + 1][j], l[i][j + 1]);
    const out = [];
    let i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && x[i] === y[j]) { out.push(el('span', {}, '  ' + x[i] + '\n')); i++; j++; }
      else if (j < m && (i >= n || l[i][j + 1] >= l[i + 1][j])) { out.push(el('ins', {}, '+ ' + y[j] + '\n')); j++; }
      else { out.push(el('del', {}, '- ' + x[i] + '\n')); i++; }
    }
    return out;
  }

  const load = guard(async () => {
    const routes = (await api('GET', '/routes')).data;
    document.querySelector('#routes tbody').replaceChildren(...routes.map(r => el('tr', { dataset: { route: r.name } },
      el('th', { scope: 'row' }, r.name), el('td', {}, (r.objective || 'ordered') + (r['min-quality'] != null ? ' ≥ ' + r['min-quality'] : '')),
      el('td', {}, (r.candidates || []).join(', ')), el('td', {}, r.source + (r.active === false ? ' (inactive)' : '')),
      el('td', { class: 'num' }, r.version ?? '–'),
      el('td', {}, el('button', { type: 'button', class: 'edit', 'aria-label': 'Edit route ' + r.name, onclick: guard(() => open(r.name)) }, 'Edit')))));
    document.body.dataset.loaded = 'routing';
  });

  async function open(name) {
    current = await api('GET', '/routes/' + encodeURIComponent(name));
    document.getElementById('edit-card').hidden = false;
    document.getElementById('edit-name').textContent = name;
    document.getElementById('route-json').value = pretty(editable(current));
    document.getElementById('route-diff').replaceChildren();
    await history(name);
    await examples(name);
  }

  async function history(name) {
    const versions = (await api('GET', '/routes/' + encodeURIComponent(name) + '/versions')).data;
    document.getElementById('route-versions').replaceChildren(...versions.map(v =>
      el('li', {}, 'v' + v.version + ' · ' + v.at.substring(0, 19).replace('T', ' ') + ' · ' + v.by + (v.deleted ? ' · deleted' : ''))));
    const audit = (await api('GET', '/audit?limit=200')).data.filter(a => a.target === name && a.action.startsWith('route.'));
    document.getElementById('route-audit').replaceChildren(...audit.map(a =>
      el('li', {}, a.at.substring(0, 19).replace('T', ' ') + ' · ' + a.action + ' · ' + a.credential)));
  }

  async function examples(name) {
    const box = document.getElementById('eval-box');
    document.getElementById('chart-eval').replaceChildren();
    document.getElementById('eval-table').hidden = true;
    document.querySelector('#eval-table tbody').replaceChildren();
    try {
      const ex = await api('GET', '/routes/' + encodeURIComponent(name) + '/examples');
      box.hidden = !(ex.rows > 0);
      document.getElementById('eval-status').textContent = ex.rows > 0
        ? ex.rows + ' examples in force (' + ex.candidates.join(', ') + '). Upload a labelled test set (CSV) to see the cost/quality curve.'
        : 'No examples in force.';
    } catch (e) {
      if (e.status !== 404) throw e;
      box.hidden = true;
    }
  }

  document.getElementById('route-save').addEventListener('click', guard(async () => {
    let body;
    try { body = JSON.parse(document.getElementById('route-json').value); }
    catch (e) { throw new Error('The route is not valid JSON: ' + e.message); }
    if (current.version != null) body.version = current.version;
    const before = pretty(editable(current));
    const after = await api('PUT', '/routes/' + encodeURIComponent(current.name), body);
    document.getElementById('route-diff').replaceChildren(...diff(before, pretty(editable(after))));
    current = after;
    document.getElementById('route-json').value = pretty(editable(after));
    status('Route ' + after.name + ' saved as version ' + after.version + '.');
    await history(after.name);
    await load();
  }));

  /** A cost per request: three significant digits, never an exponent ($0.0000123). */
  const cost = v => v == null ? '–' : '$' + Number(v).toLocaleString('en-US', { maximumSignificantDigits: 3 });

  /** A row of the evaluation's table; its data-* attributes hold the API's figures as they came. */
  const evalRow = (data, label, r) => el('tr', { dataset: Object.assign({ accuracy: r.accuracy, cost: r.avg_cost_usd }, data) },
    el('th', { scope: 'row' }, label), el('td', { class: 'num' }, pct(r.accuracy)), el('td', { class: 'num' }, cost(r.avg_cost_usd)),
    el('td', {}, Object.entries(r.share || {}).filter(([, s]) => s > 0).map(([m, s]) => m + ' ' + pct(s)).join(', ')));

  document.getElementById('eval-run').addEventListener('click', guard(async () => {
    const file = document.getElementById('eval-file').files[0];
    if (!file) throw new Error('Choose a test set (CSV) first.');
    const said = document.getElementById('eval-status');
    const before = said.textContent;
    said.textContent = 'Evaluating ' + file.name + '…';
    let result;
    try { result = await api('POST', '/routes/' + encodeURIComponent(current.name) + '/evaluate', await file.text(), 'text/csv'); }
    catch (e) { said.textContent = before; throw e; }
    const points = result.points.slice().sort((a, b) => a.avg_cost_usd - b.avg_cost_usd);
    const target = document.getElementById('chart-eval');
    target.replaceChildren();
    // costs per request are fractions of a cent: uPlot's default labels (a few decimals) would read 0, 0, 0.001, 0.001
    new uPlot({ width: Math.max(280, target.clientWidth || 600), height: 240, scales: { x: { time: false } },
      axes: [{ values: (u, ticks) => ticks.map(cost), size: 40 }, { values: (u, ticks) => ticks.map(v => Math.round(100 * v) + ' %'), size: 64 }],
      series: [{ label: 'avg cost (USD)', value: (u, v) => v == null ? '–' : cost(v) },
        { label: 'accuracy', stroke: '#16a34a', points: { show: true }, value: (u, v) => v == null ? '–' : pct(v) }] },
      [points.map(p => p.avg_cost_usd), points.map(p => p.accuracy)], target);
    // consecutive operating points that decide alike share a row: min-quality 0.05–0.45
    const groups = [];
    for (const p of result.points) {
      const last = groups[groups.length - 1];
      if (last && last.r.accuracy === p.accuracy && last.r.avg_cost_usd === p.avg_cost_usd
          && JSON.stringify(last.r.share) === JSON.stringify(p.share)) last.to = p.operating_point;
      else groups.push({ from: p.operating_point, to: p.operating_point, r: p });
    }
    const b = result.baselines;
    document.querySelector('#eval-table tbody').replaceChildren(
      ...groups.map(g => evalRow({ point: g.from, to: g.to }, 'min-quality ' + g.from + (g.to !== g.from ? '–' + g.to : ''), g.r)),
      ...Object.entries(b.candidates).map(([m, r]) => evalRow({ baseline: m }, 'always ' + m, Object.assign({ share: { [m]: 1 } }, r))),
      evalRow({ baseline: 'oracle' }, 'oracle (per prompt, the cheapest best candidate)', b.oracle));
    document.getElementById('eval-table').hidden = false;
    said.textContent = result.rows + ' test rows (' + file.name + '), predicted from ' + result.examples
      + ' examples in force: ' + result.points.length + ' operating points.';
    document.body.dataset.evaluated = String(Date.now());
  }));

  document.getElementById('explain-form').addEventListener('submit', guard(async e => {
    e.preventDefault();
    let request;
    try { request = JSON.parse(e.target.request.value); }
    catch (err) { throw new Error('The request is not valid JSON: ' + err.message); }
    const d = await api('POST', '/routing/explain', { team: e.target.team.value.trim(), request });
    document.getElementById('explain-summary').textContent = d.error
      ? 'Refused: ' + d.error.status + ' ' + d.error.code + ' — ' + d.error.message
      : 'Route ' + (d.route || '–') + (d.rule ? ' (rule ' + d.rule + ')' : '') + ', objective ' + (d.objective || '–')
        + ': chooses ' + (d.choice ? d.choice.model : '–') + (d.quality ? ' · quality from ' + d.quality.source : '');
    document.querySelector('#explain tbody').replaceChildren(...d.candidates.map(c => el('tr', { class: c.kept ? 'kept' : 'dropped', dataset: { model: c.model } },
      el('th', { scope: 'row' }, c.model), el('td', {}, c.deployment || '–'), el('td', {}, c.kept ? 'kept' : 'dropped'),
      el('td', {}, c.kept ? '' : (c.reason || '') + (c.detail ? ': ' + c.detail : '')),
      el('td', { class: 'num' }, c.predicted_quality ?? '–'), el('td', { class: 'num' }, c.estimated_cost_usd == null ? '–' : usd(c.estimated_cost_usd)))));
    document.body.dataset.explained = String(Date.now());
  }));

  load();
})();
