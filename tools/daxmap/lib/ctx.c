// SPDX-License-Identifier: GPL-2.0
/* See libdaxmap.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "libdaxmap.h"

void daxmap_ctx_init(struct daxmap_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

int daxmap_fail(struct daxmap_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
	return -err;
}

int daxmap_set_root(struct daxmap_ctx *ctx, const char *dir)
{
	struct stat st;
	size_t len;

	ctx->root[0] = '\0';
	if (!dir || !*dir)
		return 0;
	if (stat(dir, &st))
		return daxmap_fail(ctx, errno, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return daxmap_fail(ctx, ENOTDIR, "%s: not a directory", dir);
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 1 && dir[0] == '/')
		return 0;
	if (len >= sizeof(ctx->root) - 64)
		return daxmap_fail(ctx, ENAMETOOLONG, "%s: path too long", dir);
	memcpy(ctx->root, dir, len);
	ctx->root[len] = '\0';
	return 0;
}

bool daxmap_has_root(const struct daxmap_ctx *ctx)
{
	return ctx->root[0] != '\0';
}

char *daxmap_path(struct daxmap_ctx *ctx, char *buf, const char *fmt, ...)
{
	size_t n = strlen(ctx->root);
	va_list ap;
	int m;

	memcpy(buf, ctx->root, n);
	va_start(ap, fmt);
	m = vsnprintf(buf + n, PATH_MAX - n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= PATH_MAX - n) {
		daxmap_fail(ctx, ENAMETOOLONG, "path too long under %s", ctx->root);
		return NULL;
	}
	return buf;
}

const char *daxmap_unroot(const struct daxmap_ctx *ctx, const char *path)
{
	size_t n = strlen(ctx->root);

	if (n && !strncmp(path, ctx->root, n) && path[n] == '/')
		return path + n;
	return path;
}

bool daxmap_is_admin(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (geteuid() == 0)
		return true;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_SYS_ADMIN / 32].effective & (1U << (CAP_SYS_ADMIN % 32));
}
