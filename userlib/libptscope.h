/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libptscope: query the ptscope kernel module (page-table inspector).
 *
 * Every function that can fail returns 0 or a negative errno and leaves a
 * message naming the problem, including the kernel's extended-ack text when
 * it sent one, for ptscope_errmsg(). A handle must not be used by two
 * threads at once; separate handles are independent.
 */
#ifndef LIBPTSCOPE_H
#define LIBPTSCOPE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PTSCOPE_API __attribute__((visibility("default")))

struct ptscope;

/* The module's GET_INFO answer (see uapi/ptscope.h for each field). */
struct ptscope_info {
	char module_version[32];
	char kernel_release[65];
	uint32_t family_version; /* netlink family version the module speaks */
	uint32_t page_size;
	uint32_t paging_levels;
	uint64_t user_addr_max;
	uint32_t phys_addr_bits;
	uint64_t features; /* PTSCOPE_FEATURE_* bits */
	uint32_t fault_ring; /* fault records the module keeps */
	uint64_t faults; /* fault records made since it was loaded */
	uint64_t faults_dropped; /* not recorded (throttled) or replaced by newer ones */
};

#define PTSCOPE_MAX_LEVELS 5
/* Room for the PTSCOPE_COW_* states of uapi/ptscope.h, and some to come. */
#define PTSCOPE_COW_STATES 16

/* One level of a translation (see PTSCOPE_CMD_XLATE in uapi/ptscope.h). */
struct ptscope_xlate_level {
	uint32_t level; /* PTSCOPE_LEVEL_*: ptscope_level_name() */
	uint32_t index; /* entry index within the table */
	uint64_t table_phys; /* 0 unless the caller may see physical details */
	uint64_t entry; /* raw entry; frame bits 0 when hidden */
	uint64_t flags; /* PTSCOPE_ENTRY_* bits: ptscope_entry_flag_name() */
	uint64_t leaf_size; /* bytes mapped when this entry is the leaf, else 0 */
	uint64_t pfn; /* frame of the address's page (kernel PAGE_SIZE; 0 when hidden) */
	int has_pfn; /* the leaf is present and pfn applies */
};

/*
 * A level the source cannot tell (procfs: the leaf, which pagemap shows
 * without saying which table holds it, nor how large it is).
 */
#define PTSCOPE_LEVEL_UNKNOWN 0xffffU

struct ptscope_xlate {
	uint64_t addr;
	unsigned int nr_levels; /* levels walked, top (PGD) first */
	struct ptscope_xlate_level levels[PTSCOPE_MAX_LEVELS];
};

/*
 * One WALK record (see PTSCOPE_CMD_WALK in uapi/ptscope.h): nr_pages pages
 * of the kernel's PAGE_SIZE (ptscope_get_machine(): 4 KiB on x86_64, 4 or
 * 16 KiB on arm64) from addr. A present record's frames are pfn, pfn + 1, ...
 */
struct ptscope_page {
	uint64_t addr;
	uint64_t nr_pages;
	uint64_t pfn; /* has_pfn only; 0 when hidden from the caller */
	uint64_t entry; /* raw entry of the first page */
	uint64_t flags; /* PTSCOPE_ENTRY_* */
	uint64_t swap_offset; /* state swap only */
	uint32_t level; /* PTSCOPE_LEVEL_* of the leaf */
	uint32_t state; /* PTSCOPE_STATE_*: ptscope_state_name() */
	uint32_t kind; /* state present only: PTSCOPE_KIND_* */
	uint32_t pflags; /* state present only: PTSCOPE_PAGE_* */
	uint32_t cache; /* state present only: PTSCOPE_CACHE_* */
	uint32_t swap_type; /* state swap only */
	uint32_t mapcount; /* has_page only: as /proc/kpagecount */
	uint32_t refcount; /* has_page only */
	uint32_t cow; /* PTSCOPE_COW_*: what a write would do, ptscope_cow_name() */
	uint32_t pkey; /* state present only: the entry's protection key */
	uint32_t pincount; /* has_pincount: a large folio's exact FOLL_PIN count */
	uint32_t res_desc; /* has_res: IORES_DESC_* of the resource owning the frame */
	uint64_t res_flags; /* has_res: its IORESOURCE_* flags */
	int has_pfn;
	int has_page;
	int has_pincount;
	int has_res; /* frames without a struct page: see ptscope_iomem_owner() */
	/* A contiguous leaf (arm64 hugetlb) spans 1 << cont_order entries of its level. */
	uint32_t cont_order;
	/*
	 * Since 1.2: PTSCOPE_UNKNOWN_* bits, the fields the source could not
	 * see (the procfs source: ptscope_source()). Such a field holds 0 and
	 * means nothing; the module's answers have none.
	 */
	uint32_t unknown;
	/*
	 * Since 1.3, with PTSCOPE_WALK_PLACEMENT only (see enum
	 * ptscope_place_flag in uapi/ptscope.h): the frame's NUMA node and
	 * the inode of the memory cgroup charged for it, where known.
	 */
	int has_nid;
	int has_memcg;
	uint32_t nid;
	uint32_t place; /* PTSCOPE_PLACE_* */
	uint64_t memcg;
	/*
	 * Since 1.6: the PTSCOPE_FIELD_* groups this record holds (see enum
	 * ptscope_field and ptscope_walk_fields()); the others' fields are 0
	 * and their PTSCOPE_UNKNOWN_* bits clear.
	 */
	uint32_t fields;
};

