#!/usr/bin/env node
// Reads a kernel trace recorded by bench/wakeups.sh (the text of /sys/kernel/tracing/trace: scheduler wakeups and
// switches, network system calls) of wrk -c1 (or paced streams) through one proxy, and prints, in µs of the kernel's clock:
//  1. the proxy event loop's work after the send upstream and after the write to the client, until it waits again;
//  2. each wakeup between the client (wrk), the proxy and the upstream (nginx): on the waker's CPU or on the other,
//     and the time from the wakeup to the woken thread running;
//  3. each leg of a request, from the client's write to its read of the answer (or of a stream's first chunk):
//     → the proxy's loop running, → the request written upstream, → the upstream writing, → the loop running again,
//     → the answer written to the client, → the client reading it;
//  4. the client's latency (its write of a request to its read of the answer), by how many wakeups in it went
//     to the other CPU: each costs this machine some 30 µs where one on the same CPU costs 1 or 2.
// With --client PID --upstream PID (bench/wakeups.sh with PACED=1: both are node), the roles go by process id and
// requests overlap: 1 and 4, which assume one request at a time, are left out.
// Node built-ins only.   node bench/wakeups.js TRACE [LOOP_NAME] [--client PID --upstream PID]
'use strict';

const fs = require('fs');
const argv = process.argv.slice(2);
const option = name => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : null);
const clientPid = option('--client'), upstreamPid = option('--upstream');
const [file, loopName = 'vert.x-eventloo'] = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
if (!file) {
  process.stderr.write('usage: node bench/wakeups.js TRACE [LOOP_NAME] [--client PID --upstream PID]\n');
  process.exit(2);
}
const byPid = clientPid !== null;

// "  vert.x-eventloo-7011    [000] .....   502.516549: sys_recvfrom -> 0x1b3"
const LINE = /^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+\S+\s+([\d.]+): (\w+):? ?(.*)$/;
const events = [];
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  const m = LINE.exec(line);
  if (m) events.push({ comm: m[1], pid: m[2], cpu: m[3], us: Number(m[4]) * 1e6, name: m[5], rest: m[6] });
}
const role = (comm, pid) => (comm?.startsWith(loopName) ? 'proxy'
  : byPid ? (pid === clientPid ? 'client' : pid === upstreamPid ? 'upstream' : null)
    : comm === 'wrk' ? 'client' : comm === 'nginx' ? 'upstream' : null);
const isExit = e => e.rest.startsWith('->');

function quantiles(values) {
  if (values.length === 0) return 'n 0';
  const v = values.slice().sort((a, b) => a - b);
  const at = q => v[Math.min(v.length - 1, Math.floor(q * v.length))];
  return `n ${String(v.length).padStart(6)}   p50 ${at(0.5).toFixed(0).padStart(4)}   p90 ${at(0.9).toFixed(0).padStart(4)}`;
}

// 1. What the proxy's loop does after it wrote — upstream, then to the client — until it waits again: work the legs
// below do not see, as it delays no byte of this request but holds the CPU the next wakeup may need.
const isWait = e => e.name.startsWith('sys_epoll');
const afterWrite = { 'after the send upstream': [], 'after the write to the client': [] };
let wrote = null;
for (const e of byPid ? [] : events) {
  if (role(e.comm) !== 'proxy') continue;
  if (isWait(e)) {
    if (wrote && !isExit(e)) afterWrite[wrote.what].push(e.us - wrote.us);
    wrote = null;
  } else if (isExit(e) && (e.name === 'sys_sendto' || e.name === 'sys_writev')) {
    wrote = { what: e.name === 'sys_sendto' ? 'after the send upstream' : 'after the write to the client', us: e.us };
  }
}
console.log(`## ${file}`);
if (!byPid) {
  console.log('\nThe proxy\'s event loop after it wrote, until it waits again (µs):');
  for (const [what, v] of Object.entries(afterWrite)) console.log(`  ${what.padEnd(46)} ${quantiles(v)}`);
}

