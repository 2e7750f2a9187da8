/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What nvme_passthru and uring_p2p share about NVMe: the opcodes they send,
 * the 4K Identify answers and their fields, and errno names for the
 * "error=ENAME" lines the consumers suite reads.
 */
#ifndef P2PDAX_NVME_COMMON_H
#define P2PDAX_NVME_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NVME_ID_LEN		4096	/* every Identify answer */
#define NVME_ADMIN_IDENTIFY	0x06
#define NVME_ID_CNS_NS		0x00
#define NVME_ID_CNS_CTRL	0x01
#define NVME_CMD_WRITE		0x01
#define NVME_CMD_READ		0x02

/* strerrorname_np(@err), "E?" for an unknown one. */
const char *ename(int err);

/* @len bytes of an Identify string field, trailing blanks removed. */
void id_string(char *dst, const volatile char *src, size_t len);

/*
 * An Identify buffer is filled with id_fill() before the command, so that
 * stale bytes do not pass for an answer: id_untouched() says whether it
 * still holds only that.
 */
void id_fill(volatile char *p);
bool id_untouched(const volatile char *p);

/*
 * nvme_ns_lbasize() - the logical block size namespace @nsid is formatted
 * with: Identify Namespace (NVME_IOCTL_ADMIN_CMD on @fd, a controller or
 * namespace node, the answer in ordinary memory), FLBAS -> LBAF[n].LBADS.
 * Return: 0 with *@lbasize set; > 0 the controller's status; -1 with errno
 * set if the ioctl (or allocating the buffer) failed; -2 if the answer makes
 * no sense (nothing written, a format index past NLBAF, a block size outside
 * 512..64K).
 */
int nvme_ns_lbasize(int fd, uint32_t nsid, uint64_t *lbasize);

/*
 * id_save() - the 4096 bytes of an Identify answer at @p into file @path.
 * Return: 0, or CLI_EXIT_FAIL after saying why.
 */
int id_save(const char *path, const volatile char *p);

#endif
