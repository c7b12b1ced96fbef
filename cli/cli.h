/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared pieces of the ptscope command-line tool. */
#ifndef PTSCOPE_CLI_H
#define PTSCOPE_CLI_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses, documented in ptscope(8). */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1, /* the request failed (or, for checks, an assertion) */
	EXIT_USAGE = 2, /* the command line is wrong */
};

enum { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER };

struct cli_args {
	bool json;
	bool pretty;
	bool help;
	bool version;
	int source; /* --source: PTSCOPE_SOURCE_*, -1 when not given */
	/* walk only */
	bool pages; /* --pages: one record per leaf, not runs */
	bool only_present; /* --present */
	bool only_swapped; /* --swapped */
	bool only_huge; /* --huge */
	bool only_cow; /* --cow: pages a write would copy or reuse */
	const char *output; /* -o FILE: also save the records as a snapshot */
	bool placement; /* --placement: NUMA node and memory cgroup per page */
	const char *fields; /* walk --fields LIST: the field groups printed */
	/* share only */
	bool all; /* --all: every process the caller may inspect */
	/* phys only */
	bool who; /* --who: the processes mapping the frame */
	/* faults and explain */
	bool follow; /* faults --follow: live records */
	bool last; /* explain --last */
	const char *fault_id; /* explain --fault ID */
	bool dmesg; /* explain --dmesg [FILE]: kernel log lines */
	bool core; /* explain --core FILE: an ELF core */
	bool coredump; /* explain --coredump PID|MATCH...: systemd-coredump's core */
	bool journal; /* explain --journal [MATCH|PATH]...: the recorder's journal records */
	bool log; /* explain --log FILE: the recorder's JSON lines */
	const char *access; /* explain PID ADDR --access read|write|exec */
	/* check only */
	const char *check_file; /* -f FILE */
	const char *format; /* --format=tap|json|plain */
	/* map only */
	const char *svg; /* --svg FILE */
	unsigned int width; /* --width N; 0: not given */
	int color; /* --color[=WHEN]: CLI_COLOR_* */
	const char *inputs[2]; /* -i FILE, up to twice */
	int ninputs;
	int map_by; /* map --by: MAP_BY_* (map.h) */
	const char *cmd; /* the OBJECT|COMMAND word, NULL if none */
	const struct cli_command *command; /* its spec; NULL if none or unknown */
	int argc; /* its positional arguments */
	char **argv;
};

/*
 * An option of one command, or a global one: its names, its value, its help
 * line and where the parser puts what it is given. A long name means the
 * same option, with the same letter and value, in every command that has it
 * (cli_check_grammar()).
 */
enum cli_option_kind {
	CLI_OPT_FLAG, /* sets the bool at .offset */
	CLI_OPT_STRING, /* points the const char * at .offset to the value */
	CLI_OPT_CUSTOM, /* .set() checks the value and stores it */
};

enum cli_option_value {
	CLI_VALUE_NONE,
	CLI_VALUE_REQUIRED, /* --name VALUE, --name=VALUE, -x VALUE, -xVALUE */
	CLI_VALUE_OPTIONAL, /* --name, --name=VALUE (never the next word) */
};

struct cli_option {
	const char *name; /* long name, without "--"; NULL ends a table */
	char letter; /* short name, 0 if none */
	enum cli_option_value value;
	/*
	 * The value's name in the help ("FILE"); for an option without a
	 * value, an operand it takes from the arguments ("[FILE]"); or NULL.
	 */
	const char *arg;
	const char *help; /* its help: a line, '\n' between further lines */
	enum cli_option_kind kind;
	size_t offset; /* FLAG and STRING: where in struct cli_args */
	/* CUSTOM: store @value (NULL: an optional value not given); 0, or -1 with @err set */
	int (*set)(struct cli_args *a, const char *value, char *err, size_t errlen);
};

/* offsetof(struct cli_args, @field), which must be of @type (else a compile error). */
#define CLI_FIELD(field, type)              \
	(offsetof(struct cli_args, field) + \
	 0 * sizeof(char[_Generic(((struct cli_args *)0)->field, type : 1)]))
