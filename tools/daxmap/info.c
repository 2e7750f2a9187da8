// SPDX-License-Identifier: GPL-2.0
/*
 * daxmap info: one p2pdax device, from sysfs and the P2PDAX_IOC_INFO ioctl
 * of /dev/p2pdax, and the route from its BAR to each --peer
 * (P2PDAX_IOC_ROUTE). Bus addresses only for root (CAP_SYS_ADMIN): the
 * ioctl is asked for them only then, and refuses them to anyone else.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"

static const char usage[] =
"usage: daxmap info DEVICE [--peer PCI]... [-u|--human]\n"
"\n"
"One JSON object: DEVICE as daxmap list shows it, its \"region\" (without\n"
"devices, with \"bar_size\" and for root \"bar_bus_address\"), \"nr_ranges\",\n"
"and with --peer a \"routes\" array.\n"
"Needs /dev/p2pdax (dax_pci_p2p loaded).\n"
"\n"
"  DEVICE            daxX.Y, X.Y or /dev/daxX.Y, of a p2pdax region\n"
"  -p, --peer PCI    the route from the device's BAR function to the PCI\n"
"                    function PCI (DDDD:BB:DD.F or BB:DD.F), e.g. an NVMe\n"
"                    controller; repeatable\n"
"  -u, --human       sizes as \"256.00 MiB\", offsets in hex\n"
"  -h, --help        this text\n"
"  -V, --version     version\n"
"\n"
"Route keys: peer type (same-function, same-switch, root-complex,\n"
"no-common-root) acs_redirect translated iommu (none, identity, translated)\n"
"ports; port keys: pci type acs acs_ctrl redirect common side (bar, peer).\n"
"Bus addresses (\"bus_address\") only as root.\n";

#define MAX_PEERS	32

/* A code without a name in this build: "unknown(N)". */
static void json_name(struct json_writer *w, const char *key, const char *name, unsigned int v)
{
	char buf[32];

	if (!name) {
		snprintf(buf, sizeof(buf), "unknown(%u)", v);
		name = buf;
	}
	json_string(w, key, name);
}

