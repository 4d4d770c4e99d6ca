#!/bin/sh
# {{TITLE}}
# {{USAGE}}
# {{WHAT}}
set -eu

URL=@URL@
# {{TRUSTED_NOTE}}
TRUSTED_HOST=@TRUSTED_HOST@

say() { printf '%s\n' "$*"; }
stop() {
    printf '%s\n' "$*" >&2
    exit 1
}

find_python() {
    for candidate in python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# All of it runs from here, once the whole script has arrived (curl … | sh).
main() {
    if [ "$(id -u)" = 0 ]; then
        stop @MSG_ROOT@
    fi

    PYTHON=$(find_python) || PYTHON=
    if [ -z "$PYTHON" ] && command -v pkg >/dev/null 2>&1; then
        say @MSG_INSTALLING_PYTHON@
        pkg install -y python
        PYTHON=$(find_python) || PYTHON=
    fi
    [ -n "$PYTHON" ] || stop @MSG_NEED_PYTHON@
    if ! "$PYTHON" -m pip --version >/dev/null 2>&1 && command -v pkg >/dev/null 2>&1; then
        pkg install -y python-pip
    fi
    "$PYTHON" -m pip --version >/dev/null 2>&1 || stop @MSG_NEED_PIP@

    say @MSG_INSTALLING@
    if [ -n "$TRUSTED_HOST" ]; then
        export PIP_TRUSTED_HOST="$TRUSTED_HOST"
    fi
    "$PYTHON" -m pip install --upgrade --index-url "$URL/simple" gridterm ||
        stop @MSG_PIP_FAILED@

    if [ $# -eq 0 ]; then
        say @MSG_NEXT@
        exit 0
    fi
    say @MSG_ENROLLING@
    "$PYTHON" -m gridterm enroll "$URL" "$1"
    say @MSG_DONE@
}

main "$@"
