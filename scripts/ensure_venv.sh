#!/usr/bin/env bash
# Create .venv with the machine's python3 if it is missing, and install REQUIREMENTS_FILE
# into it whenever a requirements file changed since the last install.
# usage: scripts/ensure_venv.sh requirements.txt|requirements-dev.txt
set -euo pipefail
cd "$(dirname "$0")/.."

requirements="${1:-requirements.txt}"
venv="${VENV:-.venv}"

if [ ! -x "$venv/bin/python" ]; then
    echo "==> creating $venv with $(python3 --version)"
    if ! python3 -m venv "$venv"; then
        rm -rf "$venv"
        echo "==> python3 cannot create a virtualenv here; on Debian: apt-get install python3-venv" >&2
        exit 1
    fi
    "$venv/bin/python" -m pip install --quiet --upgrade pip
fi

stamp="$venv/.installed-$(basename "$requirements")"
wanted="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "==> installing $requirements into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" > "$stamp"
fi
