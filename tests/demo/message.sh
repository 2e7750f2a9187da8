# SPDX-License-Identifier: GPL-2.0
# What the demo writes, and where: shared by the guest and the host side.
MSG_OFF=1048576
MSG="Hello from the guest: written through /dev/dax0.0 into the PCI BAR"
