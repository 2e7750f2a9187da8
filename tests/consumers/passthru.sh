# SPDX-License-Identifier: GPL-2.0
#
# Sourced by run.sh: NVMe passthrough with the data buffer in dax0.2
# (nvme_passthru: the ioctls; uring_p2p nvme-*: io_uring URING_CMD), on
# the controller and namespace of nvme2.
#   - Identify Controller through NVME_IOCTL_ADMIN_CMD, NVME_IOCTL_ADMIN64_CMD
#     and NVME_URING_CMD_ADMIN into the mapping, byte for byte what
#     nvme-cli's "nvme id-ctrl -b" gets into its own buffer.
#   - Write from and Read into the mapping through NVME_IOCTL_IO_CMD
#     (/dev/nvmeXnY), NVME_IOCTL_IO64_CMD (/dev/ngXnY), NVME_IOCTL_SUBMIT_IO
#     and NVME_URING_CMD_IO (/dev/ngXnY, 8 queued at once; and with the mapping
#     as a registered buffer, IORING_URING_CMD_FIXED, where the kernel
#     registers it); the host checks nvme2.img and bar.img (post-passthru.sh).
#   - nvme-cli has no way to use such a buffer: its passthrough commands
#     (io-passthru, admin-passthru, read, write) take --data-len and a file
#     (--input-file / --data) and allocate the buffer themselves.
#   - nobody: the device nodes are root's (0600), so open() fails with
#     EACCES (nvme_passthru says "at=open"). With the nodes opened up to
#     everyone (0666, for this test only), the ioctls' own policy shows:
#     before 6.2 (6.1 here) every passthrough command needs CAP_SYS_ADMIN
#     (EACCES from the ioctl, "at=ioctl": for the Read the first one is
#     Identify Namespace, which gets /dev/ngXnY's block size); from 6.2 on
#     (nvme_cmd_allowed() in drivers/nvme/host/ioctl.c) Identify
#     Controller and Namespace, and I/O commands the controller's Commands
#     Supported and Effects log marks harmless are allowed (Read on a
#     read-only open).

