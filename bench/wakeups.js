#!/usr/bin/env node
// Reads a kernel trace recorded by bench/wakeups.sh (the text of /sys/kernel/tracing/trace: scheduler wakeups and
// switches, network system calls) of wrk -c1 through one proxy, and prints, in microseconds of the kernel's clock:
//  1. the proxy event loop's time a request, in the order the request goes: from its wakeup to the send upstream
//     (the request's own work), after the send until it waits again, the upstream's round trip, from its wakeup to
//     the answer's write to the client, after the write until it waits again, and from the write to the next request;
//  2. each wakeup between the client (wrk), the proxy and the upstream (nginx): on the waker's CPU or on the other,
//     and the time from the wakeup to the woken thread running;
//  3. the client's latency (its write of a request to its read of the answer), by how many wakeups in it went
//     to the other CPU: each costs this machine some 30 µs where one on the same CPU costs 1 or 2.
// Node built-ins only.   node bench/wakeups.js TRACE [LOOP_NAME]
'use strict';

const fs = require('fs');
const [file, loopName = 'vert.x-eventloo'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/wakeups.js TRACE [LOOP_NAME]\n');
  process.exit(2);
}

// "  vert.x-eventloo-7011    [000] .....   502.516549: sys_recvfrom -> 0x1b3"
const LINE = /^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+\S+\s+([\d.]+): (\w+):? ?(.*)$/;
const events = [];
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  const m = LINE.exec(line);
  if (m) events.push({ comm: m[1], cpu: m[3], us: Number(m[4]) * 1e6, name: m[5], rest: m[6] });
}
const role = comm => (comm.startsWith(loopName) ? 'proxy' : comm === 'wrk' ? 'client' : comm === 'nginx' ? 'upstream' : null);
const isExit = e => e.rest.startsWith('->');

function quantiles(values) {
  if (values.length === 0) return 'n 0';
  const v = values.slice().sort((a, b) => a - b);
  const at = q => v[Math.min(v.length - 1, Math.floor(q * v.length))];
  return `n ${String(v.length).padStart(6)}   p50 ${at(0.5).toFixed(0).padStart(4)}   p90 ${at(0.9).toFixed(0).padStart(4)}`;
}

// 1. The proxy's event loop, request by request (one loop carries the one connection and its upstream).
const seg = { 'wakeup → send upstream': [], 'after the send': [], 'upstream round trip': [], 'wakeup → write to client': [],
  'after the write': [], 'write → next request': [] };
let woke = null, sentAt = null, wroteAt = null, after = null;
for (const e of events) {
  if (role(e.comm) !== 'proxy') continue;
  const wait = e.name === 'sys_epoll_pwait2' || e.name === 'sys_epoll_wait' || e.name === 'sys_epoll_pwait';
  if (wait && isExit(e)) {
    woke = e.us;
    if (sentAt !== null) seg['upstream round trip'].push(e.us - sentAt);
    if (wroteAt !== null) seg['write → next request'].push(e.us - wroteAt);
    sentAt = wroteAt = null;
  } else if (wait) {
    if (after) seg[after.what].push(e.us - after.us);
    after = null;
  } else if (e.name === 'sys_sendto' && !isExit(e) && woke !== null) {
    seg['wakeup → send upstream'].push(e.us - woke);
  } else if (e.name === 'sys_sendto') {
    sentAt = e.us; after = { what: 'after the send', us: e.us };
  } else if (e.name === 'sys_writev' && !isExit(e) && woke !== null) {
    seg['wakeup → write to client'].push(e.us - woke);
  } else if (e.name === 'sys_writev') {
    wroteAt = e.us; after = { what: 'after the write', us: e.us };
  }
}
console.log(`## ${file}\n\nThe proxy's event loop, a request at a time (µs):`);
for (const [what, v] of Object.entries(seg)) console.log(`  ${what.padEnd(26)} ${quantiles(v)}`);

// 2. Wakeups among the three: sched_waking names the waker's CPU, sched_wakeup the CPU chosen, sched_switch the run.
const waking = new Map(), chosen = new Map(), wakeups = new Map();
const crossings = []; // every wakeup among the three, in order: when it was asked for, and whether it crossed CPUs
for (const e of events) {
  if (e.name === 'sched_waking' || e.name === 'sched_wakeup') {
    const comm = /comm=(.*?) pid=/.exec(e.rest)?.[1];
    const target = /target_cpu=(\d+)/.exec(e.rest)?.[1];
    if (!role(comm)) continue;
    if (e.name === 'sched_waking') { if (role(e.comm)) waking.set(role(comm), { us: e.us, by: role(e.comm), cpu: e.cpu }); }
    else if (waking.has(role(comm))) {
      const w = waking.get(role(comm));
      waking.delete(role(comm));
      chosen.set(role(comm), { ...w, cross: target !== w.cpu });
      crossings.push({ us: w.us, cross: target !== w.cpu });
    }
  } else if (e.name === 'sched_switch') {
    const next = role(/next_comm=(.*?) next_pid=/.exec(e.rest)?.[1]);
    if (next && chosen.has(next)) {
      const w = chosen.get(next);
      chosen.delete(next);
      const key = `${w.by} wakes ${next}, ${w.cross ? 'other CPU' : 'same CPU '}`;
      if (!wakeups.has(key)) wakeups.set(key, []);
      wakeups.get(key).push(e.us - w.us);
    }
  }
}
console.log('\nWakeups: from the waker\'s wakeup call to the woken thread running (µs):');
for (const key of [...wakeups.keys()].sort()) console.log(`  ${key.padEnd(36)} ${quantiles(wakeups.get(key))}`);

// 3. The client's latency, by how many of the wakeups in it crossed CPUs: with two CPUs for three threads, the one
// alone on its CPU is the client or the upstream (two wakeups across CPUs a request) or the proxy (four).
const latency = new Map();
let start = null, i = 0;
for (const e of events) {
  if (role(e.comm) !== 'client') continue;
  if ((e.name === 'sys_write' || e.name === 'sys_sendto') && !isExit(e)) start = e.us;
  else if ((e.name === 'sys_read' || e.name === 'sys_recvfrom') && isExit(e) && start !== null && !e.rest.startsWith('-> 0xfff')) {
    while (i < crossings.length && crossings[i].us < start) i++;
    let n = 0;
    for (let j = i; j < crossings.length && crossings[j].us <= e.us; j++) if (crossings[j].cross) n++;
    const key = Math.min(n, 4);
    if (!latency.has(key)) latency.set(key, []);
    latency.get(key).push(e.us - start);
    start = null;
  }
}
const all = [...latency.values()].reduce((n, v) => n + v.length, 0);
console.log('\nThe client\'s latency, its write to its read of the answer, by the wakeups across CPUs in it (µs):');
for (const key of [...latency.keys()].sort()) {
  const v = latency.get(key);
  console.log(`  ${(key === 4 ? '4 or more' : String(key)).padEnd(26)} ${quantiles(v)}   (${((100 * v.length) / all).toFixed(0)} % of requests)`);
}
console.log(`  ${'all'.padEnd(26)} ${quantiles([...latency.values()].flat())}`);