/* struct ptscope_page.unknown: ptscope_unknown_name() */
#define PTSCOPE_UNKNOWN_ENTRY (1U << 0) /* entry: the raw page-table entry */
#define PTSCOPE_UNKNOWN_FLAGS (1U << 1) /* flags other than soft-dirty and uffd-wp */
#define PTSCOPE_UNKNOWN_LEVEL (1U << 2) /* level: which table holds the leaf */
#define PTSCOPE_UNKNOWN_CACHE (1U << 3)
#define PTSCOPE_UNKNOWN_PKEY (1U << 4)
#define PTSCOPE_UNKNOWN_COW (1U << 5)
#define PTSCOPE_UNKNOWN_REFCOUNT (1U << 6)
/* page flags other than thp, mapped-once and file-backed */
#define PTSCOPE_UNKNOWN_PFLAGS (1U << 7)
#define PTSCOPE_UNKNOWN_KIND (1U << 8) /* kind, and the thp page flag */
#define PTSCOPE_UNKNOWN_MAPCOUNT (1U << 9)
#define PTSCOPE_UNKNOWN_PFN (1U << 10) /* a present page's frame: hidden is not unknown */
#define PTSCOPE_UNKNOWN_PINCOUNT (1U << 11)
/* pagemap's soft-dirty bit is the entry's or the VMA's (VM_SOFTDIRTY) */
#define PTSCOPE_UNKNOWN_SOFT_DIRTY (1U << 12)
/* state: pagemap does not look into PFN-mapped (VM_PFNMAP) mappings */
#define PTSCOPE_UNKNOWN_STATE (1U << 13)
#define PTSCOPE_UNKNOWN_UFFD_WP (1U << 14) /* pagemap has the bit since 5.17 */
/* the mapped-once page flag: pagemap's bit is unreliable for 1 GiB hugetlb pages */
#define PTSCOPE_UNKNOWN_MAPPED_ONCE (1U << 15)
/* Since 1.3, with PTSCOPE_WALK_PLACEMENT: the node (move_pages(2) refused), the memory cgroup */
#define PTSCOPE_UNKNOWN_NID (1U << 16)
#define PTSCOPE_UNKNOWN_MEMCG (1U << 17) /* /proc/kpagecgroup: CAP_SYS_ADMIN only */
#define PTSCOPE_UNKNOWN_BITS 18

/* Called for each record in address order; non-zero stops the walk. */
typedef int (*ptscope_page_fn)(const struct ptscope_page *page, void *arg);

/* One mapping (see PTSCOPE_CMD_GET_VMAS); counters are in the kernel's pages. */
struct ptscope_vma {
	uint64_t start;
	uint64_t end; /* exclusive */
	uint64_t flags; /* PTSCOPE_VMA_*: ptscope_vma_flag_name() */
	uint64_t pgoff; /* file offset in bytes (file mappings) */
	uint64_t inode;
	uint32_t backing; /* PTSCOPE_BACKING_*: ptscope_backing_name() */
	const char *name; /* valid during the callback only */
	uint64_t present; /* pages with a present entry */
	uint64_t zero; /* of those, the zero page or huge zero page */
	uint64_t swapped;
	uint64_t huge; /* pages mapped by PMD/PUD leaves */
	uint64_t dirty;
	uint64_t soft_dirty;
	uint64_t cow[PTSCOPE_COW_STATES]; /* present pages per PTSCOPE_COW_* */
	uint64_t pinned; /* pages (maybe) pinned for DMA */
	/* Since 1.2: PTSCOPE_VMA_UNKNOWN_* bits, counters the source could not count. */
	uint32_t unknown;
};

