// SPDX-License-Identifier: GPL-2.0
/*
 * rdma_p2p - RDMA with its buffers in a /dev/daxX.Y mapping, for the
 * consumers suite (tests/consumers/rdma.sh) on soft-RoCE (rxe) in the guest.
 *
 * What it proves: the pages device-dax maps from a dax_pci_p2p BAR can be
 * registered as an RDMA memory region (ibv_reg_mr takes a long-term GUP pin
 * on them), and the RDMA device moves data into and out of the BAR through
 * that registration, in both roles:
 *
 *   remote  the mapping is the remote buffer: an RDMA WRITE from another
 *           queue pair lands in it (and so in the BAR: the host finds the
 *           bytes in the file behind it), an RDMA READ returns them;
 *   local   the mapping is the local buffer: an RDMA READ fills it, an RDMA
 *           WRITE sends it;
 *   hold    the registration outlives the mapping and the device: it keeps
 *           the pages pinned while the PCI driver is unbound, and the data
 *           is still read through it afterwards (the driver's remove path
 *           must wait for the pin instead of freeing the pages under it).
 *
 * The two ends are two RC queue pairs of one process, connected to each other
 * through port 1 of one device; the other side of every transfer is a buffer
 * in ordinary memory. Data is the pattern of tools/daxmap/lib/pattern.h with
 * device offsets as pattern offsets, so that the host checks bar.img at the
 * same offsets (tests/tools/patcheck check -b).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <infiniband/verbs.h>

#include "pattern.h"
#include "cli.h"
#include "daxdev.h"
#include "numparse.h"

#define PAGE		4096u
#define CQ_TIMEOUT_S	60	/* TCG and a software RDMA device are slow */
#define ACCESS		(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
			 IBV_ACCESS_REMOTE_READ)

static const char usage_text[] =
"usage: rdma_p2p [-d IBDEV] [-g GIDINDEX] [-l MEMLOCK] COMMAND ARGS...\n"
"\n"
"  remote DEV OFF LEN SEED   RDMA WRITE the pattern SEED from memory into the\n"
"                            registered mapping of [OFF, OFF+LEN) of DEV, check\n"
"                            it through the mapping, RDMA READ it back from\n"
"                            there into zeroed memory and check it\n"
"  local DEV OFF LEN SEED    the same with the mapping as the local buffer: an\n"
"                            RDMA READ of the pattern fills it, an RDMA WRITE\n"
"                            sends it back out into zeroed memory\n"
"  reg DEV OFF LEN           register the mapping of the range, deregister it\n"
"  hold DEV OFF LEN SEED READYFILE RELEASEFILE\n"
"                            register the range, unmap and close DEV, create\n"
"                            READYFILE, wait for RELEASEFILE, RDMA READ the\n"
"                            range through the registration and check it\n"
"                            against SEED (\"pinned data intact\"), deregister\n"
"                            (\"deregistered\")\n"
"\n"
"  -d IBDEV     the RDMA device (default: the first one)\n"
"  -g GIDINDEX  the GID of port 1 to connect through (default: the first\n"
"               non-zero one)\n"
"  -l MEMLOCK   set RLIMIT_MEMLOCK to MEMLOCK bytes and drop CAP_IPC_LOCK\n"
"               first, as for an unprivileged user (ibv_reg_mr counts the\n"
"               registered pages against the limit)\n"
"\n"
"Registrations ask for local write, remote read and remote write access.\n"
"DEV is a /dev/daxX.Y. Numbers are " PARSE_U64_FORMS ".\n"
"OFF and LEN are multiples of 4096; pattern offsets are device offsets.\n"
"Exit status: 0 ok, 1 failure (RDMA error, data mismatch), 2 usage error.\n";

static const char *opt_ibdev;
static int opt_gid = -1;

/* Two RC queue pairs on one port, connected to each other. */
struct rdma {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_qp *qp[2];
	union ibv_gid gid;
	int gid_index;
	enum ibv_mtu mtu;
};

/* A memory region and where it is. */
struct buf {
	struct ibv_mr *mr;
	char *p;
	size_t len;
};

static int get_range(const char *offs, const char *lens, uint64_t *off, uint64_t *len)
{
	int rc;

	rc = cli_get_num("OFF", offs, off);
	if (!rc)
		rc = cli_get_num("LEN", lens, len);
	if (rc)
		return rc;
	if (!*len)
		return cli_usage_error("LEN must not be 0");
	if (*len > UINT32_MAX)
		return cli_usage_error("LEN (%s) is larger than one work request can move", lens);
	if (*off > INT64_MAX - *len)
		return cli_usage_error("OFF+LEN (%s+%s) is too large", offs, lens);
	if (*off % PAGE)
		return cli_usage_error("OFF (%s) must be a multiple of %u", offs, PAGE);
	if (*len % PAGE)
		return cli_usage_error("LEN (%s) must be a multiple of %u", lens, PAGE);
	return 0;
}

