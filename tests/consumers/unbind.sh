# SPDX-License-Identifier: GPL-2.0
#
# Sourced by run.sh, last: the PCI unbind while long-term pins hold pages of
# dax0.2, with every mapping and file of the device already closed:
#   - an RDMA memory registration (rdma_p2p hold), where rdma.sh brought up
#     soft-RoCE;
#   - io_uring fixed buffers (uring_p2p hold), where io_uring registers a
#     dax mapping (6.5 on, kernel.sh).
# Freeing the page map under a pin would make the later unpin a
# use-after-free; the driver's drain makes the unbind wait instead. The
# holders are released one at a time: the unbind must wait as long as any
# pin is left, each holder's I/O through its pin must still see the data
# (RDMA READ checked here; io_uring's WRITE_FIXED to nvme2, checked by the
# host in post-unbind.sh), and the unbind must finish after the last. The
# device stays unbound: run.sh's teardown only unloads the module.

U_DEV=/dev/$DAX2
# The holders that pinned: pid_rdma, pid_uring (empty if not), and how many.
pid_rdma= pid_uring= u_left=0

# stuck WHAT PID: PID did not exit. "wait PID" could hang for good (a
# holder or an unbind stuck in the kernel is the very bug this is for), and
# so would everything after it: say what is known and bail out now rather
# than at the harness's timeout.
stuck() {
	echo "# $1 (pid $2) is still there; its kernel stack:"
	cat "/proc/$2/stack" 2>/dev/null | diag
	grep -E '^(State|Name):' "/proc/$2/status" 2>/dev/null | diag
	diag /tmp/hold.*.out /tmp/unbind.out 2>/dev/null
	dmesg | tail -n 40 | diag
	echo "Bail out! unbind: $1 (pid $2) does not exit"
	exit 1
}

# reap WHAT PID: wait for PID, which should be exiting (10 s); its status
# in $rc. Bails out if it does not.
reap() {
	wait_for 10 exited "$2" || { kill "$2" 2>/dev/null; wait_for 10 exited "$2" || stuck "$1" "$2"; }
	wait "$2"
	rc=$?
}

# hold NAME DESC CMD...: start CMD (a holder taking READY and RELEASE file
# arguments last) in the background; once it says it is ready, it is
# $pid_NAME. One test line.
hold() {
	h_name=$1 h_desc=$2
	shift 2
	rm -f /tmp/hold.$h_name.ready /tmp/hold.$h_name.release
	"$@" /tmp/hold.$h_name.ready /tmp/hold.$h_name.release >/tmp/hold.$h_name.out 2>&1 &
	h_pid=$!
	if wait_for 60 test -e /tmp/hold.$h_name.ready; then
		ok "$h_desc: registered, then unmapped and closed"
		eval "pid_$h_name=$h_pid"
		u_left=$((u_left + 1))
	else
		not_ok "$h_desc: registered, then unmapped and closed"
		kill $h_pid 2>/dev/null
		reap "$h_name holder, killed before it was ready" $h_pid
		diag /tmp/hold.$h_name.out
	fi
}

u_gone() { ! bound_to_us "$IV" && [ ! -e "/sys/bus/pci/devices/$IV/dax_region" ]; }
u_rdma() { rdma link show rxe0/1 2>/dev/null | grep -q 'state ACTIVE'; }

if u_rdma; then
	hold rdma "an RDMA MR on $DAX2+$(hex $RDMA_REMOTE_OFF)" \
		rdma_p2p hold "$U_DEV" $RDMA_REMOTE_OFF $RDMA_XLEN $RDMA_REMOTE_SEED
else
	echo "# unbind: no RDMA registration (rdma.sh did not bring rxe0 up)"
fi
if uring_registers_dax; then
	hold uring "io_uring fixed buffers on $DAX2+$(hex $UNBIND_URING_DAX)" \
		uring_p2p hold "$U_DEV" $UNBIND_URING_DAX "$NVME2_BLK" $UNBIND_NVME2 \
		$UNBIND_LEN $UNBIND_SEED
else
	echo "# unbind: no io_uring registration ($(uname -r) refuses to register a dax mapping)"
fi

if [ $u_left = 0 ]; then
	skip "PCI unbind under long-term pins" "no holder could pin pages here"
else
	dmesg -c >/dev/null
	sh -c "echo $IV > $DRVDIR/unbind" >/tmp/unbind.out 2>&1 &
	u_tp=$!
	sleep 3
	if exited $u_tp; then
		not_ok "PCI unbind waits while $u_left holder(s) pin pages of $DAX2"
	else
		ok "PCI unbind waits while $u_left holder(s) pin pages of $DAX2"
	fi
	check "dmesg: the teardown of $DAX2 waits for pinned pages" \
		sh -c "dmesg | grep -q '$DAX2: teardown waits for pinned pages in the region: [0-9]* folio'"

	for h_name in rdma uring; do
		eval "h_pid=\${pid_$h_name}"
		[ -n "$h_pid" ] || continue
		touch /tmp/hold.$h_name.release
		reap "$h_name holder, released," $h_pid
		case $h_name in
		rdma) h_want="pinned data intact" h_what="RDMA READ through the MR returns the data" ;;
		uring) h_want="pinned data written" h_what="WRITE_FIXED from the registered pages" ;;
		esac
		if [ $rc = 0 ] && grep -q "$h_want" /tmp/hold.$h_name.out; then
			ok "unbind under pins, $h_name released: $h_what; released"
		else
			not_ok "unbind under pins, $h_name released: $h_what; released (exit $rc)"
		fi
		diag /tmp/hold.$h_name.out
		u_left=$((u_left - 1))
		if [ $u_left -gt 0 ]; then
			sleep 2
			if exited $u_tp; then
				not_ok "PCI unbind still waits: $u_left holder(s) left"
			else
				ok "PCI unbind still waits: $u_left holder(s) left"
			fi
		fi
	done
	if wait_for 30 exited $u_tp; then
		ok "PCI unbind finishes once the last pin is gone"
		wait $u_tp
		diag /tmp/unbind.out
	else
		not_ok "PCI unbind finishes once the last pin is gone"
		stuck "the unbind of $IV" $u_tp
	fi
	check "dmesg: the pinned pages were released" \
		sh -c 'dmesg | grep -q "pinned pages released after"'
	check "$IV unbound, its dax region gone" u_gone
	dmesg | grep -E "$DRV|rxe|infiniband" | diag
fi
