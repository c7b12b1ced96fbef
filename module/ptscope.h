/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between the files of ptscope.ko. */
#ifndef PTSCOPE_INTERNAL_H
#define PTSCOPE_INTERNAL_H

#include <linux/pgtable.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/sched.h>
#include <linux/utsname.h>

#include "uapi/ptscope.h"

/* What GET_INFO reports; filled by ptscope_info_get(). */
struct ptscope_info {
	char kernel_release[__NEW_UTS_LEN + 1];
	u32 page_size;
	u32 paging_levels;
	u64 user_addr_max;
	u32 phys_addr_bits;
	u32 va_bits;
	u32 arch;		/* PTSCOPE_ARCH_* */
	u64 features;
};

void ptscope_info_get(struct ptscope_info *info);
u32 ptscope_paging_levels(void);
extern const char *const ptscope_feature_names[__PTSCOPE_FEATURE_BIT_COUNT];
extern const char *const ptscope_arch_names[];

/* A process being inspected, held for the length of one request. */
struct ptscope_target {
	struct task_struct *task;
	struct mm_struct *mm;
	bool see_phys;		/* may see PFNs and physical addresses */
};

struct netlink_ext_ack;
struct pid;
void ptscope_target_init(void);
/*
 * @pid as the caller may see it: @pagemap_fd, the caller's open of
 * /proc/PID/pagemap for it (-1: none), is the proof of access a caller
 * needs for another process unless @admin (CAP_SYS_ADMIN).
 */
int ptscope_target_get(u32 pid, int pagemap_fd, bool admin, struct ptscope_target *t,
		       struct netlink_ext_ack *extack);
void ptscope_target_put(struct ptscope_target *t);

/* Why a caller without CAP_SYS_ADMIN is refused another process. */
#define PTSCOPE_MSG_NO_PROOF \
	"permission denied: without CAP_SYS_ADMIN, prove read access with the caller's open " \
	"/proc/PID/pagemap of the process, sent as PTSCOPE_A_PAGEMAP_FD (libptscope does)"
/* Why a walk gave up: a PMD that kept changing under it. */
#define PTSCOPE_MSG_UNSETTLED "page tables kept changing during the walk; try again"
/* Why a dump ended early: its address space is gone. */
#define PTSCOPE_MSG_GONE_WALK "the process exited or called exec during the walk"
#define PTSCOPE_MSG_GONE_MAPS "the process exited or called exec while its maps were read"

struct ptscope_xlate_level {
	u32 level;		/* enum ptscope_level */
	u32 index;
	u64 table_phys;
	u64 entry;
	u64 flags;		/* PTSCOPE_ENTRY_* */
	u64 leaf_size;		/* 0 unless this entry maps the address */
	u64 pfn;
	bool has_pfn;
};

struct ptscope_xlate {
	u64 addr;
	unsigned int nr;
	bool no_vma;		/* no mapping covers addr: the PGD level only */
	struct ptscope_xlate_level lv[5];
};

int ptscope_xlate(struct mm_struct *mm, unsigned long addr, struct ptscope_xlate *x);
void ptscope_xlate_hide_phys(struct ptscope_xlate *x);
int ptscope_xlate_for_caller(u32 pid, int pagemap_fd, bool admin, unsigned long addr,
			     struct ptscope_xlate *x, struct netlink_ext_ack *extack);
extern const char *const ptscope_entry_names[__PTSCOPE_ENTRY_BIT_COUNT];

u64 ptscope_pte_sw_flags(pte_t pte);
u64 ptscope_pmd_sw_flags(pmd_t pmd);

/*
 * hugetlb may share PMD tables between processes and unshares them under
 * the file's i_mmap_rwsem: held for reading (order: mmap_lock, i_mmap, ptl)
 * while a shared hugetlb VMA's tables are read. Returns what to unlock.
 */
struct address_space *ptscope_lock_shared_tables(struct vm_area_struct *vma);
void ptscope_unlock_shared_tables(struct address_space *shared);

/*
 * The locked descent through one PUD or PMD entry toward @addr (descend.c),
 * shared by the walker and xlate. The caller holds the mmap read lock (and
 * ptscope_lock_shared_tables()). Each hook gets the entry as read under
 * the locks named, which hold while it runs; what it returns ends the
 * descent of that entry and is passed on. An entry that changes before
 * its lock is taken is read again: -EAGAIN only when it will not settle.
 */