P_DEV=/dev/$DAX2
P_CTRL=
for p_c in "$PCI/$NVME2"/nvme/nvme*; do
	[ -e "$p_c" ] && P_CTRL=/dev/${p_c##*/}
done
P_NG=$(echo "$NVME2_BLK" | sed 's,^/dev/nvme,/dev/ng,')
P_LBA=$(blockdev --getss "$NVME2_BLK")
echo "# controller $P_CTRL, namespace $NVME2_BLK ($P_LBA-byte blocks), generic $P_NG"

# p_run DESC CMD...: check_out (lib.sh) with the output in /tmp/p.out.
p_run() { check_out /tmp/p.out "$@"; }

# p_same DESC FILE: FILE is nvme-cli's Identify Controller, byte for byte.
p_same() {
	if [ ! -s /tmp/id.cli ]; then
		not_ok "$1: the same 4096 bytes as nvme id-ctrl -b (no answer from nvme-cli)"
	elif cmp "$2" /tmp/id.cli >/tmp/p.cmp 2>&1; then
		ok "$1: the same 4096 bytes as nvme id-ctrl -b"
	else
		not_ok "$1: the same 4096 bytes as nvme id-ctrl -b"
		diag /tmp/p.cmp
	fi
}

# p_io TOOL-ARGS DESC OFF SEED: TOOL write/read of piece OFF (dax0.2 offset
# PT_DAX + OFF, namespace offset PT_NVME2 + OFF).
p_io() {
	p_io_desc=$2 p_off=$3 p_seed=$4
	set -- $1
	p_tool=$1 p_op=$2 p_ns=$3
	shift 3
	p_run "passthrough $p_io_desc: dax0.2+$(hex $((PT_DAX + p_off))) <-> $p_ns+$(hex $((PT_NVME2 + p_off))), seed $p_seed" \
		"$p_tool" "$p_op" -s "$P_LBA" "$@" "$p_ns" "$P_DEV" $((PT_DAX + p_off)) \
		$((PT_NVME2 + p_off)) $P_LEN $p_seed
}

# p_nobody DESC WANT CMD: shell command CMD as nobody; WANT is a line (a
# basic regular expression) its output must have, e.g. "error=EACCES".
p_nobody() {
	as_nobody "$3" >/tmp/p.out 2>&1
	if grep -qx "$2" /tmp/p.out; then
		ok "$1"
	else
		not_ok "$1"
		echo "# want a line '$2'"
	fi
	diag /tmp/p.out
}

# p_fixed OP OFF SEED: uring_p2p OP -F of piece OFF, and what became of the
# registration.
p_fixed() {
	p_io "uring_p2p $1 $P_NG -q8 -F" "${1#nvme-} io_uring NVME_URING_CMD_IO -F" $2 $3
	p_reg="$(val /tmp/p.out register) $(val /tmp/p.out error)"
	if uring_registers_dax; then
		expect_eq "NVME_URING_CMD_IO ${1#nvme-} with IORING_URING_CMD_FIXED: the mapping registered" \
			"$p_reg" "ok "
	else
		expect_eq "NVME_URING_CMD_IO ${1#nvme-} -F: registering the mapping refused (EOPNOTSUPP), unregistered commands instead" \
			"$p_reg" "refused EOPNOTSUPP"
	fi
}

# p_wrong_lba DESC CMD...: CMD, given a block size (-s) that is not the
# namespace's, exits 1 saying so.
p_wrong_lba() {
	p_desc=$1
	shift
	"$@" >/tmp/p.out 2>&1
	p_rc=$?
	if [ $p_rc = 1 ] && grep -q "is not the namespace's block size $P_LBA$" /tmp/p.out; then
		ok "$p_desc: refused, the namespace's blocks are $P_LBA bytes"
	else
		not_ok "$p_desc: refused, the namespace's blocks are $P_LBA bytes (exit $p_rc)"
	fi
	diag /tmp/p.out
}

# p_nobody_0666 IDCMD READCMD: the nodes opened up to everyone; nobody's
# Identify Controller and Read meet the ioctls' own policy.
p_nobody_0666() {
	if nvme_user_passthru; then
		p_nobody "nobody, node 0666: Identify Controller allowed (6.2+: nvme_admin_cmd_allowed)" \
			"sn=p2pdaxnvme2" "$1"
		p_nobody "nobody, node 0666: Identify Namespace and Read on a read-only open allowed, data correct (6.2+: nvme_cmd_allowed, effects log)" \
			"ok: .*" "$2"
	else
		p_nobody "nobody, node 0666: Identify Controller needs CAP_SYS_ADMIN (before 6.2): EACCES from the ioctl, not open" \
			"error=EACCES at=ioctl" "$1"
		p_nobody "nobody, node 0666: passthrough for the Read (Identify Namespace first) needs CAP_SYS_ADMIN (before 6.2): EACCES from the ioctl, not open" \
			"error=EACCES at=ioctl" "$2"
	fi
}

if ! command -v nvme_passthru >/dev/null || ! command -v uring_p2p >/dev/null; then
	not_ok "NVMe passthrough tests (nvme_passthru or uring_p2p is not in /tests/bin)"
elif [ -z "$P_CTRL" ] || [ ! -c "$P_CTRL" ] || [ ! -c "$P_NG" ]; then
	not_ok "NVMe passthrough tests (no controller or generic node for $NVME2 ('$P_CTRL', '$P_NG'))"
else
	# Identify Controller: nvme-cli's answer, then ours into the mapping.
	rm -f /tmp/id.cli
	if command -v nvme >/dev/null; then
		p_run "nvme id-ctrl $P_CTRL -b (nvme-cli's own buffer)" sh -c "nvme id-ctrl $P_CTRL -b >/tmp/id.cli"
		expect_eq "nvme id-ctrl -b: 4096 bytes" "$(wc -c </tmp/id.cli)" 4096
		# Every passthrough command of nvme-cli 2.3 takes a length and a
		# file, never a buffer address.
		nvme io-passthru --help >/tmp/p.help 2>&1
		if grep -q -- "--input-file" /tmp/p.help && grep -q -- "--data-len" /tmp/p.help &&
			! grep -qi "addr" /tmp/p.help; then
			ok "nvme-cli io-passthru takes --data-len and --input-file, no buffer address"
		else
			not_ok "nvme-cli io-passthru takes --data-len and --input-file, no buffer address"
			diag /tmp/p.help
		fi
	else
		skip "nvme id-ctrl -b" "nvme-cli is not in the initramfs"
	fi
	p_run "NVME_IOCTL_ADMIN_CMD Identify Controller into dax0.2+$(hex $((PT_DAX + P_ID)))" \
		nvme_passthru id-ctrl "$P_CTRL" "$P_DEV" $((PT_DAX + P_ID)) /tmp/id.ioctl
	p_same "NVME_IOCTL_ADMIN_CMD Identify Controller" /tmp/id.ioctl
	p_run "NVME_IOCTL_ADMIN64_CMD Identify Controller into dax0.2+$(hex $((PT_DAX + P_ID64)))" \
		nvme_passthru id-ctrl -6 "$P_CTRL" "$P_DEV" $((PT_DAX + P_ID64)) /tmp/id.ioctl64
	p_same "NVME_IOCTL_ADMIN64_CMD Identify Controller" /tmp/id.ioctl64
	p_run "io_uring NVME_URING_CMD_ADMIN Identify Controller into dax0.2+$(hex $((PT_DAX + P_IDU)))" \
		uring_p2p nvme-id-ctrl "$P_CTRL" "$P_DEV" $((PT_DAX + P_IDU)) /tmp/id.uring
	p_same "NVME_URING_CMD_ADMIN Identify Controller" /tmp/id.uring

	# I/O commands.
	p_io "nvme_passthru write $NVME2_BLK" "Write NVME_IOCTL_IO_CMD" $P_W $P_W_SEED
	p_io "nvme_passthru read $NVME2_BLK" "Read NVME_IOCTL_IO_CMD" $P_R $P_R_SEED
	p_io "nvme_passthru write $P_NG -6" "Write NVME_IOCTL_IO64_CMD" $P_W64 $P_W64_SEED
	p_io "nvme_passthru read $P_NG -6" "Read NVME_IOCTL_IO64_CMD" $P_R64 $P_R64_SEED
	p_io "nvme_passthru write $NVME2_BLK -l" "Write NVME_IOCTL_SUBMIT_IO" $P_WL $P_WL_SEED
	p_io "nvme_passthru read $NVME2_BLK -l" "Read NVME_IOCTL_SUBMIT_IO" $P_RL $P_RL_SEED
	p_io "uring_p2p nvme-write $P_NG -q8" "Write io_uring NVME_URING_CMD_IO" $P_WU $P_WU_SEED
	# Not a test: uring_p2p queues DEPTH commands before it first waits.
	sed -n 's/^URING_CMD: .*up to \([0-9]*\) in flight$/# NVME_URING_CMD_IO Write: \1 commands queued at once/p' /tmp/p.out
	p_io "uring_p2p nvme-read $P_NG -q8" "Read io_uring NVME_URING_CMD_IO" $P_RU $P_RU_SEED

	# The same with the mapping as a registered buffer: where io_uring
	# registers it (6.5+, see uring.sh), IORING_URING_CMD_FIXED commands;
	# where it refuses (EOPNOTSUPP), the same commands unregistered.
	p_fixed nvme-write $P_WUF $P_WUF_SEED
	p_fixed nvme-read $P_RUF $P_RUF_SEED

	# A block size that is not the namespace's (-s) is refused before any
	# command: /dev/ngXnY has no BLKSSZGET, Identify Namespace tells. (The
	# Read goes to anonymous memory; the Write refills its own piece of the
	# mapping with the pattern already there.)
	p_badlba=4096
	[ "$P_LBA" != 4096 ] || p_badlba=512
	p_wrong_lba "nvme_passthru read -s $p_badlba $P_NG" \
		nvme_passthru read -s $p_badlba "$P_NG" anon 0 $((PT_NVME2 + P_R64)) $P_LEN $P_R64_SEED
	p_wrong_lba "uring_p2p nvme-write -s $p_badlba $P_NG" \
		uring_p2p nvme-write -s $p_badlba "$P_NG" "$P_DEV" $((PT_DAX + P_WU)) \
		$((PT_NVME2 + P_WU)) $P_LEN $P_WU_SEED

	# nobody.
	if ! as_nobody true 2>/dev/null; then
		not_ok "passthrough as nobody (su to nobody does not work here)"
	else
		p_idc="/tests/bin/nvme_passthru id-ctrl $P_CTRL anon 0 -"
		p_rd="/tests/bin/nvme_passthru read -s $P_LBA $P_NG anon 0 $((PT_NVME2 + P_NB)) $P_LEN $P_NB_SEED"
		echo "# modes: $(stat -c '%n %a %U' "$P_CTRL" "$P_NG" | tr '\n' ' ')"
		p_nobody "nobody: Identify Controller on $P_CTRL (root's 0$(stat -c %a "$P_CTRL") node): open fails, EACCES" \
			"error=EACCES at=open" "$p_idc"
		p_nobody "nobody: Read on $P_NG (root's 0$(stat -c %a "$P_NG") node): open fails, EACCES" \
			"error=EACCES at=open" "$p_rd"
		p_mode_ctrl=$(stat -c %a "$P_CTRL")
		p_mode_ng=$(stat -c %a "$P_NG")
		chmod 0666 "$P_CTRL" "$P_NG"
		p_modes="$(stat -c %a "$P_CTRL") $(stat -c %a "$P_NG")"
		expect_eq "chmod 0666 $P_CTRL $P_NG (for the next tests only)" "$p_modes" "666 666"
		if [ "$p_modes" = "666 666" ]; then
			p_nobody_0666 "$p_idc" "$p_rd"
		else
			skip "nobody, node 0666: Identify Controller" "chmod 0666 did not take"
			skip "nobody, node 0666: Read" "chmod 0666 did not take"
		fi
		chmod "$p_mode_ctrl" "$P_CTRL"
		chmod "$p_mode_ng" "$P_NG"
		echo "# modes restored: $(stat -c '%n %a' "$P_CTRL" "$P_NG" | tr '\n' ' ')"
	fi
fi