static void route_json(struct json_writer *w, const struct p2pdax_route *rt)
{
	unsigned int i, n = rt->nr_ports;
	char pci[32];

	json_object_begin(w, NULL);
	json_string(w, "peer", daxmap_pci_name(&rt->peer, pci, sizeof(pci)));
	json_name(w, "type", daxmap_route_type_name(rt->type), rt->type);
	json_bool(w, "acs_redirect", rt->attrs & P2PDAX_ROUTE_ACS_REDIRECT);
	json_bool(w, "translated", rt->attrs & P2PDAX_ROUTE_TRANSLATED);
	json_name(w, "iommu", daxmap_iommu_name(rt->iommu), rt->iommu);
	/* The kernel's own verdict, where it has CONFIG_PCI_P2PDMA. */
	if (rt->attrs & P2PDAX_ROUTE_P2PDMA) {
		bool ok = !(rt->attrs & P2PDAX_ROUTE_P2PDMA_REFUSED);

		json_bool(w, "p2pdma", ok);
		if (ok)
			json_u64(w, "p2pdma_distance", rt->p2pdma_distance);
	}
	if (rt->attrs & P2PDAX_ROUTE_TRUNCATED) {
		json_bool(w, "truncated", true);
		json_u64(w, "nr_ports", rt->nr_ports);
	}
	if (n > P2PDAX_ROUTE_MAX_PORTS)
		n = P2PDAX_ROUTE_MAX_PORTS;
	json_array_begin(w, "ports");
	for (i = 0; i < n; i++) {
		const struct p2pdax_port *p = &rt->ports[i];

		json_object_begin(w, NULL);
		json_string(w, "pci", daxmap_pci_name(&p->fn, pci, sizeof(pci)));
		json_name(w, "type", daxmap_pcie_type_name(p->pcie_type), p->pcie_type);
		if (p->flags & P2PDAX_PORT_ACS) {
			json_hex_width(w, "acs", p->acs_cap, 4);
			json_hex_width(w, "acs_ctrl", p->acs_ctrl, 4);
		} else {
			json_null(w, "acs");
			json_null(w, "acs_ctrl");
		}
		json_bool(w, "redirect", p->flags & P2PDAX_PORT_REDIRECT);
		json_bool(w, "common", p->flags & P2PDAX_PORT_COMMON);
		json_string(w, "side", p->flags & P2PDAX_PORT_PEER_SIDE ? "peer" : "bar");
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

/*
 * The device from sysfs, with what only the ioctl knows (or knows for
 * sure: the offset of a device is read again, now): nr_ranges, bar_size,
 * and the bus addresses when @admin.
 */
static void info_json(struct json_writer *w, const struct daxmap_region *r,
		      const struct daxmap_dev *d, const struct p2pdax_info *in, bool admin,
		      const struct p2pdax_route *routes, size_t nr_routes)
{
	struct daxmap_region rr = *r;
	struct daxmap_dev dd = *d;
	size_t i;

	/*
	 * Bus addresses for root only, whatever sysfs allowed: the device's
	 * from the ioctl, the region's (its first byte, which for a driver
	 * that registers part of a BAR is not the BAR's) from sysfs.
	 */
	dd.has_bus_addr = admin && (in->attrs & P2PDAX_ATTR_BUS_ADDR) && in->nr_ranges;
	dd.bus_addr = in->bus_addr;
	rr.has_bus_addr = admin && r->has_bus_addr;
	if (in->nr_ranges) {
		dd.has_offset = true;
		dd.offset = in->bar_offset;
	}

	json_object_begin(w, NULL);
	daxmap_dev_json(w, &dd);
	json_u64(w, "nr_ranges", in->nr_ranges);
	json_object_begin(w, "region");
	daxmap_region_json(w, &rr);
	json_size(w, "bar_size", in->bar_size);
	if (admin && (in->attrs & P2PDAX_ATTR_BUS_ADDR))
		json_hex(w, "bar_bus_address", in->bar_bus_addr);
	json_object_end(w);
	if (nr_routes) {
		json_array_begin(w, "routes");
		for (i = 0; i < nr_routes; i++)
			route_json(w, &routes[i]);
		json_array_end(w);
	}
	json_object_end(w);
}

int cmd_info(int argc, char **argv, struct daxmap_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "peer", required_argument, NULL, 'p' },
		{ "human", no_argument, NULL, 'u' },
		DAXMAP_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static struct p2pdax_route routes[MAX_PEERS];
	struct p2pdax_pci_fn peers[MAX_PEERS];
	struct p2pdax_info in;
	struct daxmap_region *r;
	struct daxmap_dev *d;
	struct daxmap_topo t;
	struct json_writer w;
	size_t nr_peers = 0, i;
	bool human = false, admin = daxmap_is_admin();
	int c, fd, rc, status;

	while ((c = daxmap_getopt(argc, argv, "p:u" DAXMAP_COMMON_SHORT, longopts, usage,
				  &status)) != DAXMAP_OPT_END) {
		switch (c) {
		case DAXMAP_OPT_EXIT:
			return status;
		case 'u':
			human = true;
			break;
		case 'p':
			if (nr_peers == MAX_PEERS)
				return cli_usage_error("at most %d --peer", MAX_PEERS);
			if (daxmap_parse_pci(optarg, &peers[nr_peers]))
				return cli_usage_error("--peer '%s' is not a PCI function (DDDD:BB:DD.F)",
						       optarg);
			nr_peers++;
			break;
		}
	}
	if (optind == argc)
		return cli_usage_error("no DEVICE");
	if (optind + 1 < argc)
		return cli_usage_error("one DEVICE only: unexpected argument '%s'", argv[optind + 1]);

	if (daxmap_scan(ctx, &t))
		return daxmap_lib_error(ctx);
	rc = daxmap_lookup_p2p(ctx, &t, argv[optind], &d, &r);
	if (rc) {
		/* Not a device name at all is a usage error. */
		rc = rc == -EINVAL ? cli_usage_error("%s", ctx->err) : daxmap_lib_error(ctx);
		goto out;
	}
	fd = daxmap_ctl_open(ctx);
	if (fd < 0) {
		rc = daxmap_lib_error(ctx);
		goto out;
	}
	rc = daxmap_ctl_info(ctx, fd, d->region_id, d->id, admin, &in);
	for (i = 0; !rc && i < nr_peers; i++)
		rc = daxmap_ctl_route(ctx, fd, r->id, &peers[i], &routes[i]);
	close(fd);
	if (rc) {
		rc = daxmap_lib_error(ctx);
		goto out;
	}
	json_init(&w, stdout, human ? JSON_HUMAN : 0);
	info_json(&w, r, d, &in, admin, routes, nr_peers);
	rc = json_finish(&w) ? cli_error("writing the JSON output failed") : 0;
out:
	daxmap_topo_free(&t);
	return rc;
}
