// Frugal console: shared helpers. Every call goes to /console/api/..., which the gateway checks against the
// session (and its CSRF token for changes) before handing it to the admin API.
'use strict';
const Console = (() => {
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;
  const body = document.body;

  async function api(method, path, payload, contentType) {
    const init = { method, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' };
    if (method !== 'GET') init.headers['X-CSRF-Token'] = csrf();
    if (payload !== undefined) {
      init.headers['Content-Type'] = contentType || 'application/json';
      init.body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    }
    const resp = await fetch('/console/api' + path, init);
    const text = await resp.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    if (!resp.ok) {
      if (resp.status === 401) { window.location.assign('/console/login'); }
      const err = new Error(json && json.error ? json.error.message : ('HTTP ' + resp.status));
      err.status = resp.status;
      err.body = json;
      throw err;
    }
    return json;
  }

  /** An element with attributes and children (strings become text nodes: nothing is parsed as HTML). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function status(message, isError) {
    const s = document.getElementById('status');
    if (!s) return;
    s.textContent = message || '';
    s.className = isError ? 'error' : 'ok';
  }

  const usd = v => (v === null || v === undefined) ? '–' : '$' + Number(v).toFixed(Math.abs(Number(v)) < 1 ? 4 : 2);
  const pct = v => (v === null || v === undefined || isNaN(v)) ? '–' : (100 * v).toFixed(1) + ' %';
  const isoDate = d => d.toISOString().substring(0, 10);

  /** Runs an async action and reports its failure in the status line (never an unhandled rejection). */
  function guard(fn) {
    return async (...args) => {
      try { status(''); await fn(...args); }
      catch (e) { status(e.message, true); }
    };
  }

  return { api, el, status, usd, pct, isoDate, guard, admin: body.dataset.role === 'admin', team: body.dataset.team };
})();
