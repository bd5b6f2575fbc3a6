#!/usr/bin/env node
// Where the time goes in a collapsed-stack profile (async-profiler's "collapsed" output, one
// "frame;frame;...;leaf count" a line), as bench/profile.sh records it. Node built-ins only.
//   node bench/profile-summary.js FILE [--alloc] [--top N]
// Prints shares of all samples: by kind of thread, by the component of the leaf frame (kernel, Netty,
// Vert.x, Jackson, H2, Frugal, the JDK, the JVM itself), the kernel's share by the system call it was
// entered from, the top leaf frames, and the innermost Frugal frame with all it calls. With --alloc (an
// allocation profile, counts in bytes) the leaf frame is the allocated class: the component is that of
// the frame that allocated it, and the classes replace the kernel's table.
'use strict';

const fs = require('fs');

const args = process.argv.slice(2);
if (args.length < 1 || args[0].startsWith('-')) {
  process.stderr.write('usage: node bench/profile-summary.js FILE [--alloc] [--top N]\n');
  process.exit(2);
}
const alloc = args.includes('--alloc');
const topAt = args.indexOf('--top');
const top = topAt > 0 ? Number(args[topAt + 1]) : 20;

const KINDS = [ // first match wins, tested against the whole stack
  ['GC', /DefNew|GenCollect|SerialHeap|VM_GenCollect|G1|ParallelGC|PSScavenge|MarkSweep/],
  ['JIT compiler', /CompileBroker|C2Compiler|Compiler::|Compilation::/],
  ['ledger writer', /dev\/frugal\/ledger\/LedgerWriter/],
  ['event loops', /EpollEventLoop|NioEventLoop|KQueueEventLoop/],
];
const COMPONENTS = [ // tested against the leaf frame that is not the kernel's
  ['Frugal', 'dev/frugal/'], ['Jackson', 'com/fasterxml/'], ['H2', 'org/h2/'], ['Micrometer', 'io/micrometer/'],
  ['Vert.x Web', 'io/vertx/ext/web/'], ['Vert.x HTTP', 'io/vertx/core/http/'], ['Vert.x', 'io/vertx/'],
  ['Quarkus', 'io/quarkus/'], ['Netty HTTP codec', 'io/netty/handler/codec/'], ['Netty', 'io/netty/'],
  ['SmallRye', 'io/smallrye/'], ['Agroal', 'io/agroal/'], ['Caffeine', 'com/github/benmanes/'],
  ['JDK', 'java/'], ['JDK', 'jdk/'], ['JDK', 'sun/'],
];
const isKernel = (f) => f.endsWith('_[k]');
const name = (f) => f.replace(/\(.*$/, '');

let total = 0;
const kinds = new Map();
const components = new Map();
const syscalls = new Map();
const leaves = new Map();
const frugal = new Map();
const add = (m, k, n) => m.set(k, (m.get(k) || 0) + n);

for (const line of fs.readFileSync(args[0], 'utf8').split('\n')) {
  const sp = line.lastIndexOf(' ');
  if (sp < 0) continue;
  const n = Number(line.slice(sp + 1));
  if (!Number.isFinite(n)) continue;
  const stack = line.slice(0, sp);
  const frames = stack.split(';');
  total += n;
  add(kinds, (KINDS.find(([, re]) => re.test(stack)) || ['other'])[0], n);
  if (alloc) frames.pop(); // the allocated class: counted below, its allocating frame is the leaf
  const leaf = frames[frames.length - 1] || '?';
  add(leaves, name(leaf), n);
  if (alloc) add(syscalls, stack.slice(stack.lastIndexOf(';') + 1).replace(/_\[[ik]\]$/, ''), n);
  if (!alloc && isKernel(leaf)) {
    add(components, 'kernel', n);
    const first = frames.findIndex(isKernel);
    add(syscalls, first > 0 ? name(frames[first - 1]) : '(kernel only)', n);
  } else {
    const c = COMPONENTS.find(([, p]) => leaf.startsWith(p));
    add(components, c ? c[0] : 'JVM (native, stubs, GC, JIT)', n);
  }
  for (let i = frames.length - 1; i >= 0; i--) {
    if (frames[i].startsWith('dev/frugal/')) { add(frugal, name(frames[i]), n); break; }
  }
}

if (total === 0) {
  process.stderr.write(`no samples in ${args[0]}\n`);
  process.exit(1);
}
const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)} %`;
function table(title, m, limit) {
  console.log(`\n${title}`);
  [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).forEach(([k, v]) => console.log(`  ${pct(v)}  ${k}`));
}
console.log(`${total} ${alloc ? 'bytes sampled' : 'samples'} in ${args[0]}`);
table('By thread', kinds, 10);
table('By the component of the leaf frame', components, 20);
if (alloc) table(`Allocated classes (top ${top})`, syscalls, top);
else table('Kernel, by the call it was entered from', syscalls, 8);
table(`Top ${top} leaf frames`, leaves, top);
table(`Innermost Frugal frame, with all it calls (top ${top})`, frugal, top);
