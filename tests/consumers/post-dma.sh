# SPDX-License-Identifier: GPL-2.0
# Sourced by host-post.sh: that the NVMe controllers moved each section's
# data straight to and from the BAR, not through a bounce buffer in RAM. The
# data checks of the other post-*.sh would pass either way; QEMU's trace of
# the NVMe commands (qemu-trace, run-vm.sh --trace) says where the
# controller's DMA went. dma.awk sums it by section (run.sh's marks); the
# mark reads themselves go to RAM, which shows that a bounce would be seen.

trace=$P2PDAX_WORKDIR/qemu-trace.log
bar_lo=$(sed -n 's/^# bar2=//p' "${P2PDAX_RESULTS:-/dev/null}" | head -n 1)
if [ ! -s "$trace" ] || [ -z "$bar_lo" ]; then
	not_ok "dma: the QEMU NVMe trace ($trace) and the guest's BAR address (# bar2= in the results)"
else
	awk -v bar_lo=$((bar_lo)) -v bar_hi=$((bar_lo + BAR_SIZE)) \
		-v mark_lba=$((MARK_NVME2 / 512)) -f "$here/dma.awk" "$trace" >"$workdir/dma.txt"
	sed 's/^/# dma: section bar ram marks mark_ram: /' "$workdir/dma.txt"

	# section_ran NAME: non-empty if run.sh ran section NAME.
	section_ran() { grep -x "# ---- $1" "$P2PDAX_RESULTS"; }

	# dma_expect NAME MARK BAR RAM: section MARK (one mark read, in RAM)
	# moved BAR bytes of NVMe data to and from the BAR and RAM bytes to
	# and from RAM.
	dma_expect() {
		de_got=$(awk -v s="$2" '$1 == s { print $2, $3, $4, $5 }' "$workdir/dma.txt")
		de_want="$3 $4 1 4096"
		if [ "$de_got" = "$de_want" ]; then
			ok "dma: $1: $(($3 >> 20)) MiB of NVMe data DMA'd to and from BAR2, $(($4 >> 10)) KiB to and from RAM"
		else
			not_ok "dma: $1: $(($3 >> 20)) MiB of NVMe data DMA'd to and from BAR2, $(($4 >> 10)) KiB to and from RAM"
			echo "# got bar ram marks mark_ram: '$de_got', want '$de_want'"
		fi
	}

	# fio: every NVMe job's writes and verify reads, and the two reads
	# into buffer 0; the fixed-buffer job where io_uring registers.
	fio_fixed=0
	! uring_registers_dax "$P2PDAX_KVER" || fio_fixed=$((2 * FIO_FIXED_LEN))
	[ -z "$(section_ran fio)" ] ||
		dma_expect "fio jobs with --iomem in dax0.1 and dax0.3" $MARK_FIO \
			$((2 * (FIO_URING_LEN + FIO_AIO_LEN + FIO_CMD_LEN + FIO_READ_LEN) + fio_fixed)) 0
	# io_uring: WRITE, READ, WRITEV, READV, and the fixed (or plain) pair.
	[ -z "$(section_ran uring)" ] ||
		dma_expect "io_uring READ/WRITE(V), fixed buffers" $MARK_URING $((4 * U_LEN + U_FX_LEN)) 0
	# passthrough: a Write and a Read per interface (ioctl, ioctl 64,
	# SUBMIT_IO, URING_CMD, URING_CMD fixed); nobody's Read goes to RAM
	# (anonymous memory) where the kernel lets nobody read.
	pt_ram=0
	! nvme_user_passthru "$P2PDAX_KVER" || pt_ram=$P_LEN
	[ -z "$(section_ran passthru)" ] ||
		dma_expect "NVMe passthrough Read/Write (nobody's Read into RAM)" $MARK_PASSTHRU \
			$((10 * P_LEN)) $pt_ram
	# RDMA moves no NVMe data; nor does the teardown.
	[ -z "$(section_ran rdma)" ] ||
		dma_expect "rdma (no NVMe I/O)" $MARK_RDMA 0 0
	# The unbind under pins: io_uring's WRITE_FIXED from its registered
	# pages, where io_uring registers them.
	unbind_bar=0
	! uring_registers_dax "$P2PDAX_KVER" || unbind_bar=$UNBIND_LEN
	[ -z "$(section_ran unbind)" ] ||
		dma_expect "unbind under pins (io_uring WRITE_FIXED from the pinned pages)" \
			$MARK_UNBIND $unbind_bar 0
	dma_expect "teardown (no NVMe I/O)" $MARK_END 0 0
fi