struct ptscope_descent;
struct ptscope_descent_ops {
	/* No lock: an empty or bad entry (nothing below it is read). */
	int (*on_pud_empty)(struct ptscope_descent *d, pud_t *pudp, pud_t pud);
	/* PUD lock held: a 1 GiB leaf, or a swap-style entry for one. */
	int (*on_pud_leaf)(struct ptscope_descent *d, pud_t pud);
	/* No lock: a PMD table; the hook goes on with ptscope_descend_pmd(). */
	int (*on_pud_table)(struct ptscope_descent *d, pud_t *pudp, pud_t pud);
	/* RCU: an empty or bad entry. */
	int (*on_pmd_empty)(struct ptscope_descent *d, pmd_t *pmdp, pmd_t pmd);
	/* PMD lock held: a huge leaf, or a migration or hwpoison entry for one. */
	int (*on_pmd_leaf)(struct ptscope_descent *d, pmd_t pmd);
	/* RCU and the PTE table's lock held, the PMD rechecked: @ptep is addr's entry. */
	int (*on_pte_table)(struct ptscope_descent *d, pmd_t pmd, pte_t *ptep);
};

unsigned long ptscope_leaf_size(struct vm_area_struct *vma, unsigned long level_size);

struct ptscope_descent {
	struct mm_struct *mm;
	struct vm_area_struct *vma;	/* holding addr, found under the mmap lock */
	unsigned long addr;
	pmd_t *pmdp;			/* for on_pmd_leaf: where the leaf is */
	const struct ptscope_descent_ops *ops;
};

int ptscope_descend_pud(struct ptscope_descent *d, pud_t *pudp);
int ptscope_descend_pmd(struct ptscope_descent *d, pmd_t *pmdp);

/* One WALK record: a leaf entry, a run of equal ones, or a hole. */
struct ptscope_page {
	u64 addr;
	u64 nr_pages;
	u64 pfn;
	u64 entry;
	u64 flags;		/* PTSCOPE_ENTRY_* */
	u64 swap_offset;
	u32 level;		/* enum ptscope_level */
	u32 state;		/* enum ptscope_state */
	u32 kind;		/* enum ptscope_kind */
	u32 pflags;		/* PTSCOPE_PAGE_* */
	u8 cont_order;		/* a contiguous leaf: 1 << cont_order entries */
	u32 cache;		/* enum ptscope_cache */
	u32 swap_type;
	u32 cow;		/* enum ptscope_cow */
	u32 pkey;		/* present: the entry's protection key */
	u32 mapcount;
	u32 refcount;
	u32 pincount;		/* has_pincount: a large folio's exact pin count */
	u32 res_desc;		/* has_res: IORES_DESC_* */
	u64 res_flags;		/* has_res: IORESOURCE_* */
	/*
	 * Runs: the raw entry of the record's k-th leaf is entry + k * entry_step
	 * (leaves joins only entries in that progression), so a run expands
	 * back into its leaves exactly; 0 while the run has one leaf.
	 */
	u64 entry_step;
	u64 leaves;
	bool has_pfn;
	bool has_page;		/* mapcount and refcount apply */
	bool has_pincount;
	bool has_res;		/* an iomem resource claims the frame */
	/* has_page: the page describe_backing() checked (kernel-only, never sent) */
	struct page *page;
	/* Placement (walks with placement only): see enum ptscope_place_flag. */
	bool has_nid;
	bool has_memcg;
	u32 nid;
	u32 place;		/* PTSCOPE_PLACE_* */
	u64 memcg;		/* cgroup inode */
};

/*
 * A walk over [next, end) of @mm (held by the caller with mmgrab or
 * mmget). @emit gets each record; a non-zero return (-EMSGSIZE: output
 * full) stops the walk with @next at that record, to be redone next time.
 */
struct ptscope_walk {
	struct mm_struct *mm;
	unsigned long next;
	unsigned long end;
	bool runs;
	bool skip_none;
	bool hide_phys;		/* the caller is not CAP_SYS_ADMIN: see ptscope_page_hide_phys() */
	/* PTSCOPE_FIELD_* groups (PLACE: NUMA node and memory cgroup); 0: PTSCOPE_FIELDS_DEFAULT */
	u32 fields;
	int (*emit)(struct ptscope_walk *w, const struct ptscope_page *pg);
	/* Optional: whether a VMA found in the range may be walked (else -ESTALE). */
	bool (*vma_ok)(struct ptscope_walk *w, struct vm_area_struct *vma);
	void *ctx;
	/* private */
	struct ptscope_page run;
	bool have_run;
	unsigned int budget;
};

