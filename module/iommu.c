// SPDX-License-Identifier: GPL-2.0
/*
 * How a PCI device's DMA addresses become physical ones: whether an IOMMU
 * translates for it, in which group and domain, and what one IOVA maps to.
 *
 * ptscope owns neither the device nor its domain. iommu_get_domain_for_dev()
 * is meant for the driver bound to the device: anyone else may see a domain
 * that VFIO or iommufd detaches and frees the moment after, or one a driver
 * attached for itself. What keeps a domain alive for a reader who owns
 * nothing is the group's mutex: every attach and detach takes it (in 6.1 and
 * 6.12 alike), and a domain is freed only once it is detached. So the domain
 * is read, and an IOVA translated, only inside iommu_group_for_each_dev(),
 * which holds that mutex across its callback (6.1's intel-iommu debugfs reads
 * domains the same way, for the same reason).
 *
 * An identity domain translates with no table at all. DMA and DMA_FQ
 * domains (only ever a group's default domain, which its drivers map through
 * the DMA API) have an I/O page table, but the mutex does not keep that
 * still: a driver's unmap frees table pages with no lock a reader could
 * take, so iova_to_phys() may walk through a freed page. The kernel's own
 * IOMMU debugfs takes that chance; ptscope does only while root asks for it
 * (iommu_dma_lookup=1, at load or in sysfs), and otherwise refuses with
 * the reason. An
 * unmanaged domain belongs to whoever attached it (VFIO, iommufd, a
 * driver), who maps and unmaps it under locks of its own; nested, SVA and
 * platform domains have no I/O page table to read (their ops have no
 * iova_to_phys). Those IOVAs are always refused with the reason.
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/netlink.h>
#include <linux/pci.h>

#include "ptscope.h"
#include "compat.h"

static bool iommu_dma_lookup;
module_param(iommu_dma_lookup, bool, 0644);
MODULE_PARM_DESC(iommu_dma_lookup,
		 "translate IOVAs of DMA domains, whose I/O page tables a driver's unmap may free under the reader (default: refuse)");

static u32 domain_kind(const struct iommu_domain *domain)
{
	switch (domain->type) {
	case IOMMU_DOMAIN_BLOCKED:
		return PTSCOPE_IOMMU_BLOCKED;
	case IOMMU_DOMAIN_IDENTITY:
		return PTSCOPE_IOMMU_IDENTITY;
	case IOMMU_DOMAIN_DMA:
		return PTSCOPE_IOMMU_DMA;
	case IOMMU_DOMAIN_DMA_FQ:
		return PTSCOPE_IOMMU_DMA_FQ;
	case IOMMU_DOMAIN_UNMANAGED:
		return PTSCOPE_IOMMU_UNMANAGED;
	}
	return PTSCOPE_IOMMU_OTHER;
}

/* Without CONFIG_IOMMU_API no device has a group, and domain ops are not even declared. */
static bool has_io_page_table(const struct iommu_domain *domain)
{
#ifdef CONFIG_IOMMU_API
	return domain->ops && domain->ops->iova_to_phys;
#else
	return false;
#endif
}

/* Why an IOVA was not translated. */
enum refusal { TRANSLATED, LEFT_GROUP, NO_DOMAIN, OWNED, UNLOCKED, NO_TABLE };

struct domain_read {
	struct device *dev;
	struct ptscope_iommu *out;
	u64 iova;
	enum refusal refusal;
	bool has_iova;
};

