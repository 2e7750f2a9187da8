// SPDX-License-Identifier: GPL-2.0
/* See nvme_common.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/nvme_ioctl.h>

#include "cli.h"
#include "nvme_common.h"

#define ID_FILL		0xa5

/* Identify Namespace (NVMe base specification, figure "Identify Namespace"). */
#define ID_NS_NLBAF	25	/* number of LBA formats, 0's based */
#define ID_NS_FLBAS	26	/* formatted LBA size: format index */
#define ID_NS_LBAF	128	/* LBA format 0; 4 bytes each, LBADS in byte 2 */

const char *ename(int err)
{
	const char *s = strerrorname_np(err);

	return s ? s : "E?";
}

void id_string(char *dst, const volatile char *src, size_t len)
{
	size_t i;

	/* Byte by byte: @src may be device memory. */
	for (i = 0; i < len; i++)
		dst[i] = src[i];
	dst[len] = '\0';
	while (len && (dst[len - 1] == ' ' || dst[len - 1] == '\0'))
		dst[--len] = '\0';
}

void id_fill(volatile char *p)
{
	size_t i;

	for (i = 0; i < NVME_ID_LEN; i++)
		p[i] = (char)ID_FILL;
}

bool id_untouched(const volatile char *p)
{
	size_t i;

	for (i = 0; i < NVME_ID_LEN; i++)
		if ((unsigned char)p[i] != ID_FILL)
			return false;
	return true;
}

int nvme_ns_lbasize(int fd, uint32_t nsid, uint64_t *lbasize)
{
	struct nvme_passthru_cmd c = {
		.opcode = NVME_ADMIN_IDENTIFY,
		.nsid = nsid,
		.data_len = NVME_ID_LEN,
		.cdw10 = NVME_ID_CNS_NS,
	};
	unsigned int flbas, fmt, lbads;
	unsigned char *id;
	int rc, e;

	id = aligned_alloc(4096, NVME_ID_LEN);
	if (!id)
		return -1;
	id_fill((char *)id);
	c.addr = (uintptr_t)id;
	rc = ioctl(fd, NVME_IOCTL_ADMIN_CMD, &c);
	if (rc < 0) {
		rc = -1;
		goto out;
	}
	if (rc > 0)
		goto out;
	/*
	 * FLBAS bits 3:0 are the format index, bits 6:5 its upper bits when
	 * there are more than 16 formats; NLBAF is 0's based.
	 */
	flbas = id[ID_NS_FLBAS];
	fmt = (flbas & 0xf) | ((flbas >> 5) & 0x3) << 4;
	lbads = id[ID_NS_LBAF + 4 * fmt + 2];
	if (id_untouched((char *)id) || fmt > id[ID_NS_NLBAF] || lbads < 9 || lbads > 16) {
		rc = -2;
		goto out;
	}
	*lbasize = 1ULL << lbads;
out:
	e = errno;
	free(id);
	errno = e;
	return rc;
}

int id_save(const char *path, const volatile char *p)
{
	char buf[NVME_ID_LEN];
	ssize_t n;
	size_t i;
	int fd;

	/* Byte by byte out of the mapping, then one write(). */
	for (i = 0; i < NVME_ID_LEN; i++)
		buf[i] = p[i];
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return cli_error("%s: %s", path, strerror(errno));
	n = write(fd, buf, NVME_ID_LEN);
	if (n != NVME_ID_LEN) {
		/* A short write sets no errno: say what happened instead. */
		if (n < 0)
			cli_error("%s: %s", path, strerror(errno));
		else
			cli_error("%s: wrote %zd of %d bytes", path, n, NVME_ID_LEN);
		close(fd);
		return CLI_EXIT_FAIL;
	}
	if (close(fd))
		return cli_error("%s: %s", path, strerror(errno));
	return 0;
}