/* What a write to the present frame described by @pg would do (cow.c). */
struct page;
u32 ptscope_cow_state(struct vm_area_struct *vma, const struct ptscope_page *pg,
		      struct page *page);

void ptscope_walk_init(void);
int ptscope_walk(struct ptscope_walk *w);
/*
 * Call @chunk(@arg) with @mm's mmap lock held for reading until *@next
 * (which @chunk moves on) reaches @end, unlocking between calls; @chunk
 * returns < 0 to stop, > 0 when it stopped for a writer (let in first).
 */
int ptscope_run_chunks(struct mm_struct *mm, const unsigned long *next, unsigned long end,
		       int (*chunk)(void *arg), void *arg);
void ptscope_page_hide_phys(struct ptscope_page *pg);
void ptscope_page_find_owner(struct ptscope_page *pg);

/* One record of a leaf or hole (describe.c); the leaf's lock is held. */
void ptscope_page_init(struct ptscope_page *pg, unsigned long addr, u64 nr_pages, u32 level,
		       u64 entry);
void ptscope_page_hugetlb_table(struct ptscope_page *pg, void *entryp);
bool ptscope_page_memcg(struct page *page, u64 *ino, bool *offline);
void ptscope_describe_pte(struct vm_area_struct *vma, unsigned long addr, pte_t pte,
			  struct ptscope_page *pg, bool frame);
void ptscope_describe_pmd_leaf(struct vm_area_struct *vma, unsigned long addr, pmd_t pmd,
			       struct ptscope_page *pg, bool frame);
void ptscope_describe_pud_leaf(struct vm_area_struct *vma, unsigned long addr, pud_t pud,
			       unsigned long next, struct ptscope_page *pg, bool frame);

/* One GET_VMAS record. */
struct ptscope_vma {
	u64 start;
	u64 end;
	u64 flags;		/* PTSCOPE_VMA_* */
	u64 pgoff;		/* bytes, file mappings only */
	u64 inode;
	u32 backing;		/* enum ptscope_backing */
	const char *name;
	u64 present, zero, swapped, huge, dirty, soft_dirty;	/* pages */
	u64 cow[__PTSCOPE_COW_COUNT];				/* present pages */
	u64 pinned;						/* pages */
};

/*
 * The first VMA ending above @addr, described and counted (as a caller
 * who may not see physical details sees it, with @hide_phys). @name is a
 * PATH_MAX buffer the description's name is kept in. -ENOENT: none left;
 * -EAGAIN: the VMA kept changing while it was counted.
 */
int ptscope_vma_describe(struct mm_struct *mm, unsigned long addr, bool hide_phys,
			 struct ptscope_vma *v, char *name);
/* Only bounds, flags, backing and name of @vma (mmap lock held); no counters. */
void ptscope_vma_identify(struct vm_area_struct *vma, struct ptscope_vma *v, char *name);

/* A mapping as a fault record keeps it. */
struct ptscope_fault_vma {
	u64 start, end, flags, pgoff;
	u32 backing;
	bool present;
	char name[128];
};

/* One user SIGSEGV/SIGBUS and the address space around it (faults.c). */
struct ptscope_fault {
	u64 id, time_ns;
	u64 addr, ip, sp, error;
	u64 esr;		/* has_esr: arm64's syndrome */
	u64 stack_start, stack_end;
	/*
	 * pid, tid and uid as the reader sees them (filled in by
	 * ptscope_fault_get); the ring's own copy keeps the struct pids and
	 * the kuid they come from, and readers' copies never hold references.
	 */
	u32 pid, tid, uid, sig, code, trap;
	struct pid *tgid_ref, *tid_ref;
	kuid_t kuid;
	kgid_t kgid;
	bool open;		/* its own user may read it (see faults.c) */
	bool handled;
	bool has_esr, has_trap;
	bool snapshot;		/* the VMAs and translations were taken */
	char comm[TASK_COMM_LEN];
	char exe[128];
	struct ptscope_fault_vma vma, below, above;
	struct ptscope_xlate x_addr, x_ip;
};

/*
 * Set up in this order around the netlink family: alloc before it
 * registers, start (the probe) after; stop before it unregisters, free
 * after.
 */
int ptscope_faults_alloc(void);
int ptscope_faults_start(void);
void ptscope_faults_stop(void);
void ptscope_faults_free(void);

