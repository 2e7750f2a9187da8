# SPDX-License-Identifier: GPL-2.0
# QEMU's NVMe trace (run-vm.sh --trace, the events of "qemu-trace") in,
# bytes of command data by section out, one line per section:
#   SECTION BAR_BYTES RAM_BYTES MARKS MARK_RAM_BYTES
# BAR_BYTES: data of NVMe Read/Write commands that the controller mapped
# inside [bar_lo, bar_hi) (the BAR, peer to peer); RAM_BYTES: anywhere else
# (system RAM: a bounce). Sections start at the mark reads of run.sh's
# dma_mark: 4096-byte Reads at LBA mark_lba + 8 * N (512-byte LBAs); a mark's
# own data (a buffer in RAM) is counted apart, as MARK_RAM_BYTES. Admin
# commands are left out. The trace is in order: QEMU maps a command's data
# right after tracing the command, in its one main loop.
# Variables: bar_lo, bar_hi (decimal), mark_lba.

function hex(s,    i, c, n) {
	n = 0
	s = tolower(s)
	sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (c == 0)
			return -1
		n = n * 16 + c - 1
	}
	return n
}

# field(NAME): the word after NAME on this line.
function field(name,    i) {
	for (i = 1; i < NF; i++)
		if ($i == name)
			return $(i + 1)
	return ""
}

BEGIN { sec = 0; cmd = "" }

$1 == "pci_nvme_read" || $1 == "pci_nvme_write" {
	lba = hex(field("lba"))
	cmd = "io"
	if ($1 == "pci_nvme_read" && field("count") == 4096 && lba >= mark_lba &&
	    lba < mark_lba + 16 * 8 && (lba - mark_lba) % 8 == 0) {
		sec = (lba - mark_lba) / 8
		seen[sec] = 1
		marks[sec]++
		cmd = "mark"
	}
	next
}
$1 == "pci_nvme_admin_cmd" { cmd = "admin"; next }
$1 == "pci_nvme_map_addr" {
	addr = hex(field("addr"))
	len = field("len") + 0
	inbar = addr >= bar_lo && addr + len <= bar_hi
	if (cmd == "io") {
		if (inbar)
			bar[sec] += len
		else
			ram[sec] += len
	} else if (cmd == "mark" && !inbar) {
		mram[sec] += len
	}
	next
}
END {
	for (s = 0; s < 16; s++)
		if (s == 0 || seen[s])
			printf "%d %.0f %.0f %d %.0f\n", s, bar[s], ram[s], marks[s], mram[s]
}
