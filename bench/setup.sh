#!/usr/bin/env bash
# Installs the benchmark's tools from Debian packages if they are missing (idempotent).
# wrk (load generator), nginx (upstream + reference proxy), curl (readiness probes).
# Node.js (>= 18) and a JDK are expected to be on the machine already; this script only checks them.
set -euo pipefail

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v curl >/dev/null 2>&1 || need+=(curl)

if [ "${#need[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  echo "setup.sh: installing ${need[*]}"
  $sudo apt-get update -qq
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"; then
    # nginx-light is not in every Debian release; fall back to the full package.
    need=("${need[@]/nginx-light/nginx}")
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
  fi
else
  echo "setup.sh: wrk, nginx and curl already installed"
fi

# The Debian package may start the system nginx on port 80; the benchmark never uses it and
# never stops it. Our own instances run from bench/*.conf with their own prefix.

command -v node >/dev/null 2>&1 || { echo "setup.sh: node not found (Node.js >= 18 required)" >&2; exit 1; }
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "setup.sh: Node.js >= 18 required, found $(node --version)" >&2
  exit 1
fi
command -v java >/dev/null 2>&1 || echo "setup.sh: warning: java not found (needed for target c, Frugal)" >&2

echo "setup.sh: wrk: $(wrk -v 2>&1 | head -n1 || true)"
echo "setup.sh: nginx: $( (nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1) | head -n1)"
echo "setup.sh: node: $(node --version)"
