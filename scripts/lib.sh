# Shared by scripts/run and scripts/test. Sourced, not executed.

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

# System libraries: WeasyPrint needs Pango and HarfBuzz; Chinese PDFs need a CJK font;
# the tests read the PDFs' text with pdftotext (poppler-utils); the browser tests need
# Debian's Chromium. Installed when we are root with apt, otherwise we say exactly what
# to install.
SYSTEM_PACKAGES_PDF="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils"
SYSTEM_PACKAGES_BROWSER="chromium"

ensure_system_packages() {
  local wanted="$*" missing=""
  for package in $wanted; do
    dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
  done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  elif command -v dpkg >/dev/null 2>&1; then
    echo "!! missing system packages:$missing"
    echo "!! install them with: sudo apt-get install$missing"
    return 1
  else
    echo "!! not a Debian-like system: install Pango (WeasyPrint), a CJK font (Noto Sans CJK SC) and poppler (pdftotext) for PDFs."
    return 1
  fi
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating virtualenv $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  # Reinstall only when the lock file changed since the last install.
  local stamp="$VENV/.requirements.lock.sha256"
  local current
  current=$(sha256sum requirements.lock | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$current" ]; then
    echo "==> installing Python packages (requirements.lock)"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.lock
    echo "$current" > "$stamp"
  fi
}

postgres_answers() {
  "$VENV/bin/python" - <<'PY'
import socket, sys
try:
    socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
except OSError:
    sys.exit(1)
PY
}