// 2. Wakeups among the three: sched_waking names the waker's CPU, sched_wakeup the CPU chosen, sched_switch the run.
const waking = new Map(), chosen = new Map(), wakeups = new Map();
const crossings = []; // every wakeup among the three, in order: when it was asked for, and whether it crossed CPUs
for (const e of events) {
  if (e.name === 'sched_waking' || e.name === 'sched_wakeup') {
    const [, comm, pid] = /comm=(.*?) pid=(\d+)/.exec(e.rest) ?? [];
    const target = /target_cpu=(\d+)/.exec(e.rest)?.[1];
    const woken = role(comm, pid);
    if (!woken) continue;
    if (e.name === 'sched_waking') { if (role(e.comm, e.pid)) waking.set(woken, { us: e.us, by: role(e.comm, e.pid), cpu: e.cpu }); }
    else if (waking.has(woken)) {
      const w = waking.get(woken);
      waking.delete(woken);
      chosen.set(woken, { ...w, cross: target !== w.cpu });
      crossings.push({ us: w.us, cross: target !== w.cpu });
    }
  } else if (e.name === 'sched_switch') {
    const [, nextComm, nextPid] = /next_comm=(.*?) next_pid=(\d+)/.exec(e.rest) ?? [];
    const next = role(nextComm, nextPid);
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

// 3. Each leg of a request. The client's write of n bytes is read by the loop that reads n bytes next; that loop's
// next write elsewhere goes upstream (m bytes); the upstream's next read of m bytes, its next write; the loop's last
// wakeup before it writes to the client's connection; the client's next read on the connection it wrote to.
const fdOf = e => /fd: (0x[0-9a-f]+)/.exec(e.rest)?.[1];
const size = e => parseInt(/-> (0x[0-9a-f]+)/.exec(e.rest)?.[1] ?? 'NaN', 16);
const isWrite = e => (e.name === 'sys_write' || e.name === 'sys_writev' || e.name === 'sys_sendto');
const isRead = e => (e.name === 'sys_read' || e.name === 'sys_recvfrom');
const legNames = ['the client\'s write → the loop running', 'the loop: → the request written upstream', '→ the upstream writes',
  '→ the loop running again', 'the loop: → the answer written to the client', '→ the client reads it', 'the whole'];
const legs = legNames.map(() => []);
function follow(k) { // from the client's write at events[k]: the legs' times, or null where the request cannot be followed
  const start = events[k], clientFd = fdOf(start);
  const find = (from, test, limit = 20000) => { for (let j = from; j < Math.min(events.length, from + limit); j++) if (test(events[j])) return j; return -1; };
  const exit = find(k + 1, e => e.pid === start.pid && e.name === start.name && isExit(e), 50);
  if (exit < 0) return null;
  const n = size(events[exit]);
  const loopRead = find(exit + 1, e => role(e.comm) === 'proxy' && isRead(e) && isExit(e) && size(e) === n);
  if (loopRead < 0) return null;
  const loop = events[loopRead].pid;
  let wake = -1, readFd = null;
  for (let j = loopRead - 1; j > k && (wake < 0 || readFd === null); j--) {
    const e = events[j];
    if (e.pid !== loop) continue;
    if (readFd === null && isRead(e) && !isExit(e)) readFd = fdOf(e);
    if (isWait(e) && isExit(e)) wake = j;
  }
  if (wake < 0) return null;
  const up = find(loopRead + 1, e => e.pid === loop && isWrite(e) && !isExit(e) && fdOf(e) !== readFd);
  if (up < 0) return null;
  const upExit = find(up + 1, e => e.pid === loop && e.name === events[up].name && isExit(e), 200);
  if (upExit < 0) return null;
  const m = size(events[upExit]);
  const upRead = find(upExit + 1, e => role(e.comm, e.pid) === 'upstream' && isRead(e) && isExit(e) && size(e) === m);
  if (upRead < 0) return null;
  const upWrite = find(upRead + 1, e => e.pid === events[upRead].pid && isWrite(e) && !isExit(e));
  const out = upWrite < 0 ? -1 : find(upWrite + 1, e => e.pid === loop && isWrite(e) && !isExit(e) && fdOf(e) === readFd);
  if (out < 0) return null;
  let wake2 = -1;
  for (let j = out - 1; j > upWrite && wake2 < 0; j--) if (events[j].pid === loop && isWait(events[j]) && isExit(events[j])) wake2 = j;
  const clientRead = find(out + 1, e => e.pid === start.pid && isRead(e) && !isExit(e) && fdOf(e) === clientFd);
  const readExit = clientRead < 0 ? -1 : find(clientRead + 1, e => e.pid === start.pid && isRead(e) && isExit(e), 50);
  if (wake2 < 0 || readExit < 0) return null;
  const t = [start, events[wake], events[up], events[upWrite], events[wake2], events[out], events[readExit]].map(e => e.us);
  return [t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3], t[5] - t[4], t[6] - t[5], t[6] - t[0]];
}
let followed = 0, lost = 0;
events.forEach((e, k) => {
  if (role(e.comm, e.pid) !== 'client' || !isWrite(e) || isExit(e)) return;
  const t = follow(k);
  if (t === null) { lost++; return; }
  followed++;
  t.forEach((v, i) => legs[i].push(v));
});
console.log(`\nEach leg of a request, to ${byPid ? 'its first chunk' : 'its answer'} (µs; ${followed} requests followed, ${lost} not):`);
legNames.forEach((name, i) => console.log(`  ${name.padEnd(46)} ${quantiles(legs[i])}`));
if (byPid) process.exit(0);

// 4. The client's latency, by how many of the wakeups in it crossed CPUs: with two CPUs for three threads, the one
// alone on its CPU is the client or the upstream (two wakeups across CPUs a request) or the proxy (four).
const latency = new Map();
let start = null, i = 0;
for (const e of events) {
  if (role(e.comm) !== 'client') continue;
  if (isWrite(e) && !isExit(e)) start = e.us;
  else if (isRead(e) && isExit(e) && start !== null && !e.rest.startsWith('-> 0xfff')) {
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
