#!/usr/bin/env bash
# System packages the tests and chart export need: Debian's chromium, a CJK font, and nginx (the
# reverse proxy of docs/DEPLOY.md, which the many-users test and benchmark put in front of two processes).
# Installs them through apt-get when missing and we are root; otherwise says what to do.
set -uo pipefail
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)  # not -q: with pipefail, fc-list killed by SIGPIPE would fail the check
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || exit 1
  exit 0   # only the font or nginx is missing: exports say so, the proxy test skips
fi
echo "Installing ${need[*]} with apt-get ..."
if ! { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }; then
  echo "apt-get could not install ${need[*]}" >&2
  # Only Chromium is required (browser tests, chart export); without nginx the proxy test skips.
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || exit 1
fi