/* --NAME (and -L unless 0): sets bool @field. */
#define CLI_FLAG(long_name, short_name, field, help_text)                                         \
	{                                                                                         \
		.name = long_name, .letter = short_name, .help = help_text, .kind = CLI_OPT_FLAG, \
		.offset = CLI_FIELD(field, bool)                                                  \
	}
/* --NAME ARG (and -L ARG unless 0): const char * @field points to ARG. */
#define CLI_STRING(long_name, short_name, arg_name, field, help_text)                 \
	{                                                                             \
		.name = long_name, .letter = short_name, .value = CLI_VALUE_REQUIRED, \
		.arg = arg_name, .help = help_text, .kind = CLI_OPT_STRING,           \
		.offset = CLI_FIELD(field, const char *)                              \
	}

/*
 * A command's spec, declared by its cmd_*.c: what 'ptscope --help' lists,
 * what 'ptscope help NAME' prints, and which options the parser lets it take.
 */
struct cli_command {
	const char *name;
	const char *usage; /* its arguments, "" for none */
	const char *summary; /* one line for the list of commands */
	const char *help; /* more for its own help (what the arguments are), or NULL */
	const struct cli_option *options; /* its own, ended by a NULL name; NULL for none */
	const char *const *examples; /* command lines that work as written, NULL-ended */
	int (*run)(const struct cli_args *a);
};

/* Every command, and the options every command takes (main.c). */
struct cli_grammar {
	const struct cli_command *const *commands; /* NULL-ended */
	const struct cli_option *globals; /* ended by a NULL name */
};

/*
 * Parse the whole command line in GNU order: options may stand before or
 * after the command word. The first word that is neither an option nor an
 * option's value is the command; then every option must be a global one or
 * that command's own, and the other words are its arguments ("--" ends the
 * options). Returns 0, or -1 with a message in @err: an unknown command,
 * an unknown option, an option of other commands (naming them), a missing
 * or unwanted value, or a bad one. @argv is reordered (the arguments first).
 */
int cli_parse(const struct cli_grammar *g, int argc, char **argv, struct cli_args *a, char *err,
	      size_t errlen);

/* The command called @name, or NULL (no prefix matching). */
const struct cli_command *cli_find_command(const struct cli_grammar *g, const char *name);

/*
 * Whether @g is consistent: names and letters unique within each command
 * and its globals, and an option's letter and value the same wherever its
 * name is (the parser finds the command word by them). 0, or -1 with @err set.
 */
int cli_check_grammar(const struct cli_grammar *g, char *err, size_t errlen);

/* 'ptscope --help': the commands, the global options, each command's own (help.c). */
void cli_print_usage(const struct cli_grammar *g, FILE *out);
/* 'ptscope help NAME': usage, help, options and examples, from its spec (help.c). */
void cli_print_command_help(const struct cli_grammar *g, const struct cli_command *c, FILE *out);

/* The specs, each in its cmd_*.c. */
extern const struct cli_command cli_info_spec, cli_maps_spec, cli_xlate_spec, cli_walk_spec,
	cli_share_spec, cli_diff_spec, cli_dma_spec, cli_phys_spec, cli_iommu_spec, cli_map_spec,
	cli_check_spec, cli_faults_spec, cli_explain_spec, cli_tables_spec;

/* "self" or a number; 0 means the caller. Returns 0 or -1 with @err set. */
int cli_parse_pid(const char *s, uint32_t *pid, char *err, size_t errlen);
/* 0x-prefixed hex or decimal. Returns 0 or -1 with @err set. */
int cli_parse_addr(const char *s, uint64_t *addr, char *err, size_t errlen);
/*
 * ADDR (its page), ADDR-END or ADDR+LEN; numbers as cli_parse_addr(), and
 * K/M/G/T suffixes on decimal ones. Returns 0 or -1 with @err set.
 */
int cli_parse_range(const char *s, uint64_t *start, uint64_t *end, char *err, size_t errlen);

/*
 * A place named instead of an address: a mapping's name ("[heap]", "libc",
 * a path; see ptscope_find_mapping()) and an optional "+N" after it.
 */
struct cli_place {
	char name[4096];
	uint64_t off;
	bool has_off;
};