/* struct ptscope_vma.unknown: ptscope_vma_unknown_name() */
#define PTSCOPE_VMA_UNKNOWN_ZERO (1U << 0)
#define PTSCOPE_VMA_UNKNOWN_DIRTY (1U << 1)
#define PTSCOPE_VMA_UNKNOWN_COW (1U << 2)
#define PTSCOPE_VMA_UNKNOWN_PINNED (1U << 3)
#define PTSCOPE_VMA_UNKNOWN_HUGE (1U << 4)
#define PTSCOPE_VMA_UNKNOWN_SOFT_DIRTY (1U << 5)
#define PTSCOPE_VMA_UNKNOWN_PRESENT (1U << 6) /* and swapped: a VM_PFNMAP mapping */
#define PTSCOPE_VMA_UNKNOWN_BITS 7

typedef int (*ptscope_vma_fn)(const struct ptscope_vma *vma, void *arg);

/*
 * Connect to the module. -ENOENT means the module is not loaded; the message
 * then says so and how to load it.
 */
PTSCOPE_API int ptscope_open(struct ptscope **handle);
PTSCOPE_API void ptscope_close(struct ptscope *handle);

/*
 * Since 1.2: where answers come from. The module sees everything its rules
 * allow; procfs is what /proc/PID/pagemap, /proc/kpageflags,
 * /proc/kpagecount and /proc/PID/smaps show the caller, under their own
 * permission rules (no frames without CAP_SYS_ADMIN), with the fields it
 * cannot see marked in the records' unknown bits. Only ptscope_walk(),
 * ptscope_maps(), ptscope_find_mapping(), ptscope_xlate() (the leaf only),
 * ptscope_get_info() and ptscope_get_machine() answer from procfs; the rest
 * fail with -EOPNOTSUPP.
 */
enum {
	PTSCOPE_SOURCE_AUTO, /* the module if loaded, else procfs */
	PTSCOPE_SOURCE_MODULE,
	PTSCOPE_SOURCE_PROCFS,
};

/*
 * ptscope_open() takes its source from the environment: PTSCOPE_SOURCE=
 * module, procfs or auto (the default). AUTO falls back to procfs only
 * when the module is not loaded (-ENOENT); other failures are returned.
 * Programs linked against libptscope before 1.2 keep its module-only
 * ptscope_open() (symbol version LIBPTSCOPE_1): they cannot read the
 * unknown bits, so they never get procfs answers.
 */
PTSCOPE_API int ptscope_open_source(struct ptscope **handle, int source);
/* PTSCOPE_SOURCE_MODULE or PTSCOPE_SOURCE_PROCFS: what answers on @handle. */
PTSCOPE_API int ptscope_source(const struct ptscope *handle);
/* "auto", "module", "procfs"; NULL for an unknown source. */
PTSCOPE_API const char *ptscope_source_name(int source);
/* "entry", "flags", ... for PTSCOPE_UNKNOWN_* bit @bit; NULL past them. */
PTSCOPE_API const char *ptscope_unknown_name(unsigned int bit);
/* "zero", "dirty", ... for PTSCOPE_VMA_UNKNOWN_* bit @bit; NULL past them. */
PTSCOPE_API const char *ptscope_vma_unknown_name(unsigned int bit);

PTSCOPE_API int ptscope_get_info(struct ptscope *handle, struct ptscope_info *info);

/*
 * The machine the module runs on (since libptscope 1.1; struct ptscope_info
 * keeps its layout). A module from before arm64 reports no architecture or
 * VA width: x86_64, and the width its user address limit implies.
 */
struct ptscope_machine {
	uint32_t arch; /* PTSCOPE_ARCH_*: ptscope_arch_name() */
	uint32_t page_size; /* bytes: the unit of WALK records, pfns and counters */
	uint32_t page_shift; /* log2(page_size) */
	uint32_t va_bits; /* user virtual address width */
};

