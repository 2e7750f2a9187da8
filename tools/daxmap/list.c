// SPDX-License-Identifier: GPL-2.0
/*
 * daxmap list: the regions of the dax_pci_p2p driver and their devices, as
 * a JSON array, from sysfs alone (so it works on a saved tree under
 * --sysroot, and without /dev/p2pdax).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"

static const char usage[] =
"usage: daxmap list [-u|--human] [-i|--idle] [-r|--region ID] [DEVICE...]\n"
"\n"
"JSON array of the dax regions of dax_pci_p2p, each with its \"devices\".\n"
"\n"
"  DEVICE            daxX.Y, X.Y, /dev/daxX.Y or all (default): only these\n"
"                    devices, and only the regions that hold them; a device\n"
"                    of another driver's region is an error\n"
"  -r, --region ID   only region ID (a p2pdax region)\n"
"  -i, --idle        also devices of size 0 (a region's seed device; a\n"
"                    device named is listed whatever its size)\n"
"  -u, --human       sizes as \"256.00 MiB\", offsets in hex\n"
"  -h, --help        this text\n"
"  -V, --version     version\n"
"\n"
"Region keys: id size align (root only) available_size pci bar caching\n"
"prefetchable persistent bus_address (root only) devices.\n"
"Device keys: chardev size target_node align mode state (\"disabled\")\n"
"offset bus_address (root only).\n";

struct list_opts {
	bool human, idle;
	bool region_set;
	unsigned int region;
	size_t nr_filters;
	struct daxmap_filter *filters;
};

/* Idle devices only with -i, or when named. */
static bool want_dev(const struct list_opts *o, const struct daxmap_dev *d)
{
	bool named = false, all = !o->nr_filters;
	size_t i;

	for (i = 0; i < o->nr_filters; i++) {
		if (!daxmap_filter_match(&o->filters[i], d))
			continue;
		all |= o->filters[i].all;
		named |= !o->filters[i].all;
	}
	return named || (all && (d->size || o->idle));
}

/*
 * Every device named must exist and be a p2pdax device; a region asked for
 * must exist and be a p2pdax region. Return: 0 or the failure status.
 */
static int check_named(struct daxmap_ctx *ctx, const struct daxmap_topo *t,
		       const struct list_opts *o, char **names)
{
	struct daxmap_region *r;
	struct daxmap_dev *d;
	size_t i;

	if (o->region_set) {
		r = daxmap_find_region(t, o->region);
		if (!r)
			return cli_error("region %u: no such dax region", o->region);
		if (!r->p2pdax)
			return cli_error("region %u is not a p2pdax region (it belongs to %s%s%s)",
					 r->id, r->parent, r->parent_driver[0] ? ", driver " : "",
					 r->parent_driver);
	}
	for (i = 0; i < o->nr_filters; i++) {
		if (o->filters[i].all)
			continue;
		if (daxmap_lookup_p2p(ctx, t, names[i], &d, &r))
			return daxmap_lib_error(ctx);
	}
	return 0;
}

static int list_json(const struct daxmap_topo *t, const struct list_opts *o)
{
	struct json_writer w;
	size_t i, j, n;

	json_init(&w, stdout, o->human ? JSON_HUMAN : 0);
	json_array_begin(&w, NULL);
	for (i = 0; i < t->nr_regions; i++) {
		const struct daxmap_region *r = &t->regions[i];

		if (!r->p2pdax || (o->region_set && r->id != o->region))
			continue;
		for (n = 0, j = 0; j < r->nr_devs; j++)
			n += want_dev(o, &r->devs[j]);
		/* A filter that names devices leaves out the regions without them. */
		if (!n && o->nr_filters)
			continue;
		json_object_begin(&w, NULL);
		daxmap_region_json(&w, r);
		json_array_begin(&w, "devices");
		for (j = 0; j < r->nr_devs; j++) {
			if (!want_dev(o, &r->devs[j]))
				continue;
			json_object_begin(&w, NULL);
			daxmap_dev_json(&w, &r->devs[j]);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_object_end(&w);
	}
	json_array_end(&w);
	if (json_finish(&w))
		return cli_error("writing the JSON output failed");
	return 0;
}

int cmd_list(int argc, char **argv, struct daxmap_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "human", no_argument, NULL, 'u' },
		{ "idle", no_argument, NULL, 'i' },
		{ "region", required_argument, NULL, 'r' },
		DAXMAP_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct list_opts o = { 0 };
	struct daxmap_topo t;
	uint64_t v;
	int c, i, rc, status;

	while ((c = daxmap_getopt(argc, argv, "uir:" DAXMAP_COMMON_SHORT, longopts, usage,
				  &status)) != DAXMAP_OPT_END) {
		switch (c) {
		case DAXMAP_OPT_EXIT:
			return status;
		case 'u':
			o.human = true;
			break;
		case 'i':
			o.idle = true;
			break;
		case 'r':
			rc = daxmap_get_num("--region", optarg, &v);
			if (rc)
				return rc;
			if (v > UINT32_MAX)
				return cli_usage_error("--region %s: no such region id", optarg);
			o.region = (unsigned int)v;
			o.region_set = true;
			break;
		}
	}
	o.nr_filters = (size_t)(argc - optind);
	o.filters = calloc(o.nr_filters + 1, sizeof(*o.filters));
	if (!o.filters)
		return cli_error("out of memory");
	for (i = optind; i < argc; i++) {
		if (daxmap_parse_filter(ctx, argv[i], &o.filters[i - optind])) {
			free(o.filters);
			return cli_usage_error("%s", ctx->err);
		}
	}
	if (daxmap_scan(ctx, &t)) {
		free(o.filters);
		return daxmap_lib_error(ctx);
	}
	rc = check_named(ctx, &t, &o, argv + optind);
	if (!rc)
		rc = list_json(&t, &o);
	daxmap_topo_free(&t);
	free(o.filters);
	return rc;
}