/*
 * 1 with @p filled if @s names a place (does not begin with a digit), 0 if
 * it is a number for cli_parse_addr() or cli_parse_range().
 */
int cli_parse_place(const char *s, struct cli_place *p);
/*
 * "CMD PID [RANGE]": the PID, and RANGE as addresses or as a place (*@place
 * set: resolve it with cli_place_range() once a handle is open). EXIT_OK,
 * or EXIT_USAGE (reported).
 */
int cli_parse_pid_range(const struct cli_args *a, const char *cmd, uint32_t *pid, uint64_t *start,
			uint64_t *end, struct cli_place *where, bool *place);
/* 4096 -> "4K", 2097152 -> "2M": the largest unit that divides exactly. */
const char *cli_size_units(uint64_t bytes, char *buf, size_t len);

struct ptscope;
/*
 * The range a place stands for in process @pid: its whole mapping, or its
 * first N bytes with "+N". 0, or the library's error (ptscope_errmsg()).
 */
int cli_place_range(struct ptscope *h, uint32_t pid, const struct cli_place *p, uint64_t *start,
		    uint64_t *end);

/* The number a name function (ptscope_kind_name...) gives @name, or -1. */
int cli_name_index(const char *name, const char *(*namer)(unsigned int));
struct ptscope_page;
/*
 * Whether @pg's frames are memory another process could map too (share,
 * map's links): 1; 0 when not present, without a struct page, or a zero
 * page; -EPERM when its frame number was hidden from the caller.
 */
int cli_frame_shareable(const struct ptscope_page *pg);
/* "r-xp", as /proc/PID/maps writes a mapping's permissions. */
void cli_vma_perms(uint64_t flags, char out[5]);

/*
 * The machine the data at hand came from (machine.c): the live kernel's
 * after cli_open(), a snapshot's after loading it. x86_64 with 4 KiB pages
 * until told otherwise (modules and snapshots from before arm64).
 */
struct cli_machine {
	uint32_t arch; /* PTSCOPE_ARCH_* */
	uint32_t page_size, page_shift;
	uint32_t va_bits; /* user virtual address width */
};
extern struct cli_machine cli_machine;
/* The page size of the data at hand, as a 64-bit number for address arithmetic. */
#define PAGE_BYTES ((uint64_t)cli_machine.page_size)
/* 0, or -1 if @page_size is not a Linux page size (4, 16 or 64 KiB). */
int cli_machine_set(uint32_t arch, uint32_t page_size, uint32_t va_bits);
/* Writable as the kernel's pte_write() says: x86's rw bit, arm64's dbm. */
bool cli_entry_writable(uint64_t flags);
/* ptscope_open() and the machine from GET_INFO: 0, or -1 (ptscope_errmsg()). */
struct ptscope;
int cli_open(struct ptscope **h);
const char *cli_arch_name(uint32_t arch); /* "x86_64", "aarch64", "unknown" */
/* ptscope_entry_flag_name(), but "valid" for present on arm64 (its name there). */
const char *cli_entry_flag_name(unsigned int bit);
/* The bit of an entry flag name, "valid" included; -1 if none. */
int cli_entry_flag_index(const char *name);
/* arm64's memory type for a cache mode ("Device-nGnRE"); NULL elsewhere. */
const char *cli_memtype_name(uint32_t arch, uint32_t cache, uint64_t entry_flags);
/*
 * The cache mode: "cache" (the common word) and on arm64 "memtype" in JSON;
 * text " %-*s" of "WB", or on arm64 "Device-nGnRE (UC-)".
 */
void cli_print_cache(int width, uint32_t cache, uint64_t entry_flags);

/*
 * Rules of the x86-64 Linux address space that explanations rely on: nothing
 * maps below mmap_min_addr's default, and a stack may not grow within
 * stack_guard_gap (256 pages) of the mapping below it.
 */
#define NULL_PAGE_LIMIT 0x10000ULL
#define STACK_GUARD (256ULL * cli_machine.page_size)

/*
 * The UTF-8 character @s starts with: its length in bytes, with its code
 * point in *@cp; 0 if @s does not start with one (a stray or truncated
 * byte, an overlong form, a surrogate, beyond U+10FFFF). @s is NUL-ended.
 */
