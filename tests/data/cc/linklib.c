// SPDX-License-Identifier: MIT
/* A file of ubpf-style functions, linked into linkmain.bpf.c by bpftool gen object. */
typedef unsigned long long u64;
u64 add3(u64 a) { return a + 3; }
