#!/bin/sh
# The same mux, with its server started without a keeper (no recovery files, no checkpoints):
# the baseline for the cost of crash recovery in `mux bench`.
if [ "$1" = keeper ]; then
    shift
    while [ "$1" != "--" ]; do
        case "$1" in --ready-fd) ready=$2; shift ;; esac
        shift
    done
    shift
    exec "$@" --ready-fd "$ready"
fi
exec "${MUX_REAL:-$(dirname "$0")/../.build/release/mux}" "$@"