PTSCOPE_API int ptscope_get_machine(struct ptscope *handle, struct ptscope_machine *out);
/* "x86_64", "aarch64"; NULL for an unknown architecture. */
PTSCOPE_API const char *ptscope_arch_name(unsigned int arch);

/*
 * Translate @addr in process @pid (0: the caller) through every page-table
 * level. Errors: -ESRCH (no such process, or it exited), -EPERM (not the
 * caller's to inspect), -EINVAL (kernel thread, address out of range).
 */
PTSCOPE_API int ptscope_xlate(struct ptscope *handle, uint32_t pid, uint64_t addr,
			      struct ptscope_xlate *out);

/*
 * Since 1.5: @n addresses of process @pid translated, @out[i] for @addrs[i],
 * in one request per PTSCOPE_XLATE_MANY_MAX (4096) addresses; a module
 * older than that request is asked one address at a time. Errors as
 * ptscope_xlate(); one address beyond the user address space refuses the
 * whole call (-EINVAL). Every request carries the one proof of access
 * opened for the first, so a pid taken over part-way (exec, or exit and
 * reuse) fails the call rather than answering for another process. @out
 * is written in full only when 0 is returned.
 */
PTSCOPE_API int ptscope_xlate_many(struct ptscope *handle, uint32_t pid, const uint64_t *addrs,
				   size_t n, struct ptscope_xlate *out);

/*
 * Walk [start, end) of process @pid (0: the caller; end 0: to the top of
 * the user address space), calling @fn for each record as messages arrive:
 * memory use does not grow with the range. @flags: PTSCOPE_WALK_RUNS to
 * merge runs of equal pages, PTSCOPE_WALK_SKIP_NONE to leave out unmapped
 * pages. Returns 0, a negative errno (as ptscope_xlate(), or -ESRCH if the
 * process exits part-way), or the non-zero value @fn stopped with.
 */
PTSCOPE_API int ptscope_walk(struct ptscope *handle, uint32_t pid, uint64_t start, uint64_t end,
			     unsigned int flags, ptscope_page_fn fn, void *arg);

/*
 * Since 1.6: ptscope_walk() of only the field groups in @fields
 * (PTSCOPE_FIELD_* of uapi/ptscope.h; 0: PTSCOPE_FIELDS_DEFAULT, what
 * ptscope_walk() gives; the entry group always). The module then reads no
 * struct page for a walk of entries alone, and runs join on the groups
 * asked for; other sources answer in full and the rest is cleared here.
 * -EINVAL for bits outside PTSCOPE_FIELDS_ALL.
 */
PTSCOPE_API int ptscope_walk_fields(struct ptscope *handle, uint32_t pid, uint64_t start,
				    uint64_t end, unsigned int flags, uint32_t fields,
				    ptscope_page_fn fn, void *arg);

/*
 * Since 1.3: one page-table page of a process (PTSCOPE_CMD_TABLES): the
 * table of @level entries that maps from @addr, how many of its entries
 * are in use, and of those how many are leaves.
 */
struct ptscope_table {
	uint64_t addr; /* first user address it maps */
	uint64_t phys; /* has_phys only: its physical address */
	uint32_t level; /* PTSCOPE_LEVEL_* of its entries */
	uint32_t entries; /* entries for user addresses */
	uint32_t used; /* of those, not none */
	uint32_t leaves; /* of those, leaves */
	uint32_t flags; /* PTSCOPE_TABLE_* */
	int has_phys;
};

typedef int (*ptscope_table_fn)(const struct ptscope_table *table, void *arg);

/*
 * Since 1.3: the page-table pages of process @pid that map [start, end)
 * (end 0: the top) inside its mappings, in address order, each once.
 * Module only (-EOPNOTSUPP from procfs). Returns as ptscope_walk().
 */
PTSCOPE_API int ptscope_tables(struct ptscope *handle, uint32_t pid, uint64_t start, uint64_t end,
			       ptscope_table_fn fn, void *arg);

/*
 * Every mapping of process @pid in address order, with counters from its
 * page tables, streamed to @fn. Returns as ptscope_walk().
 */