static int gid_is_zero(const union ibv_gid *gid)
{
	static const union ibv_gid zero;

	return !memcmp(gid, &zero, sizeof(zero));
}

/* @gid as eight groups of four hex digits, as sysfs shows GIDs. */
static void gid_str(const union ibv_gid *gid, char *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(gid->raw) && n < len; i += 2)
		n += snprintf(buf + n, len - n, "%s%02x%02x", i ? ":" : "",
			      gid->raw[i], gid->raw[i + 1]);
}

static struct ibv_context *open_ibdev(void)
{
	struct ibv_device **list;
	struct ibv_context *ctx = NULL;
	int i, n;

	list = ibv_get_device_list(&n);
	if (!list) {
		/* ENOSYS: no uverbs ABI in sysfs, the kernel has no RDMA at all. */
		cli_error("no RDMA device: ibv_get_device_list: %s (is ib_uverbs loaded?)",
			  strerror(errno));
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (opt_ibdev && strcmp(ibv_get_device_name(list[i]), opt_ibdev))
			continue;
		ctx = ibv_open_device(list[i]);
		if (!ctx)
			cli_error("ibv_open_device %s: %s", ibv_get_device_name(list[i]),
				  strerror(errno));
		break;
	}
	if (i == n)
		cli_error("no RDMA device%s%s (rdma link add rxe0 type rxe netdev NETDEV?)",
			  opt_ibdev ? " named " : "", opt_ibdev ? opt_ibdev : "");
	ibv_free_device_list(list);
	return ctx;
}

static int qp_to_init(struct ibv_qp *qp)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.pkey_index = 0,
		.port_num = 1,
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ,
	};

	return ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
			     IBV_QP_ACCESS_FLAGS);
}

/* RTR then RTS, connected to @peer on the same port and GID. */
static int qp_connect(struct rdma *r, struct ibv_qp *qp, struct ibv_qp *peer)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTR,
		.path_mtu = r->mtu,
		.dest_qp_num = peer->qp_num,
		.rq_psn = 0,
		.max_dest_rd_atomic = 1,
		.min_rnr_timer = 12,
		.ah_attr = {
			.is_global = 1,
			.grh = {
				.dgid = r->gid,
				.sgid_index = r->gid_index,
				.hop_limit = 1,
			},
			.port_num = 1,
		},
	};
	int err;

	err = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			    IBV_QP_DEST_QPN | IBV_QP_RQ_PSN | IBV_QP_MAX_DEST_RD_ATOMIC |
			    IBV_QP_MIN_RNR_TIMER);
	if (err)
		return err;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = 18;		/* 4.096 us << 18: about 1 s */
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.sq_psn = 0;
	a.max_rd_atomic = 1;
	return ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
			     IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN | IBV_QP_MAX_QP_RD_ATOMIC);
}

static void rdma_close(struct rdma *r)
{
	int i;

	for (i = 0; i < 2; i++)
		if (r->qp[i])
			ibv_destroy_qp(r->qp[i]);
	if (r->cq)
		ibv_destroy_cq(r->cq);
	if (r->pd)
		ibv_dealloc_pd(r->pd);
	if (r->ctx)
		ibv_close_device(r->ctx);
	memset(r, 0, sizeof(*r));
}

