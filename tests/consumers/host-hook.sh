# SPDX-License-Identifier: GPL-2.0
# What host-pre.sh and host-post.sh share: with $here the suite directory
# and $1 the work directory, layout.sh, kernel.sh and host-lib.sh sourced,
# the files behind the devices named, and run_sections.
. "$here/layout.sh"
. "$here/kernel.sh"
. "$here/../qemu/host-lib.sh"
workdir=$1
bar=$1/bar.img
nvme=$1/nvme.img
nvme2=$1/nvme2.img

# run_sections pre|post: source PREFIX-NAME.sh of this directory, in name
# order, for the sections the guest ran (run.sh: consumers_only= on the
# guest's command line; all of them by default).
run_sections() {
	rs_only=$(echo "${P2PDAX_APPEND:-}" | tr ' ' '\n' | sed -n 's/^consumers_only=//p' | tr ',' ' ')
	for rs_f in "$here/$1"-*.sh; do
		[ -e "$rs_f" ] || continue
		rs_s=${rs_f##*/"$1"-}
		rs_s=${rs_s%.sh}
		case " ${rs_only:-$rs_s} " in *" $rs_s "*) ;; *) continue ;; esac
		. "$rs_f"
	done
}
