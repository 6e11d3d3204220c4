#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A QEMU run booted with pti=on must have had page-table isolation: the
# kernel says so at boot. (The CPU mitigations and the random kernel stack
# offset are in every run's config, which mkconfig.sh checks.)
#
# usage: check-pti.sh LOG
set -uo pipefail
log=$1
if ! grep -q 'Kernel/User page tables isolation: enabled' "$log"; then
	echo "$(basename "$log"): FAIL: page-table isolation was not enabled"
	exit 1
fi
echo "$(basename "$log"): page-table isolation enabled;" \
	"$(grep -o 'Spectre V2 : [^\r]*' "$log" | head -1 || echo 'no Spectre V2 line')"