/* Runs with the group's mutex held: the domain can be neither detached nor freed. */
static int read_domain(struct device *dev, void *arg)
{
	struct domain_read *r = arg;
	struct iommu_domain *domain;

	if (dev != r->dev)
		return 0;
	r->refusal = TRANSLATED;
	domain = iommu_get_domain_for_dev(dev);
	if (!domain) {
		/* A group between domains (its default one failed or is being set up). */
		r->out->domain = PTSCOPE_IOMMU_OTHER;
		if (r->has_iova)
			r->refusal = NO_DOMAIN;
		return 1;
	}
	r->out->domain = domain_kind(domain);
	if (!r->has_iova)
		return 1;
	switch (r->out->domain) {
	case PTSCOPE_IOMMU_IDENTITY:
		r->out->phys = r->iova;
		r->out->mapped = true;
		break;
	case PTSCOPE_IOMMU_BLOCKED:
		break;
	case PTSCOPE_IOMMU_DMA:
	case PTSCOPE_IOMMU_DMA_FQ:
		if (!has_io_page_table(domain)) {
			r->refusal = NO_TABLE;
			break;
		}
		if (!READ_ONCE(iommu_dma_lookup)) {
			r->refusal = UNLOCKED;
			break;
		}
		r->out->phys = iommu_iova_to_phys(domain, r->iova);
		r->out->mapped = r->out->phys != 0;
		break;
	case PTSCOPE_IOMMU_UNMANAGED:
		r->refusal = OWNED;
		break;
	default:
		r->refusal = NO_TABLE;
	}
	return 1;
}

/* The reasons are fixed strings: a formatted extack message is cut at 80 bytes. */
static int refuse(const struct domain_read *r, const char *bdf, struct netlink_ext_ack *extack)
{
	switch (r->refusal) {
	case TRANSLATED:
		return 0;
	case LEFT_GROUP:
		PTSCOPE_ERR_FMT(extack, "the device is leaving its IOMMU group",
				"%s is leaving its IOMMU group", bdf);
		return -ENODEV;
	case NO_DOMAIN:
		NL_SET_ERR_MSG(extack,
			       "IOVA not translated: the device's IOMMU group has no domain attached");
		return -EAGAIN;
	case OWNED:
		NL_SET_ERR_MSG(extack,
			       "IOVA not translated: the device is in an unmanaged IOMMU domain, owned by whoever attached it (VFIO, iommufd or a driver), who maps and unmaps it under locks ptscope cannot take");
		return -EBUSY;
	case UNLOCKED:
		NL_SET_ERR_MSG(extack,
			       "IOVA not translated: the device's DMA domain is unmapped by its driver with no lock ptscope can take, which may free the I/O page table being read; load ptscope with iommu_dma_lookup=1 to translate anyway");
		return -EBUSY;
	case NO_TABLE:
		break;
	}
	NL_SET_ERR_MSG(extack,
		       "IOVA not translated: the device's IOMMU domain has no I/O page table to read (nested, SVA or platform domain)");
	return -EOPNOTSUPP;
}

int ptscope_iommu_describe(const char *bdf, bool has_iova, u64 iova, struct ptscope_iommu *out,
			   struct netlink_ext_ack *extack)
{
	struct domain_read r = {
		.out = out, .iova = iova, .has_iova = has_iova, .refusal = LEFT_GROUP,
	};
	unsigned int dom, bus, slot, fn;
	struct iommu_group *group;
	struct pci_dev *pdev;
	char extra;

	memset(out, 0, sizeof(*out));
	if (sscanf(bdf, "%x:%x:%x.%x%c", &dom, &bus, &slot, &fn, &extra) != 4 || bus > 0xff ||
	    slot > 0x1f || fn > 7) {
		NL_SET_ERR_MSG(extack, "not a PCI device address (DOMAIN:BUS:SLOT.FN)");
		return -EINVAL;
	}
	pdev = pci_get_domain_bus_and_slot(dom, bus, PCI_DEVFN(slot, fn));
	if (!pdev) {
		PTSCOPE_ERR_FMT(extack, "no such PCI device", "no PCI device %s", bdf);
		return -ENODEV;
	}
	r.dev = &pdev->dev;
	group = iommu_group_get(&pdev->dev);
	if (!group) {
		/* No IOMMU translates for it: the DMA address is the physical address. */
		out->domain = PTSCOPE_IOMMU_NONE;
		out->phys = iova;
		out->mapped = has_iova;
		pci_dev_put(pdev);
		return 0;
	}
	out->group = iommu_group_id(group);
	out->has_group = true;
	iommu_group_for_each_dev(group, &r, read_domain);
	iommu_group_put(group);
	pci_dev_put(pdev);
	return refuse(&r, bdf, extack);
}
