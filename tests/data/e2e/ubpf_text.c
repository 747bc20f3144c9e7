// SPDX-License-Identifier: MIT
/* ubpf convention: only .text; each global function is a raw-memory program. */
typedef unsigned long long u64;
static u64 helper_sum(unsigned char *p, u64 n) { u64 s = 0; for (u64 i = 0; i < n && i < 64; i++) s += p[i]; return s; }
u64 sum_bytes(void *mem, u64 len) { return helper_sum(mem, len); }
u64 first_byte(void *mem, u64 len) { return len ? *(unsigned char *)mem : 0; }
