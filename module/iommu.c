// SPDX-License-Identifier: GPL-2.0
/*
 * How a PCI device's DMA addresses become physical ones: whether an IOMMU
 * translates for it, in which group and domain, and what one IOVA maps to.
 * The device is held for the length of the question; the domain is read as
 * drivers read it, and may be replaced the moment after.
 */
#include <linux/iommu.h>
#include <linux/netlink.h>
#include <linux/pci.h>

#include "ptscope.h"
#include "compat.h"

static u32 domain_kind(const struct iommu_domain *domain)
{
	if (!domain)
		return PTSCOPE_IOMMU_NONE;
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

int ptscope_iommu_describe(const char *bdf, bool has_iova, u64 iova, struct ptscope_iommu *out,
			   struct netlink_ext_ack *extack)
{
	unsigned int dom, bus, slot, fn;
	struct iommu_domain *domain;
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
	group = iommu_group_get(&pdev->dev);
	if (group) {
		out->group = iommu_group_id(group);
		out->has_group = true;
		iommu_group_put(group);
	}
	domain = iommu_get_domain_for_dev(&pdev->dev);
	out->domain = domain_kind(domain);
	if (has_iova) {
		switch (out->domain) {
		case PTSCOPE_IOMMU_NONE:
		case PTSCOPE_IOMMU_IDENTITY:
			/* No translation: the DMA address is the physical address. */
			out->phys = iova;
			out->mapped = true;
			break;
		case PTSCOPE_IOMMU_BLOCKED:
			break;
		default:
			out->phys = iommu_iova_to_phys(domain, iova);
			out->mapped = out->phys != 0;
		}
	}
	pci_dev_put(pdev);
	return 0;
}
