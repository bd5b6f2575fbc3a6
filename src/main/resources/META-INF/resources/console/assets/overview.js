'use strict';
(() => {
  const { api, el, usd, pct, isoDate, guard } = Console;
  const form = document.getElementById('range');
  const local = new Set((form.dataset.localProviders || '').split(',').filter(Boolean));
  const today = new Date();
  document.getElementById('to').value = isoDate(today);
  document.getElementById('from').value = isoDate(new Date(today.getTime() - 29 * 86400000));
  const charts = {};

  const query = (groupBy, format) => {
    const p = new URLSearchParams({ from: form.from.value, to: form.to.value, interval: form.interval.value, group_by: groupBy });
    if (format) p.set('format', format);
    return '/reports/usage?' + p.toString();
  };
  const sum = (rows, f) => rows.reduce((a, r) => a + Number(r[f] || 0), 0);

  function table(id, rows) {
    const tbody = document.querySelector('#' + id + ' tbody');
    tbody.replaceChildren(...rows);
  }

  /** Totals per group over the range, largest spend first. */
  function byGroup(rows, field) {
    const m = new Map();
    for (const r of rows) {
      const k = r[field];
      const t = m.get(k) || { name: k, cost: 0, requests: 0, savings: 0 };
      t.cost += Number(r.cost_usd); t.requests += r.requests; t.savings += Number(r.savings_usd);
      m.set(k, t);
    }
    return [...m.values()].sort((a, b) => b.cost - a.cost || a.name.localeCompare(b.name));
  }

  function periodTime(p) {
    // "2026-12-06", "2026-12-06T10:00:00Z" or "2026-12": seconds since the epoch, UTC
    const s = p.length === 7 ? p + '-01' : p;
    return Date.parse(s.length === 10 ? s + 'T00:00:00Z' : s) / 1000;
  }

  function draw(id, opts, data) {
    const target = document.getElementById(id);
    if (charts[id]) charts[id].destroy();
    const width = Math.max(280, target.clientWidth || 600);
    charts[id] = new uPlot(Object.assign({ width, height: 260 }, opts), data, target);
  }

  const palette = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#ea580c'];

  /** Every period of the range, in the report's own format (2026-11-28T13:00:00Z, 2026-11-28, 2026-11), so empty ones show as 0. */
  function allPeriods(rows) {
    const out = [];
    const interval = form.interval.value;
    const d = new Date(form.from.value + 'T00:00:00Z'), end = new Date(form.to.value + 'T00:00:00Z');
    end.setUTCDate(end.getUTCDate() + 1);
    if (interval === 'month') d.setUTCDate(1);
    while (d < end && out.length < 2000) {
      if (interval === 'hour') { out.push(d.toISOString().substring(0, 13) + ':00:00Z'); d.setUTCHours(d.getUTCHours() + 1); }
      else if (interval === 'day') { out.push(isoDate(d)); d.setUTCDate(d.getUTCDate() + 1); }
      else { out.push(isoDate(d).substring(0, 7)); d.setUTCMonth(d.getUTCMonth() + 1); }
    }
    return [...new Set(out.concat(rows.map(r => r.period)))].sort();
  }

  function spendChart(rows) {
    const periods = allPeriods(rows);
    const teams = byGroup(rows, 'team').map(t => t.name);
    const xs = periods.map(periodTime);
    const raw = teams.map(t => periods.map(p => rows.filter(r => r.team === t && r.period === p).reduce((a, r) => a + Number(r.cost_usd), 0)));
    // stacked: each series is the running total of the ones before it, drawn as filled bands
    const stacked = raw.map((_, i) => periods.map((__, j) => raw.slice(0, i + 1).reduce((a, s) => a + s[j], 0)));
    const series = [{}].concat(teams.map((t, i) => ({ label: t, stroke: palette[i % palette.length],
      fill: palette[i % palette.length] + '55', value: (u, v, si, di) => di == null ? '–' : usd(raw[i][di]) })));
    const bands = teams.slice(1).map((_, i) => ({ series: [i + 2, i + 1] }));
    draw('chart-spend', { series, bands, axes: [{}, { values: (u, vals) => vals.map(v => '$' + v) }] }, [xs, ...stacked]);
  }

  function latencyChart(rows) {
    const periods = allPeriods(rows);
    const at = new Map(rows.map(r => [r.period, r]));
    const field = f => periods.map(p => at.has(p) ? at.get(p)[f] : null);
    draw('chart-latency', { series: [{}, { label: 'p50 ms', stroke: '#2563eb', points: { show: true } },
      { label: 'p95 ms', stroke: '#dc2626', points: { show: true } }] },
      [periods.map(periodTime), field('p50_latency_ms'), field('p95_latency_ms')]);
  }

  const load = guard(async () => {
    const [byTeam, byModel, byProvider, total] = await Promise.all(
      ['team', 'model', 'provider', ''].map(g => api('GET', query(g))));
    for (const [id, g] of [['csv-team', 'team'], ['csv-model', 'model'], ['csv-provider', 'provider'], ['csv-total', '']]) {
      document.getElementById(id).href = '/console/api' + query(g, 'csv');
    }
    const rows = total.data;
    const cost = sum(rows, 'cost_usd'), requests = sum(rows, 'requests');
    document.getElementById('kpi-cost').textContent = usd(cost);
    document.getElementById('kpi-requests').textContent = requests.toLocaleString('en');
    document.getElementById('kpi-savings').textContent = usd(sum(rows, 'savings_usd'));
    document.getElementById('kpi-cache-rate').textContent = requests ? pct(sum(rows, 'cache_hits') / requests) : '–';
    document.getElementById('kpi-cache-savings').textContent = usd(sum(rows, 'cache_savings_usd'));
    document.getElementById('kpi-errors').textContent = requests ? pct(sum(rows, 'errors') / requests) : '–';
    const providers = byGroup(byProvider.data, 'provider');
    const localRequests = providers.filter(p => local.has(p.name)).reduce((a, p) => a + p.requests, 0);
    const allProvider = providers.reduce((a, p) => a + p.requests, 0);
    document.getElementById('kpi-local').textContent = allProvider ? pct(localRequests / allProvider) : '–';

    table('table-team', byGroup(byTeam.data, 'team').map(t => el('tr', { dataset: { team: t.name } },
      el('th', { scope: 'row' }, t.name), el('td', { class: 'num', dataset: { cost: t.cost.toFixed(6) } }, usd(t.cost)),
      el('td', { class: 'num' }, t.requests), el('td', { class: 'num' }, usd(t.savings)))));
    const models = byGroup(byModel.data, 'model');
    table('table-model', models.map(m => el('tr', {}, el('th', { scope: 'row' }, m.name), el('td', { class: 'num' }, usd(m.cost)),
      el('td', { class: 'num' }, m.requests),
      el('td', {}, el('span', { class: 'bar', role: 'img', 'aria-label': pct(cost ? m.cost / cost : 0) },
        el('span', { style: 'width:' + (cost ? (100 * m.cost / cost).toFixed(1) : 0) + '%' }))))));
    table('table-provider', providers.map(p => el('tr', {}, el('th', { scope: 'row' }, p.name || '(none)'),
      el('td', {}, local.has(p.name) ? 'local' : 'hosted'), el('td', { class: 'num' }, usd(p.cost)), el('td', { class: 'num' }, p.requests))));
    table('table-total', rows.map(r => el('tr', {}, el('th', { scope: 'row' }, r.period), el('td', { class: 'num' }, r.requests),
      el('td', { class: 'num' }, r.errors), el('td', { class: 'num' }, r.p50_latency_ms ?? '–'), el('td', { class: 'num' }, r.p95_latency_ms ?? '–'),
      el('td', { class: 'num' }, r.cache_hits), el('td', { class: 'num' }, usd(r.cache_savings_usd)))));
    spendChart(byTeam.data);
    latencyChart(rows);
    document.body.dataset.loaded = 'overview';
  });

  form.addEventListener('submit', e => { e.preventDefault(); load(); });
  load();
})();
