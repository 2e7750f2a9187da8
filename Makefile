# SPDX-License-Identifier: GPL-2.0
#
# p2pdax top-level build.
#
#   make                build the module and the test-only modules of
#                       tests/kmod/ for every target kernel (or for
#                       KDIR=/path/to/kernel/build only), daxmap and the test
#                       programs
#   make modules        the modules alone, into $(BUILD)/KVER/ (driver:
#                       dax_pci_p2p.ko; tests/kmod/*.ko). The
#                       target kernels (scripts/kernels.sh): every kernel
#                       installed here with headers, and Debian 13's kernel
#                       (7.3) in the Debian 13 root that make deps sets up in
#                       /var/lib/p2pdax/trixie (P2PDAX_TRIXIE), built there
#                       with its own compiler, as root
#   make install        install daxmap and its man page (PREFIX, default
#                       /usr/local; DESTDIR); make uninstall
#   make check          install what is missing, build, run every test
#   make demo           install what is missing, build, boot the demo VM
#   make intree-check   prove the in-tree form builds in Debian's 7.3 source
#                       with the series of patches/upstream, and with
#                       compat/compat.h in its 6.12 and 6.1 sources
#   make unit-check, guest-check, carve-check, memtype-check, stress-check, p2p-check,
#                       p2p-iommu-check, daxmap-check: one part of make check
#   make bench          first-touch, fault and memmap figures per alignment,
#                       from one QEMU boot per kernel (BENCH_KVER=K: only K)
#   make clean

BUILD   ?= $(CURDIR)/build
KDIR    ?=
# The kernels, one per line: "KDIR" for one of this system, "KDIR SYSROOT"
# for one whose headers are in another Debian's root (scripts/kernels.sh).
TARGETS := $(if $(KDIR),echo $(KDIR),scripts/kernels.sh)
SOURCES := Kbuild drivers include compat
# Test-only modules, each directory with a Kbuild of its own: copied to
# $(BUILD)/KVER/DIR and built there, apart from the driver.
TEST_KMODS := $(wildcard tests/kmod)

export BUILD

.PHONY: all modules daxmap tests deps check unit-check guest-check carve-check memtype-check stress-check \
	p2p-check p2p-iommu-check daxmap-check consumers-check bench demo intree-check upstream-check \
	install uninstall clean

all: modules daxmap tests

# Per kernel: copy the sources, detect its features, build the driver, then
# the test modules. A kernel of another root is built inside that root,
# which sees $(BUILD)/KVER at the same path (scripts/sysroot-run.sh), with
# the KDIR it knows.
modules:
	@set -e; targets=$$($(TARGETS)); \
	test -n "$$targets" || { echo "no kernel build tree found: install linux-headers-amd64 (make deps) or pass KDIR=" >&2; exit 1; }; \
	echo "$$targets" | while read -r kdir sysroot; do \
		kver=$$(scripts/kver.sh $$kdir $$sysroot); \
		out=$(BUILD)/$$kver; \
		mkdir -p $$out; \
		cp -pRu $(SOURCES) $$out/; \
		scripts/features.sh $$kdir $$sysroot > $$out/compat/dax_pci_p2p_features.h.new; \
		cmp -s $$out/compat/dax_pci_p2p_features.h.new $$out/compat/dax_pci_p2p_features.h || \
			mv $$out/compat/dax_pci_p2p_features.h.new $$out/compat/dax_pci_p2p_features.h; \
		rm -f $$out/compat/dax_pci_p2p_features.h.new; \
		for d in $(TEST_KMODS); do mkdir -p $$out/$$d; cp -pRu $$d/. $$out/$$d/; done; \
		if [ -n "$$sysroot" ]; then \
			kbuild="scripts/sysroot-run.sh $$sysroot $$out make -C $${kdir#$$sysroot}"; \
		else \
			kbuild="$(MAKE) -C $$kdir"; \
		fi; \
		echo "  MODULE  $$kver$${sysroot:+ (in $$sysroot)}"; \
		$$kbuild M=$$out P2PDAX_ROOT=$$out CONFIG_DEV_DAX_PCI_P2P=m W=1 modules </dev/null; \
		for d in $(TEST_KMODS); do \
			echo "  MODULE  $$kver $$d"; \
			$$kbuild M=$$out/$$d P2PDAX_ROOT=$$out W=1 modules </dev/null; \
		done; \
	done

# Where tests/unit runs it from, and what the guest suites copy to /tests/bin.
daxmap:
	$(MAKE) -C tools/daxmap O=$(BUILD)/tests/daxmap

install uninstall:
	$(MAKE) -C tools/daxmap O=$(BUILD)/tests/daxmap $@

tests:
	$(MAKE) -C tests/guest O=$(BUILD)/tests

deps:
	scripts/install-deps.sh

unit-check: tests
	$(MAKE) -C tests/unit O=$(BUILD)/tests check

# One guest suite on every installed kernel, as tests/check.sh runs it.
RUN_SUITE = P2PDAX_BUILD=$(BUILD) tests/qemu/run-suite.sh --module-dir $(BUILD) \
	--bin $(BUILD)/tests/guest --bin $(BUILD)/tests/tools --bin $(BUILD)/tests/daxmap

guest-check: all
	$(RUN_SUITE) --suite tests/guest

carve-check: all
	$(RUN_SUITE) --suite tests/carve --bar-size 2G

# The memory type of user mappings at 4K/2M/1G, from the page tables.
memtype-check: all
	$(RUN_SUITE) --suite tests/memtype --bar-size 2G

stress-check: all
	$(RUN_SUITE) --suite tests/stress

# The P2P ABI on a PCIe switch (the suite's file "topology" says "switch").
p2p-check: all
	$(RUN_SUITE) --suite tests/p2p

# The route report behind an emulated Intel IOMMU (topology "switch-iommu").
p2p-iommu-check: all
	$(RUN_SUITE) --suite tests/p2p-iommu

# Every daxmap command in the guest (topology "switch").
daxmap-check: all
	$(RUN_SUITE) --suite tests/daxmap

# fio, io_uring, NVMe passthrough and soft-RoCE with buffers in the mapping
# (topology "switch").
consumers-check: all
	$(RUN_SUITE) --suite tests/consumers

intree-check:
	scripts/intree-check.sh

# The kernel series of patches/upstream on the 7.3 source: each patch builds,
# checkpatch, the reproducers fail on stock 7.3 and pass on the patched
# kernel, the guest suites pass on it. Not part of check (a kernel build):
# .ci/run runs it after check. The kernel build is cached outside the clone
# ($$P2PDAX_UPSTREAM).
upstream-check: deps
	$(MAKE) all
	scripts/upstream-check.sh

# A benchmark, not a test: a table of figures from emulated machines.
# P2PDAX_BUILD, if set, moves the QEMU work directories (as for run-suite.sh).
BENCH_KVER ?=
bench: modules
	$(MAKE) -C tests/bench O=$(BUILD)/tests
	P2PDAX_BUILD="$${P2PDAX_BUILD:-$(BUILD)}" tests/bench/bench.sh --module-dir $(BUILD) \
		--bin $(BUILD)/tests/bench $(foreach k,$(BENCH_KVER),--kver $(k))

# Everything, from a fresh machine: the packages, the build, every test.
check: deps
	$(MAKE) all
	MAKE="$(MAKE)" tests/check.sh

demo: deps
	$(MAKE) all
	tests/qemu/demo.sh

clean:
	rm -rf $(BUILD)
