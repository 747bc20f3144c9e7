/* SPDX-License-Identifier: GPL-2.0 */
/* A local header, so that the dependency output lists a quoted include. */
#ifndef DEPS_H
#define DEPS_H
#define DEPS_ACTION XDP_PASS
#endif
