#!/usr/bin/env bash
# Where the time and the allocations go in a JFR recording (docs/benchmarks.md, issue 15), as markdown:
# CPU samples (jdk.ExecutionSample) by thread, by component (a sample counts for a component when any frame
# of its stack is in it: inclusive), the hottest methods (top frame: self time) and the hottest Frugal
# methods (the first dev.frugal frame of each stack); allocation samples (jdk.ObjectAllocationSample,
# weighted by bytes) by class and by the first Frugal frame.
# Usage: bench/jfr-top.sh recording.jfr [rows, default 20]
set -euo pipefail
[ -f "${1:-}" ] || { echo "usage: $0 recording.jfr [rows]" >&2; exit 2; }
command -v jfr >/dev/null 2>&1 || { echo "jfr (from the JDK) not found" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
jfr print --json --stack-depth 64 --events jdk.ExecutionSample "$1" >"$tmp/cpu.json"
jfr print --json --stack-depth 64 --events jdk.ObjectAllocationSample "$1" >"$tmp/alloc.json"
python3 - "$tmp/cpu.json" "$tmp/alloc.json" "${2:-20}" <<'PY'
import collections, json, re, sys

rows = int(sys.argv[3])
COMPONENTS = [  # (name, frame prefix); a sample counts once per component
    ("ledger writer + H2", ("dev.frugal.ledger.LedgerStore", "org.h2.")),
    ("PostgreSQL driver", ("org.postgresql.",)),
    ("Micrometer (metrics)", ("io.micrometer.",)),
    ("Jackson (JSON)", ("com.fasterxml.jackson.",)),
    ("Netty", ("io.netty.",)),
    ("Vert.x", ("io.vertx.",)),
    ("Frugal HTTP edge", ("dev.frugal.api.",)),
    ("Frugal pipeline", ("dev.frugal.pipeline.",)),
    ("Frugal routing", ("dev.frugal.routing.",)),
    ("Frugal pricing/catalog", ("dev.frugal.catalog.",)),
    ("Frugal telemetry", ("dev.frugal.telemetry.",)),
    ("Frugal tenancy/quotas", ("dev.frugal.tenancy.",)),
    ("Frugal wire (JSON shapes)", ("dev.frugal.wire.",)),
    ("Frugal providers", ("dev.frugal.provider.",)),
    ("logging", ("org.jboss.logmanager.", "org.jboss.logging.")),
]

def events(path):
    with open(path) as f:
        return json.load(f)["recording"]["events"]

def frames(e):
    st = e["values"].get("stackTrace") or {}
    out = []
    for fr in st.get("frames", []):
        m = fr["method"]
        out.append(m["type"]["name"].replace("/", ".") + "." + m["name"])
    return out

def thread_group(name):
    name = name or "?"
    name = re.sub(r"[-#]?\d+$", "", name)
    return re.sub(r"-\d+-", "-N-", name)

def table(title, counter, total, unit="samples", scale=1):
    print(f"| {title} | {unit} | share |")
    print("|---|---:|---:|")
    for k, v in counter.most_common(rows):
        print(f"| `{k}` | {v / scale:.0f} | {100.0 * v / total:.1f} % |")
    print()

cpu = events(sys.argv[1])
n = len(cpu) or 1
threads, comps, self_, ours = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
for e in cpu:
    th = e["values"].get("sampledThread") or {}
    threads[thread_group(th.get("javaName") or th.get("osName"))] += 1
    fs = frames(e)
    if fs:
        self_[fs[0]] += 1
    for name, prefixes in COMPONENTS:
        if any(f.startswith(prefixes) for f in fs):
            comps[name] += 1
    first = next((re.sub(r"\$\$Lambda\$[0-9a-fx+]*\.\d+\.", "$$Lambda.", f) for f in fs if f.startswith("dev.frugal.")), None)
    if first:
        ours[first] += 1
print(f"CPU: {len(cpu)} execution samples (20 ms per running Java thread in JFR's profile settings).\n")
table("thread", threads, n)
table("component (inclusive)", comps, n)
table("method (self)", self_, n)
table("first Frugal frame", ours, n)

alloc = events(sys.argv[2])
by_class, by_ours = collections.Counter(), collections.Counter()
total = 0
for e in alloc:
    w = int(e["values"].get("weight") or 0)
    total += w
    by_class[(e["values"].get("objectClass") or {}).get("name", "?").replace("/", ".")] += w
    fs = frames(e)
    first = next((f for f in fs if f.startswith("dev.frugal.")), "(no Frugal frame: " + (fs[0] if fs else "?") + ")")
    by_ours[re.sub(r"\(no Frugal frame: (\w+\.\w+\.\w+).*", r"(no Frugal frame: \1…)", first)] += w
total = total or 1
print(f"Allocation: {len(alloc)} samples, {total / 2**20:.0f} MiB sampled weight.\n")
table("allocated class", by_class, total, "MiB", 2**20)
table("first Frugal frame", by_ours, total, "MiB", 2**20)
PY
