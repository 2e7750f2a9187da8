/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pteprobe: the interface of the test-only module tests/kmod/pteprobe.ko,
 * shared by the module and the guest program tests/guest/memtype.c.
 *
 * /dev/PTEPROBE_NAME (mode 0600) answers one ioctl, %PTEPROBE_IOC_WALK: for
 * a user virtual address of the calling process, the page-table entry that
 * maps it (its level and raw value) and the IA32_PAT MSR of the CPU that
 * ran the call, from which the memory type of the mapping follows (x86 PAT
 * index = PAT << 2 | PCD << 1 | PWT, PAT being bit 7 of a 4 KiB entry and
 * bit 12 of a 2 MiB or 1 GiB one; each byte of the MSR is the type of one
 * index).
 *
 * Errors: %EINVAL for non-zero reserved fields or an address beyond the user
 * address space; %EFAULT for an address no mapping of the caller covers, or
 * an unreadable or unwritable argument; %ENOENT when the walk ends at an
 * entry that is not present (the structure is still written back, @level
 * %PTEPROBE_LEVEL_NONE, @entry the non-present entry: 0 if empty, else a
 * swap or migration entry); %EAGAIN if the page tables kept changing under
 * the walk; %EIO if the MSR could not be read; %ENOTTY for another ioctl.
 */
#ifndef _PTEPROBE_H
#define _PTEPROBE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PTEPROBE_NAME		"pteprobe"

/* struct pteprobe_walk.level */
#define PTEPROBE_LEVEL_NONE	0	/* not present: see @entry */
#define PTEPROBE_LEVEL_PTE	1	/* a 4 KiB page */
#define PTEPROBE_LEVEL_PMD	2	/* a 2 MiB leaf */
#define PTEPROBE_LEVEL_PUD	3	/* a 1 GiB leaf */

/**
 * struct pteprobe_walk - argument of %PTEPROBE_IOC_WALK
 * @addr: in: a user virtual address of the calling process
 * @entry: out: the raw value of the leaf entry that maps @addr (or of the
 *	non-present entry that ended the walk)
 * @pat: out: the IA32_PAT MSR of the CPU that did the walk
 * @level: out: %PTEPROBE_LEVEL_*
 * @cpu: out: the number of that CPU
 * @reserved: in: must be zero
 */
struct pteprobe_walk {
	__u64 addr;
	__u64 entry;
	__u64 pat;
	__u32 level;
	__u32 cpu;
	__u64 reserved[2];
};

/*
 * The project's own ioctl type (P2PDAX_IOC_MAGIC, include/uapi/linux/p2pdax.h,
 * which uses 0x00-0x02; 0xDA is not otherwise listed in
 * Documentation/userspace-api/ioctl/ioctl-number.rst), with a number far
 * from those, so that the two can never be mistaken for each other.
 */
#define PTEPROBE_IOC_MAGIC	0xDA
#define PTEPROBE_IOC_WALK	_IOWR(PTEPROBE_IOC_MAGIC, 0xf0, struct pteprobe_walk)

#endif /* _PTEPROBE_H */