PTSCOPE_API int ptscope_maps(struct ptscope *handle, uint32_t pid, ptscope_vma_fn fn, void *arg);

/*
 * The address range of the mapping process @pid knows as @place: a
 * bracketed name as maps shows it ("[heap]", "[stack]", "[vdso]",
 * "[anon:NAME]"), a file's full path, its file name ("libc.so.6"), or the
 * start of a file name up to a '.' or '-' ("libc"). All VMAs with that name
 * count, so a library's range spans its text and data. Returns 0 with
 * [*start, *end), -ENOENT if nothing matches, -EINVAL if @place names more
 * than one file, or an error as ptscope_maps().
 */
PTSCOPE_API int ptscope_find_mapping(struct ptscope *handle, uint32_t pid, const char *place,
				     uint64_t *start, uint64_t *end);

PTSCOPE_API const char *ptscope_vma_flag_name(unsigned int bit);
PTSCOPE_API const char *ptscope_backing_name(unsigned int backing);

/* What a physical address is (PTSCOPE_CMD_PHYS; CAP_SYS_ADMIN only). */
struct ptscope_phys {
	uint64_t addr;
	uint64_t pfn;
	uint64_t pflags; /* has_page: PTSCOPE_PHYS_*, ptscope_phys_flag_name() */
	uint64_t res_flags; /* has_res: IORESOURCE_* of the top-level resource */
	uint32_t res_desc; /* has_res: IORES_DESC_* */
	uint32_t nid; /* has_page */
	uint32_t mapcount; /* has_page */
	uint32_t refcount; /* has_page */
	uint32_t pincount; /* has_pincount (large folios) */
	char zone[32]; /* has_page: "Normal", "DMA32", ... */
	int ram; /* System RAM */
	int has_page; /* a struct page in use (online memory) */
	int has_pincount;
	int has_res;
};

PTSCOPE_API int ptscope_phys(struct ptscope *handle, uint64_t addr, struct ptscope_phys *out);
PTSCOPE_API const char *ptscope_phys_flag_name(unsigned int bit);

/* How a PCI device's DMA addresses are translated (PTSCOPE_CMD_IOMMU). */
struct ptscope_iommu {
	uint32_t domain; /* PTSCOPE_IOMMU_*: ptscope_iommu_domain_name() */
	uint32_t group; /* has_group */
	uint64_t iova; /* has_iova: as asked */
	uint64_t phys; /* mapped: what iova translates to */
	int has_group;
	int has_iova;
	int mapped;
};

/*
 * @device is "DOMAIN:BUS:SLOT.FN"; with @has_iova, also translate @iova.
 * Errors: -ENODEV (no such device), -EINVAL (malformed), -EPERM.
 */
PTSCOPE_API int ptscope_iommu(struct ptscope *handle, const char *device, int has_iova,
			      uint64_t iova, struct ptscope_iommu *out);
PTSCOPE_API const char *ptscope_iommu_domain_name(unsigned int domain);

/*
 * The innermost /proc/iomem resource holding physical address @phys: its
 * name ("0000:00:02.0", "System RAM") and [*start, *end] (inclusive).
 * -ENOENT if none, -EACCES when /proc/iomem hides addresses (not root).
 */
PTSCOPE_API int ptscope_iomem_owner(uint64_t phys, char *name, size_t len, uint64_t *start,
				    uint64_t *end);

/* A mapping as a fault record keeps it; present 0: there was none. */
struct ptscope_fault_vma {
	uint64_t start, end, flags, pgoff;
	uint32_t backing;
	int present;
	char name[128];
};

/* One recorded SIGSEGV/SIGBUS (PTSCOPE_CMD_GET_FAULTS). */
struct ptscope_fault {
	uint64_t id;
	uint64_t time_ns; /* CLOCK_REALTIME */
	uint64_t addr, ip, sp;
	uint64_t error; /* PTSCOPE_PF(...) bits: x86's error code, or derived from the ESR */
	uint64_t stack_start, stack_end;
	uint32_t pid, tid, uid;
	uint32_t signal, code; /* SIGSEGV or SIGBUS, si_code */
	uint32_t trap; /* x86: 14 page fault, 13 general protection; arm64: 0 */
	int handled; /* a user handler was installed */
	int snapshot; /* the VMAs and translations below were taken */
	char comm[16];
	char exe[128];
	struct ptscope_fault_vma vma, below, above;
	struct ptscope_xlate xlate_addr, xlate_ip; /* nr_levels 0: none */
	/* Since 1.1 (the library fills the record; callers only read it). */
	uint64_t esr; /* has_esr: arm64 ESR_EL1 as the kernel saved it */
	int has_esr;
	uint32_t arch; /* PTSCOPE_ARCH_*: the module's machine (the file's, for cores) */
};

