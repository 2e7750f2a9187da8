// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: pteprobe - TEST-ONLY module: the page-table entry of a user address
 *
 * This module exists only for the p2pdax guest tests and must never be
 * loaded on a machine that matters. It lets a root process read the
 * page-table entry (PTE, or a 2 MiB PMD or 1 GiB PUD leaf) that maps one of
 * its own addresses, and the IA32_PAT MSR of the CPU, through the ioctl of
 * /dev/pteprobe (tests/kmod/pteprobe.h).
 *
 * Why: the memory type (WB, WC, UC-, UC) a user mapping of a device-dax
 * device really gets is decided by the PAT, PCD and PWT bits of its leaf
 * entry, and nothing the kernel exports shows them:
 * /sys/kernel/debug/x86/pat_memtype_list shows the reservation made for the
 * physical range, not what the fault handlers put into user page tables,
 * and the two differ (on 6.12 at 1 GiB, on 7.3 at every size). Under TCG
 * the guest cannot measure caching either. tests/guest/memtype.c decodes
 * the entry this module returns.
 *
 * The walk is read-only and takes the same locks as the kernel's own
 * walkers: mmap_read_lock() with the address inside a VMA, so that no page
 * table from the PGD down to the PMD table can be freed under it; and the
 * PMD lock while the PMD and PTE are read, so that a PTE table cannot be
 * collapsed (khugepaged) or reclaimed (PT_RECLAIM) while it is read, nor a
 * huge PMD split. Raw entries hold physical addresses: CAP_SYS_ADMIN only.
 */
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/msr.h>

#include "pteprobe.h"

/*
 * pte_offset_kernel() below assumes that page tables are always mapped
 * (no HIGHPTE) and the MSR is x86's.
 */
#ifndef CONFIG_X86_64
#error "pteprobe reads x86-64 page tables and the x86 IA32_PAT MSR"
#endif

/*
 * The entry at the level where the walk stopped: a leaf, or the first
 * entry that is not present.
 */
static void pteprobe_set(struct pteprobe_walk *w, u32 level, u64 entry)
{
	w->level = level;
	w->entry = entry;
}

/*
 * The PMD and, below a page table, the PTE, under the PMD lock: reading the
 * PTE needs the PTE table to stay, which since 6.5 is no longer guaranteed
 * by mmap_read_lock() alone. pte_offset_map() would take care of that, but
 * it is out of line since 6.5 and not exported (__pte_offset_map); on x86-64
 * it is pte_offset_kernel() plus that guarantee, which the PMD lock gives
 * on every kernel: whoever frees or replaces a PTE table (khugepaged's
 * collapse and retract, empty-table reclaim) clears the PMD under it.
 */
static int pteprobe_walk_pmd(struct mm_struct *mm, pmd_t *pmdp, unsigned long addr,
			     struct pteprobe_walk *w)
{
	spinlock_t *ptl;	/* the PMD lock */
	pmd_t pmd;
	pte_t pte;
	int ret = 0;

	ptl = pmd_lock(mm, pmdp);
	pmd = READ_ONCE(*pmdp);
	if (pmd_none(pmd) || !pmd_present(pmd)) {
		pteprobe_set(w, PTEPROBE_LEVEL_NONE, pmd_val(pmd));
		ret = -ENOENT;
	} else if (pmd_leaf(pmd)) {
		pteprobe_set(w, PTEPROBE_LEVEL_PMD, pmd_val(pmd));
	} else {
		pte = ptep_get(pte_offset_kernel(pmdp, addr));
		if (pte_none(pte) || !pte_present(pte)) {
			pteprobe_set(w, PTEPROBE_LEVEL_NONE, pte_val(pte));
			ret = -ENOENT;
		} else {
			pteprobe_set(w, PTEPROBE_LEVEL_PTE, pte_val(pte));
		}
	}
	spin_unlock(ptl);
	return ret;
}

/*
 * Down to the PMD table under mmap_read_lock(): tables above a PTE table are
 * freed only by free_pgtables(), for VMAs already gone; a PUD or PMD entry
 * that is a table stays one. Each entry is read once; pud_offset() and
 * pmd_offset() read it again, which is the same table.
 */
static int pteprobe_walk_mm(struct mm_struct *mm, unsigned long addr,
			    struct pteprobe_walk *w)
{
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;

	if (!vma_lookup(mm, addr))
		return -EFAULT;

	pgdp = pgd_offset(mm, addr);
	pgd = READ_ONCE(*pgdp);
	if (pgd_none(pgd) || !pgd_present(pgd)) {
		pteprobe_set(w, PTEPROBE_LEVEL_NONE, pgd_val(pgd));
		return -ENOENT;
	}
	/* x86 has no 512 GiB pages: a present P4D is a table. */
	p4dp = p4d_offset(pgdp, addr);
	p4d = READ_ONCE(*p4dp);
	if (p4d_none(p4d) || !p4d_present(p4d)) {
		pteprobe_set(w, PTEPROBE_LEVEL_NONE, p4d_val(p4d));
		return -ENOENT;
	}
	pudp = pud_offset(p4dp, addr);
	pud = READ_ONCE(*pudp);
	if (pud_none(pud) || !pud_present(pud)) {
		pteprobe_set(w, PTEPROBE_LEVEL_NONE, pud_val(pud));
		return -ENOENT;
	}
	/* pud_leaf(): on 6.1 an alias of pud_large(), which 6.8 removed. */
	if (pud_leaf(pud)) {
		pteprobe_set(w, PTEPROBE_LEVEL_PUD, pud_val(pud));
		return 0;
	}
	return pteprobe_walk_pmd(mm, pmd_offset(pudp, addr), addr, w);
}

/*
 * IA32_PAT of this CPU. rdmsr_safe() with two 32-bit halves has the same
 * name and form on every kernel: rdmsrl() became rdmsrq() in 6.16.
 */
static int pteprobe_read_pat(struct pteprobe_walk *w)
{
	u32 lo, hi;
	int cpu, ret;

	cpu = get_cpu();
	ret = rdmsr_safe(MSR_IA32_CR_PAT, &lo, &hi);
	put_cpu();
	if (ret)
		return -EIO;
	w->pat = (u64)hi << 32 | lo;
	w->cpu = cpu;
	return 0;
}

static long pteprobe_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	struct mm_struct *mm = current->mm;
	struct pteprobe_walk w;
	int ret;

	if (cmd != PTEPROBE_IOC_WALK)
		return -ENOTTY;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&w, uarg, sizeof(w)))
		return -EFAULT;
	if (w.reserved[0] || w.reserved[1] || w.addr >= TASK_SIZE)
		return -EINVAL;
	if (!mm)
		return -EFAULT;

	w.entry = 0;
	w.level = PTEPROBE_LEVEL_NONE;
	ret = pteprobe_read_pat(&w);
	if (ret)
		return ret;

	mmap_read_lock(mm);
	ret = pteprobe_walk_mm(mm, w.addr, &w);
	mmap_read_unlock(mm);
	if (ret && ret != -ENOENT)
		return ret;
	/* Written back for -ENOENT too: the entry that was not present. */
	if (copy_to_user(uarg, &w, sizeof(w)))
		return -EFAULT;
	return ret;
}

static const struct file_operations pteprobe_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= pteprobe_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice pteprobe_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= PTEPROBE_NAME,
	.fops	= &pteprobe_fops,
	.mode	= 0600,
};

module_misc_device(pteprobe_dev);

MODULE_DESCRIPTION("Test-only: the page-table entry and PAT MSR behind a user address");
MODULE_LICENSE("GPL");
