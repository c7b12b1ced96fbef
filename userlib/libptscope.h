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
	uint32_t family_version;	/* netlink family version the module speaks */
	uint32_t page_size;
	uint32_t paging_levels;
	uint64_t user_addr_max;
	uint32_t phys_addr_bits;
	uint64_t features;		/* PTSCOPE_FEATURE_* bits */
};

/*
 * Connect to the module. -ENOENT means the module is not loaded; the message
 * then says so and how to load it.
 */
PTSCOPE_API int ptscope_open(struct ptscope **handle);
PTSCOPE_API void ptscope_close(struct ptscope *handle);

PTSCOPE_API int ptscope_get_info(struct ptscope *handle, struct ptscope_info *info);

/* Name of feature bit @bit ("la57", "pat", ...), or NULL past the known ones. */
PTSCOPE_API const char *ptscope_feature_name(unsigned int bit);

/* Message of the calling thread's last failure; "" when there was none. */
PTSCOPE_API const char *ptscope_errmsg(void);

PTSCOPE_API const char *ptscope_lib_version(void);

#ifdef __cplusplus
}
#endif

#endif