/* Open the device, pick the GID, make and connect the two queue pairs. */
static int rdma_open(struct rdma *r)
{
	struct ibv_port_attr port;
	char gs[48];
	int i, err;

	memset(r, 0, sizeof(*r));
	r->ctx = open_ibdev();
	if (!r->ctx)
		return -1;
	err = ibv_query_port(r->ctx, 1, &port);
	if (err) {
		cli_error("ibv_query_port 1: %s", strerror(err));
		goto fail;
	}
	if (port.state != IBV_PORT_ACTIVE) {
		cli_error("port 1 of %s is not active (state %d): is its netdev up?",
			  ibv_get_device_name(r->ctx->device), port.state);
		goto fail;
	}
	r->mtu = port.active_mtu;
	r->gid_index = -1;
	for (i = opt_gid < 0 ? 0 : opt_gid; i < port.gid_tbl_len; i++) {
		if (ibv_query_gid(r->ctx, 1, i, &r->gid))
			continue;
		if (!gid_is_zero(&r->gid)) {
			r->gid_index = i;
			break;
		}
		if (opt_gid >= 0)
			break;
	}
	if (r->gid_index < 0) {
		if (opt_gid >= 0)
			cli_error("GID %d of port 1 is not set", opt_gid);
		else
			cli_error("port 1 has no GID: give its netdev an (IPv6 link-local) address");
		goto fail;
	}

	r->pd = ibv_alloc_pd(r->ctx);
	if (!r->pd) {
		cli_error("ibv_alloc_pd: %s", strerror(errno));
		goto fail;
	}
	r->cq = ibv_create_cq(r->ctx, 16, NULL, NULL, 0);
	if (!r->cq) {
		cli_error("ibv_create_cq: %s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < 2; i++) {
		struct ibv_qp_init_attr qa = {
			.send_cq = r->cq,
			.recv_cq = r->cq,
			.cap = {
				.max_send_wr = 4,
				.max_recv_wr = 4,
				.max_send_sge = 1,
				.max_recv_sge = 1,
			},
			.qp_type = IBV_QPT_RC,
			.sq_sig_all = 1,
		};

		r->qp[i] = ibv_create_qp(r->pd, &qa);
		if (!r->qp[i]) {
			cli_error("ibv_create_qp: %s", strerror(errno));
			goto fail;
		}
		err = qp_to_init(r->qp[i]);
		if (err) {
			cli_error("QP %u to INIT: %s", r->qp[i]->qp_num, strerror(err));
			goto fail;
		}
	}
	for (i = 0; i < 2; i++) {
		err = qp_connect(r, r->qp[i], r->qp[!i]);
		if (err) {
			cli_error("QP %u to RTR/RTS: %s", r->qp[i]->qp_num, strerror(err));
			goto fail;
		}
	}
	gid_str(&r->gid, gs, sizeof(gs));
	printf("%s port 1: GID %d %s, MTU %d; QPs %u <-> %u\n",
	       ibv_get_device_name(r->ctx->device), r->gid_index, gs,
	       128 << r->mtu, r->qp[0]->qp_num, r->qp[1]->qp_num);
	return 0;
fail:
	rdma_close(r);
	return -1;
}

/* Register @len bytes at @p; says why not. */
static int reg(struct rdma *r, struct buf *b, void *p, size_t len, const char *what)
{
	b->p = p;
	b->len = len;
	b->mr = ibv_reg_mr(r->pd, p, len, ACCESS);
	if (!b->mr)
		return cli_error("ibv_reg_mr of the %s (0x%zx bytes): %s%s", what, len,
				 strerror(errno), errno == ENOMEM ?
				 " (RLIMIT_MEMLOCK, ulimit -l, too low?)" : "");
	return 0;
}

static void dereg(struct buf *b)
{
	int err;

	if (!b->mr)
		return;
	err = ibv_dereg_mr(b->mr);
	if (err)
		cli_error("ibv_dereg_mr: %s", strerror(err));
	b->mr = NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * One RDMA WRITE or READ posted on QP 0 between @local (all of it) and the
 * start of @remote, which QP 1's side owns; waits for its completion.
 */
static int xfer(struct rdma *r, enum ibv_wr_opcode op, struct buf *local, struct buf *remote)
{
	const char *name = op == IBV_WR_RDMA_WRITE ? "RDMA WRITE" : "RDMA READ";
	struct ibv_sge sge = {
		.addr = (uintptr_t)local->p,
		.length = (uint32_t)local->len,
		.lkey = local->mr->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = op,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = op,
		.send_flags = IBV_SEND_SIGNALED,
		.wr.rdma = {
			.remote_addr = (uintptr_t)remote->p,
			.rkey = remote->mr->rkey,
		},
	};
	struct ibv_send_wr *bad;
	struct ibv_wc wc;
	double t0 = now(), t;
	int n, err;

	err = ibv_post_send(r->qp[0], &wr, &bad);
	if (err)
		return cli_error("%s: ibv_post_send: %s", name, strerror(err));
	do {
		n = ibv_poll_cq(r->cq, 1, &wc);
		if (n < 0)
			return cli_error("%s: ibv_poll_cq failed", name);
		t = now();
		if (!n && t - t0 > CQ_TIMEOUT_S)
			return cli_error("%s: no completion in %d s", name, CQ_TIMEOUT_S);
	} while (!n);
	if (wc.status != IBV_WC_SUCCESS)
		return cli_error("%s: completion status %s (%d), vendor error 0x%x", name,
				 ibv_wc_status_str(wc.status), wc.status, wc.vendor_err);
	printf("%s of 0x%zx bytes: %.1f ms\n", name, local->len, (t - t0) * 1e3);
	return 0;
}

static int check(const char *what, const volatile void *p, uint64_t off, uint64_t len,
		 uint64_t seed)
{
	uint64_t first_bad = 0;
	size_t bad;

	bad = pattern_check(p, off, len, seed, &first_bad);
	if (bad) {
		printf("%s: mismatch: first bad offset 0x%" PRIx64 ", %zu bad words\n",
		       what, first_bad, bad);
		return CLI_EXIT_FAIL;
	}
	printf("%s: pattern %" PRIu64 " ok\n", what, seed);
	return 0;
}

/* Page-aligned zeroed memory; NULL after saying why. */
static char *ram_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		cli_error("out of memory for 0x%zx bytes: %s", len, strerror(errno));
		return NULL;
	}
	return p;
}