/* Who reads fault records, decided in the reader's context; and where it was. */
struct ptscope_fault_reader {
	kuid_t uid;		/* fsuid and fsgid, as ptrace access uses them */
	kgid_t gid;
	bool admin;		/* CAP_SYS_ADMIN in the initial user namespace */
	u32 at;			/* private: the slot of the last answer, */
	u64 at_id;		/* and its id */
};

void ptscope_fault_reader_init(struct ptscope_fault_reader *rd, bool admin);
/*
 * The oldest kept record with id >= @id that @rd may see (by the rule of
 * visible() in faults.c, and its process has a pid in the caller's pid
 * namespace), copied, with pids as that namespace numbers them and the uid
 * as the caller's user namespace maps it; -ENOENT when none. Readers call
 * it in their own context (debugfs reads, netlink dump start and recvmsg).
 */
int ptscope_fault_get(u64 id, struct ptscope_fault_reader *rd, struct ptscope_fault *out);
void ptscope_faults_clear(void);
void ptscope_faults_stats(u64 *recorded, u64 *dropped, u32 *ring_size);
/* Send a completed record to the "faults" multicast group (nl_faults.c). */
void ptscope_nl_fault_event(const struct ptscope_fault *f);

/*
 * The top-level iomem resource claiming physical address @phys (a bus
 * window rather than the BAR inside it: the kernel's walker skips children
 * of a match): true with its IORESOURCE_* flags and IORES_DESC_*, false if
 * none does (phys.c). ptscope_iomem_owner() names the innermost.
 */
bool ptscope_resource_of(u64 phys, u64 *flags, u32 *desc);

/* PHYS: what a physical address is. */
struct ptscope_phys {
	u64 addr, pfn;
	u64 pflags;		/* PTSCOPE_PHYS_* */
	u64 res_flags;
	const char *zone;	/* static: the zone's name */
	u32 nid, mapcount, refcount, pincount, res_desc;
	bool ram, has_page, has_pincount, has_res;
};

int ptscope_phys_describe(u64 addr, struct ptscope_phys *p, struct netlink_ext_ack *extack);

/* IOMMU: how a PCI device's DMA addresses are translated. */
struct ptscope_iommu {
	u32 domain;		/* enum ptscope_iommu_domain */
	u32 group;
	u64 phys;
	bool has_group, mapped;
};

int ptscope_iommu_describe(const char *bdf, bool has_iova, u64 iova, struct ptscope_iommu *out,
			   struct netlink_ext_ack *extack);

int ptscope_netlink_init(void);
void ptscope_netlink_exit(void);

void ptscope_debugfs_init(void);
void ptscope_debugfs_exit(void);
struct dentry;
void ptscope_debugfs_dump_init(struct dentry *dir);

/* One TABLES record: a page-table page (tables.c). */
struct ptscope_table_rec {
	u64 addr;		/* first user address it maps */
	u64 phys;		/* 0 when hidden */
	u32 level;		/* PTSCOPE_LEVEL_* of its entries */
	u32 entries;		/* entries for user addresses */
	u32 used;		/* of those, not none */
	u32 leaves;		/* of those, leaves */
	u32 flags;		/* PTSCOPE_TABLE_* */
};

/*
 * The page tables under the VMAs of [next, end) of @mm (held by the caller
 * with mmgrab or mmget), each reported once to @emit; a non-zero return
 * (-EMSGSIZE: output full) stops the walk with @next and @sent set to redo
 * that record next time (@sent 0 for a walk not resumed).
 */
struct ptscope_tables {
	struct mm_struct *mm;
	unsigned long next;
	unsigned long end;
	/*
	 * In and out: bit L set when the table of level L (PTSCOPE_LEVEL_*)
	 * holding next was reported already, so a resumed dump goes on where
	 * it stopped whatever the target changed meanwhile.
	 */
	u32 sent;
	bool hide_phys;
	int (*emit)(struct ptscope_tables *t, const struct ptscope_table_rec *r);
	void *ctx;
	/* private: per level, the first address of the last table reported */
	unsigned long last[PTSCOPE_LEVEL_PGD + 1];
	u32 have;
	unsigned int budget;
};

int ptscope_tables(struct ptscope_tables *t);
#define PTSCOPE_MSG_GONE_XLATE "the process exited or called exec while its addresses were translated"
#define PTSCOPE_MSG_GONE_TABLES "the process exited or called exec while its tables were read"

#endif
