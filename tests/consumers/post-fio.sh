# SPDX-License-Identifier: GPL-2.0
# Sourced by host-post.sh: what fio.sh's jobs wrote, verified again by fio
# itself (--verify_only: the same jobs, regenerating every block) in the
# files behind the devices, on copies so that nothing here can write to
# them, from a directory of their own (fio leaves state files where it
# runs); and the blocks fio read into the mappings, at buffer 0 of each.
. "$here/fio-jobs.sh"

fio_tmp=$(mktemp -d "${TMPDIR:-/tmp}/p2pdax-fio.XXXXXX")

# fio_verify DESC FILE JOB...: fio --verify_only of JOB on FILE is clean.
fio_verify() {
	fv_desc=$1 fv_file=$2
	shift 2
	if (cd "$fio_tmp" && fio --ioengine=psync --filename="$fv_file" --verify_only \
		--verify_state_save=0 "$@") >"$fio_tmp/out" 2>&1 &&
		grep -q 'err= 0' "$fio_tmp/out"; then
		ok "$fv_desc"
	else
		not_ok "$fv_desc"
		sed 's/^/# /' "$fio_tmp/out"
	fi
}

# dax0.0's range, as a file of its own: the headers fio wrote hold device
# offsets.
dd if="$bar" of="$fio_tmp/dax0.0" bs=1M skip=$((D0_OFF / M)) count=$((D0_SIZE / M)) status=none
fio_verify "fio dev-dax: bar.img $(hx $D0_OFF)+$(hx $FIO_DAX_LEN) holds what fio wrote through dax0.0" \
	"$fio_tmp/dax0.0" $FIO_J_DEVDAX
# The check can fail: the same verify of the range fio did not write.
if (cd "$fio_tmp" && fio --ioengine=psync --filename="$fio_tmp/dax0.0" --offset=$FIO_DAX_LEN \
	--verify_only --verify_state_save=0 $FIO_J_DEVDAX) >"$fio_tmp/out" 2>&1; then
	not_ok "fio --verify_only fails on dax0.0's unwritten half"
	sed 's/^/# /' "$fio_tmp/out"
else
	ok "fio --verify_only fails on dax0.0's unwritten half"
fi
t "dax0.0's unwritten half is still zero in bar.img" \
	zero "$bar" $((D0_OFF + FIO_DAX_LEN)) $((D0_SIZE - FIO_DAX_LEN))

cp --sparse=always "$nvme" "$fio_tmp/nvme.img"
fio_verify "fio io_uring (buffers in dax0.3): nvme.img $(hx $FIO_URING_NVME)+$(hx $FIO_URING_LEN)" \
	"$fio_tmp/nvme.img" $FIO_J_URING
fio_verify "fio libaio (buffers in dax0.1): nvme.img $(hx $FIO_AIO_NVME)+$(hx $FIO_AIO_LEN)" \
	"$fio_tmp/nvme.img" $FIO_J_AIO
fio_verify "fio io_uring_cmd (buffers in dax0.3): nvme.img $(hx $FIO_CMD_NVME)+$(hx $FIO_CMD_LEN)" \
	"$fio_tmp/nvme.img" $FIO_J_CMD
if ! uring_registers_dax "$P2PDAX_KVER"; then
	t "fio io_uring --fixedbufs, refused on $P2PDAX_KVER: nvme.img $(hx $FIO_FIXED_NVME)+$(hx $FIO_FIXED_LEN) still zero" \
		zero "$nvme" $FIO_FIXED_NVME $FIO_FIXED_LEN
else
	fio_verify "fio io_uring --fixedbufs (registered dax0.3): nvme.img $(hx $FIO_FIXED_NVME)+$(hx $FIO_FIXED_LEN)" \
		"$fio_tmp/nvme.img" $FIO_J_FIXED
fi
t "no fio job wrote nvme.img $(hx $FIO_FREE_NVME)+$(hx $FIO_FREE_LEN)" \
	zero "$nvme" $FIO_FREE_NVME $FIO_FREE_LEN
t "fio's read left nvme.img $(hx $FIO_READ_NVME)+$(hx $FIO_READ_LEN) as host-pre.sh wrote it" \
	check "$nvme" $FIO_READ_NVME $FIO_READ_LEN $FIO_READ_SEED

# The last 1M block read, at nvme.img offset R, is in buffer 0: BAR offset
# D of the device, so the pattern of offset R is at D.
last=$((FIO_READ_NVME + FIO_READ_LEN - M))
for d in "dax0.3 $D3_OFF" "dax0.1 $D1_OFF"; do
	dev=${d% *} off=${d#* }
	t "fio's read buffer 0 in $dev: nvme.img $(hx $last)+1M at bar.img $(hx $off)" \
		check -b $((off - last)) "$bar" $off $M $FIO_READ_SEED
done
rm -rf "$fio_tmp"
