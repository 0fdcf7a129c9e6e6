#!/usr/bin/env bash
# Install the Debian packages the project needs when they are missing (as root), or say what to
# install (otherwise). Usage: scripts/system-deps.sh PACKAGE...
set -euo pipefail
missing=()
for pkg in "$@"; do
  case "$pkg" in
    postgresql) ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=("$pkg") ;;
    chromium) command -v chromium >/dev/null 2>&1 || missing+=("$pkg") ;;
    gettext) command -v msgfmt >/dev/null 2>&1 || missing+=("$pkg") ;;
    nodejs) command -v node >/dev/null 2>&1 || missing+=("$pkg") ;;
    npm) command -v npm >/dev/null 2>&1 || missing+=("$pkg") ;;
    *) dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg") ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Thiếu gói hệ thống: ${missing[*]}. Cài bằng: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Cài gói hệ thống: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
