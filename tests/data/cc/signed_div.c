// SPDX-License-Identifier: MIT
/* Signed division, which clang-14 cannot compile for BPF: bpfaot-cc must fail as clang does. */
long sdiv(void *mem, long len)
{
	return *(long *)mem / len;
}