unsigned int cli_utf8_char(const char *s, uint32_t *cp);

struct json;
struct ptscope_xlate;

/*
 * A translation (cmd_xlate.c): addr, levels[] and leaf (null when nothing
 * maps it) as members of the open object, or the table and the leaf line in
 * text. One printer for xlate, faults and explain.
 */
void cli_print_xlate(const struct ptscope_xlate *x);
/* As the object @key, null when none was taken (no levels); text: @title first. */
void cli_print_xlate_member(const char *key, const char *title, const struct ptscope_xlate *x);

/*
 * The opening of a command on one PID: exactly one argument, a PID, and a
 * handle. EXIT_OK with *@pid and *@h set, or the exit status (reported).
 */
struct ptscope;
int cli_open_pid(const struct cli_args *a, const char *cmd, uint32_t *pid, struct ptscope **h);
/*
 * A file that a record, a log, a journal entry or a core names, opened to
 * read: regular files only (never a FIFO or a device, which opening alone
 * may wait on or act on), and none of /proc's or /sys's. The fd, or -1
 * with @why set (or errno, when @why is NULL).
 */
int cli_open_regular(const char *path, const char **why);

/* --source for every handle cli_open() opens: PTSCOPE_SOURCE_*, -1 the default (common.c). */
void cli_set_source(int source);
/* Report a failure: {"error": ...} on stdout in JSON mode, else stderr. */
void cli_error(const struct cli_args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Minimal streaming JSON writer. */
struct json;
struct json *cli_json_new(FILE *out, bool pretty);
void cli_json_end(struct json *j); /* finishes the line and frees @j */
void cli_json_obj_begin(struct json *j);
void cli_json_obj_end(struct json *j);
void cli_json_arr_begin(struct json *j);
void cli_json_arr_end(struct json *j);
void cli_json_key(struct json *j, const char *key);
void cli_json_str(struct json *j, const char *s);
void cli_json_uint(struct json *j, uint64_t v);
void cli_json_hex(struct json *j, uint64_t v); /* "0x..." string */
void cli_json_bool(struct json *j, bool v);
void cli_json_null(struct json *j);
void cli_json_raw(struct json *j, const char *text, size_t len); /* a value, already JSON */
bool cli_json_is_pretty(const struct json *j);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct json_count {
	const char *key;
	uint64_t value;
};

/*
 * Close a streamed listing: its open record array, "error" when it failed
 * part-way (what was printed stays valid JSON), a "summary" object of
 * @counts (and, if @group is not NULL, an object @group of @group_counts
 * inside it), and the document; frees @j.
 */
void cli_json_stream_close(struct json *j, const char *error, const struct json_count *counts,
			   size_t n, const char *group, const struct json_count *group_counts,
			   size_t ngroup);
/* "key": {counts...} */
void cli_json_count_object(struct json *j, const char *key, const struct json_count *counts,
			   size_t n);

/* Names of the set bits of @mask: " a b c" on stdout, or a JSON array. */
typedef const char *(*bit_namer)(unsigned int bit);
void cli_print_bit_names(uint64_t mask, bit_namer namer);
void cli_json_bit_names(struct json *j, uint64_t mask, bit_namer namer);

/*
 * The output layer (print.c), after iproute2's print_*(PRINT_ANY, key, fmt,
 * value): each value once, with its JSON key and its text format. In a JSON
 * document PRINT_JSON and PRINT_ANY values are written as "key": value (a
 * NULL key: an array element); in text, PRINT_TEXT and PRINT_ANY values go
 * through fmt (NULL: nothing). Objects and arrays exist only in JSON.
 */
enum { PRINT_TEXT = 1, PRINT_JSON = 2, PRINT_ANY = PRINT_TEXT | PRINT_JSON };
enum cli_print_kind { CLI_PRINT_UINT, CLI_PRINT_HEX, CLI_PRINT_STR };

/* Begin a document: a JSON object when @json, else text. */
void cli_print_open(bool json, bool pretty);
/* A JSON document to @out (one line), for a record kept by the recorder. */
void cli_print_open_file(FILE *out);
void cli_print_close(void); /* closes the object and ends the line */
/* Close a streamed listing as cli_json_stream_close(), and the document. */
void cli_print_close_stream(const char *error, const struct json_count *counts, size_t n,
			    const char *group, const struct json_count *group_counts,
			    size_t ngroup);
bool cli_print_is_json(void);
void cli_open_object(const char *key); /* NULL key: an array element */
void cli_close_object(void);
void cli_open_array(const char *key);
void cli_close_array(void);
/* Returns the bytes of text written (for padding a column), 0 in JSON. */
int cli_print_value(int t, const char *key, enum cli_print_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Numbers are uint64_t for the format: PRIu64, PRIx64. Hex is a "0x..." JSON string. */
#define cli_print_uint(t, key, fmt, v) cli_print_value(t, key, CLI_PRINT_UINT, fmt, (uint64_t)(v))
#define cli_print_hex(t, key, fmt, v) cli_print_value(t, key, CLI_PRINT_HEX, fmt, (uint64_t)(v))
#define cli_print_str(t, key, fmt, s) cli_print_value(t, key, CLI_PRINT_STR, fmt, (const char *)(s))
/* A value of the JSON only (nothing in text): "key": value. */
#define cli_member_uint(key, v) \
	cli_print_value(PRINT_JSON, key, CLI_PRINT_UINT, "%" PRIu64, (uint64_t)(v))
#define cli_member_hex(key, v) \
	cli_print_value(PRINT_JSON, key, CLI_PRINT_HEX, "%" PRIx64, (uint64_t)(v))
#define cli_member_str(key, s) \
	cli_print_value(PRINT_JSON, key, CLI_PRINT_STR, "%s", (const char *)(s))
/* "key": {counts...}, a JSON object of the JSON only. */
void cli_member_counts(const char *key, const struct json_count *counts, size_t n);
/* Text: @text when @v is true, nothing when false. */
void cli_print_bool(int t, const char *key, const char *text, bool v);
void cli_print_null(int t, const char *key, const char *text); /* text: @text */
/* The names of @mask's bits: a JSON array, or " a b c" in text. */
void cli_print_bits(int t, const char *key, uint64_t mask, bit_namer namer);
/* JSON only: "unknown": the names of @unknown's bits (what the source could not see). */
void cli_print_unknown(uint32_t unknown, bit_namer namer);
void cli_print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, from a va_list. */
void cli_print_vtext(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

int cmd_info(const struct cli_args *a);
int cmd_xlate(const struct cli_args *a);
int cmd_walk(const struct cli_args *a);
int cmd_tables(const struct cli_args *a);
int cmd_maps(const struct cli_args *a);
int cmd_share(const struct cli_args *a);
int cmd_diff(const struct cli_args *a);
int cmd_dma(const struct cli_args *a);
int cmd_phys(const struct cli_args *a);
int cmd_iommu(const struct cli_args *a);
int cmd_map(const struct cli_args *a);

/*
 * A mapping (cmd_maps.c): start, end, size, perms, backing, name, offset,
 * flags; with CLI_VMA_ROW (maps' table) also inode and the page counters;
 * CLI_VMA_SAVED, a mapping as a snapshot keeps it (map -j), has no offset,
 * and a NULL name there is a mapping made up from page records (format-1
 * snapshots): perms "????", backing, name and flags null. As members of
 * the open object, or a line of text.
 */
struct ptscope_vma;
enum cli_vma_view { CLI_VMA_ROW, CLI_VMA_LINE, CLI_VMA_SAVED };
void cli_print_vma(const struct ptscope_vma *v, enum cli_vma_view view);
/*
 * A page-table leaf or run (cmd_walk.c): walk's record in the open object,
 * or its table row.
 */
struct ptscope_page;
void cli_print_page(const struct ptscope_page *pg);

/* A page's COW state, or CLI_COW_UNKNOWN where its source could not see it (procfs). */
#define CLI_COW_UNKNOWN 0xffffU
uint32_t cli_cow_of(const struct ptscope_page *pg);
/*
 * The COW state as a member, or @before and a column of @width: "-" and
 * null when unknown. Returns the characters of text printed.
 */
int cli_print_cow(int t, const char *before, int width, uint32_t cow);

/* Who maps frame @pfn: @fn for each (pid, virtual address); returns the count (mappers.c). */
struct ptscope;
typedef void (*mapper_fn)(uint32_t pid, uint64_t addr, void *arg);
int cli_find_mappers(struct ptscope *h, uint64_t pfn, mapper_fn fn, void *arg);
/* /proc/PID/comm, or "" */
void cli_process_name(uint32_t pid, char *buf, size_t len);

/* Why a fault happened (reason.c): a stable code and a sentence. */
struct ptscope_fault;
struct fault_reason {
	const char *code; /* "null-deref", "stack-overflow", ... */
	char text[512];
};

void cli_explain_fault(const struct ptscope_fault *f, uint64_t user_max, struct fault_reason *r);
const char *cli_fault_access(const struct ptscope_fault *f); /* "read", "write", "execute" */
/* False for an arm64 kernel log line: it prints the ESR, not the address. */
bool cli_fault_addr_known(const struct ptscope_fault *f);
const char *cli_fault_code_name(uint32_t sig, uint32_t code); /* "SEGV_MAPERR" */
/* ", in .rodata" when ELF file @path has a section at file offset @off, else "". */
const char *cli_elf_section_of(const char *path, uint64_t off);

/* Faults without the module (postmortem.c): 0, or -1 (with @err for cores). */
int cli_fault_from_log_line(const char *line, struct ptscope_fault *f);
/* arm64's register dump after its line: 0 if @line gave @f its pc or sp, else -1. */
int cli_fault_log_regs(const char *line, struct ptscope_fault *f);
/*
 * A core file, plain or compressed (corefile.h): its fault, and with @cpu
 * (or NULL) its registers and the bytes at its ip.
 */
struct cli_core_cpu;
int cli_fault_from_core(const char *path, struct ptscope_fault *f, struct cli_core_cpu *cpu,
			char *err, size_t errlen);

/* explain PID ADDR: what an @access would do now (live.c). */
int cli_explain_live(const struct cli_args *a, const char *access);

/*
 * The iomem resource owning @phys, from /proc/iomem (cmd_phys.c): an
 * "owner" object (null when unnamed), or "0000:00:02.0 (0xfd000000-
 * 0xfdffffff)" in text, "? (why not)" when unnamed.
 */
void cli_print_owner(uint64_t phys);
/* The processes mapping @pfn: a "mapped_by" array, or "mapped by" lines (cmd_phys.c). */
void cli_print_mappers(struct ptscope *h, uint64_t pfn);

int cmd_check(const struct cli_args *a);
int cmd_faults(const struct cli_args *a);
int cmd_explain(const struct cli_args *a);

/* Shared by faults and explain (cmd_faults.c). */
/* The top of the user address space (GET_INFO), 0 if unknown. */
uint64_t cli_user_limit(struct ptscope *h);
const char *cli_signal_name(uint32_t sig); /* "SIGSEGV", "SIGBUS", "?" */
/*
 * A fault record with its reason: JSON members of the open object, or text:
 * @row, the listing's line (faults); else every field, a line each (explain).
 */
void cli_print_fault(const struct ptscope_fault *f, const struct fault_reason *r, bool row);

/*
 * Kept records (journal.c): the recorder's (ptscope-recorder) and their
 * readers (explain --journal, --log). A record is kept as the bytes the
 * module sent, with its machine and the top of its user address space,
 * "1 ARCH USER_MAX HEX" (cli_record_encode(), malloc'd), so that any later
 * ptscope explains it as the live one did.
 */
char *cli_record_encode(const struct ptscope_fault *f, const void *raw, size_t len,
			uint64_t user_max);
int cli_record_decode(const char *s, struct ptscope_fault *f, uint64_t *user_max, char *err,
		      size_t errlen);
/* The record as explain -j prints it, one line (malloc'd). */
char *cli_record_json(const struct ptscope_fault *f, const struct fault_reason *r);
/* The recorder's journal fields: identifier and the record's field. */
#define CLI_JOURNAL_ID "ptscope"
#define CLI_JOURNAL_RECORD "PTSCOPE_NETLINK"
/* The service whose journal entries explain --journal believes (besides root's). */
#define CLI_RECORDER_UNIT "ptscope-recorder.service"
/*
 * The newest recorder record in the local journal matching every
 * FIELD=VALUE of @matches: 0, -ENOENT if none, else -errno with @err.
 */
int cli_journal_record(const char *const *matches, size_t nmatches, struct ptscope_fault *f,
		       uint64_t *user_max, char *err, size_t errlen);
int cli_explain_journal(const struct cli_args *a);
int cli_explain_logfile(const struct cli_args *a);

/* "pfn:N" or a physical address; 0 or -1 with @err set (parse.c). */
int cli_parse_phys(const char *s, uint64_t *addr, char *err, size_t errlen);

/* Walk records saved by "walk -o", read back by "diff" and "map" (snapshot.c). */
struct ptscope_page;
struct ptscope_vma;
struct snapshot_vma {
	uint64_t start, end, flags; /* flags: PTSCOPE_VMA_* */
	uint32_t backing; /* PTSCOPE_BACKING_* */
	char *name; /* "" for anonymous memory */
};

struct snapshot {
	uint32_t pid;
	uint64_t start, end; /* the range walked; end 0: everything */
	char comm[64]; /* the command; "" when not known */
	char kernel[128]; /* the kernel release; "" when not known */
	uint32_t arch; /* PTSCOPE_ARCH_*: x86_64 for files from before arm64 */
	uint32_t page_size; /* bytes: records count these; 4096 for older files */
	int has_vmas; /* @vma lists the mappings (format 2 files, live views) */
	int procfs; /* read by the procfs source: records with unknown fields */
	struct snapshot_vma *vma; /* in address order */
	size_t nvma, capvma;
	struct ptscope_page *rec; /* in address order */
	size_t n, cap;
};

/* The lines before the records: @head's pid, range, command and kernel. */
void cli_snapshot_write_header(FILE *f, const struct snapshot *head);
void cli_snapshot_write_vma(FILE *f, const struct ptscope_vma *v);
void cli_snapshot_write_record(FILE *f, const struct ptscope_page *pg);
int cli_snapshot_write_end(FILE *f); /* 0, or -1 if the file could not be written */
int cli_snapshot_add(struct snapshot *s, const struct ptscope_page *pg); /* 0 or -ENOMEM */
int cli_snapshot_add_vma(struct snapshot *s, uint64_t start, uint64_t end, uint64_t flags,
			 uint32_t backing, const char *name); /* 0 or -ENOMEM */
/* ptscope_walk() and ptscope_maps() callbacks into @snapshot; they stop with -ENOMEM. */
int cli_snapshot_take_page(const struct ptscope_page *pg, void *snapshot);
int cli_snapshot_take_vma(const struct ptscope_vma *v, void *snapshot);
/* @s's pid (0: the caller), command and kernel release, for a snapshot of a live process. */
void cli_snapshot_describe(struct snapshot *s, uint32_t pid);
void cli_snapshot_free(struct snapshot *s);
/* Keep only the pages of [start, end) (page-rounded outwards). */
void cli_snapshot_clip(struct snapshot *s, uint64_t start, uint64_t end);
int cli_snapshot_load(const char *path, struct snapshot *s, char *err, size_t errlen);
/*
 * Read what follows as @s's machine (cli_machine): 0, or -1 with @err set if
 * @other (NULL: none) came from a different architecture or page size.
 */
int cli_snapshot_use(const struct snapshot *s, const struct snapshot *other, char *err,
		     size_t errlen);

/*
 * The path of the cgroup whose directory has inode @ino, below the cgroup2
 * mount as this process sees it ("/" for its root), or NULL when it is not
 * there (removed, or outside the caller's cgroup namespace).
 */
const char *cli_cgroup_path(uint64_t ino);
/* The inode of cgroup @path ("/a/b" below the cgroup2 mount): 0, or -errno. */
int cli_cgroup_inode(const char *path, uint64_t *ino);
/* "node" and "cgroup" of a walked page (walk --placement). */
void cli_print_placement(const struct ptscope_page *pg);

#endif
