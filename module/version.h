/* SPDX-License-Identifier: GPL-2.0 */
/* The one place the ptscope release number lives (module, library, CLI). */
#ifndef PTSCOPE_VERSION_H
#define PTSCOPE_VERSION_H

#define PTSCOPE_VERSION "0.1.0"

#endif
