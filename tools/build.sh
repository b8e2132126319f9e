#!/bin/sh
# SPDX-License-Identifier: ISC
# Install what is missing and build pppssh in build/ with -Werror.
# Used by tools/test.sh and tools/demo.sh; quiet unless something fails.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh tools/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
# Regenerate when configure is missing or older than configure.ac.
if [ ! -x configure ] || [ -n "$(find configure.ac -newer configure)" ]; then
	autoreconf -fi
fi
mkdir -p build
cd build
if [ ! -f Makefile ]; then
	../configure --enable-debug CFLAGS="-O2 -g -Werror" >configure.out ||
	    { cat configure.out; exit 1; }
fi
make -j"$jobs" >make.out 2>&1 || { cat make.out; exit 1; }
