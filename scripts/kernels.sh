#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the build trees of the installed kernels that modules can be built
# against (those whose headers carry a Module.symvers), one per line.
for symvers in /lib/modules/*/build/Module.symvers; do
	[ -r "$symvers" ] && dirname "$symvers"
done
exit 0