/*
 * What remote, local and hold move the pattern between: the mapping of a
 * device range and a memory buffer of the same size, both registered.
 */
struct pair {
	uint64_t off, len, seed;
	struct daxdev d;
	struct daxmap m;
	char *mem;
	struct rdma r;
	struct buf dax, ram;
};

static void pair_close(struct pair *p)
{
	dereg(&p->ram);
	dereg(&p->dax);
	rdma_close(&p->r);
	daxdev_unmap(&p->m);
	daxdev_close(&p->d);
	munmap(p->mem, p->len);
}

/*
 * The DEV OFF LEN SEED of @argv (at DEV): parse them, map the range, allocate
 * the memory, open the RDMA device and register both. Return: 0, or the exit
 * status once it has said why not (nothing is then left open).
 */
static int pair_open(struct pair *p, char **argv)
{
	char err[DAXDEV_ERRLEN];
	int rc;

	memset(p, 0, sizeof(*p));
	rc = get_range(argv[1], argv[2], &p->off, &p->len);
	if (!rc)
		rc = cli_get_num("SEED", argv[3], &p->seed);
	if (rc)
		return rc;
	p->mem = ram_alloc(p->len);
	if (!p->mem)
		return CLI_EXIT_FAIL;
	if (daxdev_open_map(&p->d, argv[0], p->off, p->len, &p->m, err)) {
		munmap(p->mem, p->len);
		return cli_error("%s", err);
	}
	if (rdma_open(&p->r) ||
	    reg(&p->r, &p->dax, (void *)p->m.p, p->len, "dax mapping") ||
	    reg(&p->r, &p->ram, p->mem, p->len, "memory buffer")) {
		pair_close(p);
		return CLI_EXIT_FAIL;
	}
	return 0;
}

/*
 * remote and local: the pattern from memory into the mapping and back out,
 * the mapping on the remote side of both work requests or the local one.
 */
static int run_xfer(int argc, char **argv, bool dax_is_remote)
{
	struct pair p;
	uint64_t off, len, seed;
	struct buf *dax = &p.dax, *ram = &p.ram;
	char *mem;
	int rc;

	if (argc != 5)
		return cli_usage_error("%s takes DEV OFF LEN SEED", argv[0]);
	rc = pair_open(&p, argv + 1);
	if (rc)
		return rc;
	off = p.off;
	len = p.len;
	seed = p.seed;
	mem = p.mem;
	printf("ibv_reg_mr %s+0x%" PRIx64 " (0x%" PRIx64 " bytes): lkey 0x%x rkey 0x%x\n",
	       p.d.name, off, len, dax->mr->lkey, dax->mr->rkey);

	/* Into the mapping. */
	pattern_fill(mem, off, len, seed);
	if (dax_is_remote)
		rc = xfer(&p.r, IBV_WR_RDMA_WRITE, ram, dax);
	else
		rc = xfer(&p.r, IBV_WR_RDMA_READ, dax, ram);
	if (!rc)
		rc = check(dax_is_remote ? "WRITE into the mapping" : "READ into the mapping",
			   p.m.p, off, len, seed);
	if (rc)
		goto out;

	/* And out again. */
	memset(mem, 0, len);
	if (dax_is_remote)
		rc = xfer(&p.r, IBV_WR_RDMA_READ, ram, dax);
	else
		rc = xfer(&p.r, IBV_WR_RDMA_WRITE, dax, ram);
	if (!rc)
		rc = check(dax_is_remote ? "READ from the mapping" : "WRITE from the mapping",
			   mem, off, len, seed);
out:
	pair_close(&p);
	return rc;
}