typedef int (*ptscope_fault_fn)(const struct ptscope_fault *fault, void *arg);

/*
 * The kept fault records, oldest first (only the caller's own unless it has
 * CAP_SYS_ADMIN), or with @id != 0 that one record (-ENOENT if not kept).
 */
PTSCOPE_API int ptscope_faults(struct ptscope *handle, uint64_t id, ptscope_fault_fn fn, void *arg);
/* Forget all records (CAP_SYS_ADMIN). */
PTSCOPE_API int ptscope_faults_clear(struct ptscope *handle);
/*
 * Live records as the module makes them (CAP_SYS_ADMIN), until @fn returns
 * non-zero (returned). -ENOBUFS if the socket overflowed: records were lost.
 */
PTSCOPE_API int ptscope_faults_follow(struct ptscope *handle, ptscope_fault_fn fn, void *arg);

/*
 * Since 1.4: records with the bytes they came in, for keeping them (the
 * recorder's journal and log): @raw/@len are the netlink attributes inside
 * the record's PTSCOPE_A_FAULT nest, which the append-only UAPI keeps
 * readable by every later library; ptscope_fault_parse() reads them back,
 * on any machine, given the machine that made them (@arch, PTSCOPE_ARCH_*:
 * the record's own arch field).
 */
typedef int (*ptscope_fault_raw_fn)(const struct ptscope_fault *fault, const void *raw, size_t len,
				    void *arg);
/* As ptscope_faults(), with each record's bytes. */
PTSCOPE_API int ptscope_faults_raw(struct ptscope *handle, uint64_t id, ptscope_fault_raw_fn fn,
				   void *arg);
/*
 * As ptscope_faults_follow(), with each record's bytes. With @idle_ms > 0,
 * after each @idle_ms without a record @fn is called with NULL (return
 * non-zero to stop), and the module is looked for: -ENODEV once it was
 * unloaded (or reloaded: a new handle is needed). -ENOBUFS: records were
 * lost; those still kept can be read with ptscope_faults_raw().
 */
PTSCOPE_API int ptscope_faults_follow_raw(struct ptscope *handle, int idle_ms,
					  ptscope_fault_raw_fn fn, void *arg);
/* A record from its bytes (see above). -EPROTO if they are not one. */
PTSCOPE_API int ptscope_fault_parse(const void *raw, size_t len, uint32_t arch,
				    struct ptscope_fault *fault);

/*
 * A COW state's name ("cow-shared") and what a write does in that state
 * ("copies the frame"); NULL if unknown.
 */
PTSCOPE_API const char *ptscope_cow_name(unsigned int cow);
PTSCOPE_API const char *ptscope_cow_action(unsigned int cow);

/* Names of states, kinds, cache modes and page flag bits; NULL if unknown. */
PTSCOPE_API const char *ptscope_state_name(unsigned int state);
PTSCOPE_API const char *ptscope_kind_name(unsigned int kind);
PTSCOPE_API const char *ptscope_cache_name(unsigned int cache);
PTSCOPE_API const char *ptscope_page_flag_name(unsigned int bit);

/* "PGD", "P4D", "PUD", "PMD", "PTE"; NULL for an unknown level. */
PTSCOPE_API const char *ptscope_level_name(unsigned int level);

/* Name of entry flag bit @bit ("present", "rw", ...), or NULL. */
PTSCOPE_API const char *ptscope_entry_flag_name(unsigned int bit);

/* Name of feature bit @bit ("la57", "pat", ...), or NULL past the known ones. */
PTSCOPE_API const char *ptscope_feature_name(unsigned int bit);

/* Message of the calling thread's last failure; "" when there was none. */
PTSCOPE_API const char *ptscope_errmsg(void);

PTSCOPE_API const char *ptscope_lib_version(void);

#ifdef __cplusplus
}
#endif

#endif
