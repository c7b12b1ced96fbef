// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iommulab: IOMMU domains owned by userspace, and ptscope iommu asking about
 * them while they come and go, for tests/guest/34-iommu-owners.sh.
 *
 *   iommulab hold GROUP IOVA   take IOMMU group GROUP through VFIO (a type1
 *                              container: an unmanaged domain of its own)
 *                              and map 64 KiB of this process at IOVA;
 *                              prints "buf ADDR", "ready"; SIGTERM ends it
 *   iommulab churn GROUP SECS  the same, over and over: each round attaches
 *                              a fresh domain, maps, unmaps, and closes
 *                              (the domain is detached and freed); rounds
 *                              the group cannot be had (its device is being
 *                              unbound) are counted, not fatal
 *   iommulab ask SECS DEV@IOVA...
 *                              IOMMU requests for each DEV with its IOVA, in
 *                              a loop; every answer must be a translation,
 *                              "not mapped", or a refusal that names its
 *                              reason ("IOVA not translated: ..."); prints
 *                              the counts and exits 0 only if nothing else
 *                              came back
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/vfio.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "anon.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

#define BUF (64UL << 10)

struct owner {
	int container, group;
};

/* Attach GROUP to a fresh type1 container and map @buf at @iova; 0 or -errno. */
static int take(struct owner *o, const char *group, uint64_t iova, void *buf)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)buf,
		.iova = iova,
		.size = BUF,
	};
	char path[64];
	int err;

	snprintf(path, sizeof(path), "/dev/vfio/%s", group);
	o->container = open("/dev/vfio/vfio", O_RDWR);
	o->group = open(path, O_RDWR);
	if (o->container < 0 || o->group < 0)
		goto fail;
	if (ioctl(o->group, VFIO_GROUP_GET_STATUS, &status))
		goto fail;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		goto fail;
	}
	if (ioctl(o->group, VFIO_GROUP_SET_CONTAINER, &o->container) ||
	    ioctl(o->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) ||
	    ioctl(o->container, VFIO_IOMMU_MAP_DMA, &map))
		goto fail;
	return 0;
fail:
	err = -errno;
	if (o->group >= 0)
		close(o->group);
	if (o->container >= 0)
		close(o->container);
	return err;
}

static void give_back(struct owner *o)
{
	close(o->group);
	close(o->container);
}

static int hold(const char *group, uint64_t iova)
{
	char *buf = map_anon(BUF);
	struct owner o;
	sigset_t set;
	int sig, err;

	memset(buf, 1, BUF);
	err = take(&o, group, iova, buf);
	if (err) {
		fprintf(stderr, "vfio group %s: %s\n", group, strerror(-err));
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("buf %p\nready\n", (void *)buf);
	fflush(stdout);
	sigwait(&set, &sig);
	give_back(&o);
	return 0;
}

static int churn(const char *group, int seconds)
{
	unsigned long rounds = 0, held = 0, missed = 0;
	time_t deadline = time(NULL) + seconds;
	char *buf = map_anon(BUF);
	struct owner o;

	memset(buf, 1, BUF);
	while (time(NULL) < deadline) {
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap),
			.iova = 0x100000,
			.size = BUF,
		};

		rounds++;
		if (take(&o, group, 0x100000, buf)) {
			missed++;
			usleep(1000);
			continue;
		}
		held++;
		ioctl(o.container, VFIO_IOMMU_UNMAP_DMA, &unmap);
		give_back(&o);
	}
	printf("churn: %lu rounds, %lu with the group held, %lu without\n", rounds, held, missed);
	return held ? 0 : 1;
}

static int ask(int seconds, int n, char **targets)
{
	unsigned long answers = 0, mapped = 0, refused = 0, bad = 0;
	time_t deadline = time(NULL) + seconds;
	struct ptscope *h;
	int i;

	if (ptscope_open(&h)) {
		fprintf(stderr, "ptscope_open: %s\n", ptscope_errmsg());
		return 2;
	}
	while (time(NULL) < deadline && bad < 10) {
		for (i = 0; i < n; i++) {
			char dev[32];
			uint64_t iova;
			struct ptscope_iommu io;
			const char *at = strchr(targets[i], '@');

			if (!at || at - targets[i] >= (int)sizeof(dev)) {
				fprintf(stderr, "usage: DEV@IOVA, not %s\n", targets[i]);
				return 2;
			}
			snprintf(dev, sizeof(dev), "%.*s", (int)(at - targets[i]), targets[i]);
			iova = strtoull(at + 1, NULL, 0);
			if (ptscope_iommu(h, dev, 1, iova, &io)) {
				if (strstr(ptscope_errmsg(), "IOVA not translated: ")) {
					refused++;
					continue;
				}
				printf("%s@0x%" PRIx64 ": %s\n", dev, iova, ptscope_errmsg());
				bad++;
				continue;
			}
			answers++;
			mapped += io.mapped;
		}
	}
	ptscope_close(h);
	printf("ask: %lu answers (%lu mapped), %lu refusals naming their reason, %lu else\n",
	       answers, mapped, refused, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return hold(argv[2], strtoull(argv[3], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "churn"))
		return churn(argv[2], atoi(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "ask"))
		return ask(atoi(argv[2]), argc - 3, argv + 3);
	fprintf(stderr,
		"usage: iommulab hold GROUP IOVA | churn GROUP SECS | ask SECS DEV@IOVA...\n");
	return 2;
}