static int cmd_remote(int argc, char **argv)
{
	return run_xfer(argc, argv, true);
}

static int cmd_local(int argc, char **argv)
{
	return run_xfer(argc, argv, false);
}

static int cmd_reg(int argc, char **argv)
{
	struct buf dax = { 0 };
	char err[DAXDEV_ERRLEN];
	uint64_t off, len;
	struct daxdev d;
	struct daxmap m;
	struct rdma r;
	int rc;

	if (argc != 4)
		return cli_usage_error("reg takes DEV OFF LEN");
	rc = get_range(argv[2], argv[3], &off, &len);
	if (rc)
		return rc;
	if (daxdev_open_map(&d, argv[1], off, len, &m, err))
		return cli_error("%s", err);
	rc = rdma_open(&r) ? CLI_EXIT_FAIL : 0;
	if (!rc)
		rc = reg(&r, &dax, (void *)m.p, len, "dax mapping");
	if (!rc) {
		printf("ibv_reg_mr %s+0x%" PRIx64 " (0x%" PRIx64 " bytes): lkey 0x%x rkey 0x%x\n",
		       d.name, off, len, dax.mr->lkey, dax.mr->rkey);
		dereg(&dax);
	}
	rdma_close(&r);
	daxdev_unmap(&m);
	daxdev_close(&d);
	return rc;
}

static int cmd_hold(int argc, char **argv)
{
	struct pair p;
	int rc;

	if (argc != 7)
		return cli_usage_error("hold takes DEV OFF LEN SEED READYFILE RELEASEFILE");
	rc = pair_open(&p, argv + 1);
	if (rc)
		return rc;
	/*
	 * From here on only the registration holds the pages: the mapping is
	 * gone (the MR keeps its virtual addresses as plain numbers) and so is
	 * the file.
	 */
	daxdev_unmap(&p.m);
	daxdev_close(&p.d);
	printf("registered 0x%" PRIx64 " bytes at offset 0x%" PRIx64
	       " (rkey 0x%x), mapping and device closed\n", p.len, p.off, p.dax.mr->rkey);
	fflush(stdout);
	rc = cli_ready_wait(argv[5], argv[6]);
	if (!rc)
		rc = xfer(&p.r, IBV_WR_RDMA_READ, &p.ram, &p.dax);
	if (!rc && !check("READ through the held registration", p.mem, p.off, p.len, p.seed))
		printf("pinned data intact\n");
	else if (!rc)
		rc = CLI_EXIT_FAIL;
	dereg(&p.dax);
	printf("deregistered\n");
	pair_close(&p);
	return rc;
}

/* -l: lower RLIMIT_MEMLOCK and stop being exempt from it. */
static int set_memlock(const char *s)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct c[_LINUX_CAPABILITY_U32S_3];
	struct rlimit rl;
	uint64_t v;
	int rc;

	rc = cli_get_num("MEMLOCK", s, &v);
	if (rc)
		return rc;
	rl.rlim_cur = rl.rlim_max = v;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return cli_error("setrlimit RLIMIT_MEMLOCK %s: %s", s, strerror(errno));
	if (syscall(SYS_capget, &h, c))
		return cli_error("capget: %s", strerror(errno));
	c[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	c[CAP_TO_INDEX(CAP_IPC_LOCK)].permitted &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	if (syscall(SYS_capset, &h, c))
		return cli_error("capset without CAP_IPC_LOCK: %s", strerror(errno));
	return 0;
}

int main(int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "remote", cmd_remote },
		{ "local", cmd_local },
		{ "reg", cmd_reg },
		{ "hold", cmd_hold },
	};
	uint64_t v;
	int i, rc;

	cli_prog = "rdma_p2p";
	if (cli_want_help(argc, argv)) {
		fputs(usage_text, stdout);
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			return cli_usage_error("%s needs a value", argv[i]);
		if (!strcmp(argv[i], "-d")) {
			opt_ibdev = argv[i + 1];
		} else if (!strcmp(argv[i], "-g")) {
			rc = cli_get_num("GIDINDEX", argv[i + 1], &v);
			if (rc)
				return rc;
			if (v > 255)
				return cli_usage_error("GIDINDEX %s is too large", argv[i + 1]);
			opt_gid = (int)v;
		} else if (!strcmp(argv[i], "-l")) {
			rc = set_memlock(argv[i + 1]);
			if (rc)
				return rc;
		} else {
			return cli_usage_error("unknown option '%s'", argv[i]);
		}
	}
	return cli_dispatch(cmds, sizeof(cmds) / sizeof(cmds[0]), argc - i + 1, argv + i - 1);
}
