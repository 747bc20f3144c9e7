// SPDX-License-Identifier: MIT
/*
 * Trace helpers: bpf_trace_printk and bpf_snprintf with the kernel's format
 * subset and return values, the bpf_probe_read family (safe reads of any
 * host address), the current task's ids and name, and bpf_strncmp. The
 * table in helpers.c points here; the checked-mode rules are the ones
 * described there.
 *
 * Formatting follows the kernel in two passes, as bpf_bprintf_prepare() and
 * bstr_printf() do: the first validates the whole format and captures the
 * arguments (copying strings, pre-formatting IP addresses) into a 512-byte
 * buffer with the kernel's accounting, so that an invalid format or a full
 * buffer fails before anything is printed; the second prints.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "rt_helpers.h"
#include "rt_inline.h"
#include "rt_internal.h"

#define MAX_BPRINTF_VARARGS 12	/* bpf_snprintf's limit */
#define MAX_TRACE_PRINTK_VARARGS 3
#define MAX_BPRINTF_BIN_ARGS 512	/* the kernel's per-CPU argument buffer */
#define MAX_BPRINTF_BUF 1024		/* bpf_trace_printk's output buffer */
#define TASK_COMM_LEN 16
#define FIELD_WIDTH_MAX ((1 << 23) - 1)	/* vsnprintf clamps widths to this */



/*
 * Checked-mode test of a NUL-terminated string argument (a constant format,
 * bpf_strncmp's s2): every byte up to the NUL must be readable. Sets *len
 * to strlen(s).
 */
static bool str_check(struct rt_run *run, const char *helper, const char *what, const char *s,
		      size_t *len)
{
	size_t n = 0;

	if (!s) {
		rt_run__fail(run, -EFAULT, "helper %s: %s is NULL", helper, what);
		return false;
	}
	if (!run || !run->checked) {
		*len = strlen(s);
		return true;
	}
	for (;; n++) {
		if (!rt_run__mem_ok(run, s + n, 1, false)) {
			rt_run__fail(run, -EFAULT,
				     "helper %s: %s %p is not a string in program memory", helper,
				     what, (const void *)s);
			return false;
		}
		if (!s[n])
			break;
	}
	*len = n;
	return true;
}

/* ---------------------------------------------------------- safe reads */

/*
 * Reads host memory that may be unmapped without faulting:
 * process_vm_readv() on our own pid returns EFAULT instead of raising
 * SIGSEGV. Where seccomp or a kernel without it forbids the call, a pipe does
 * the same job (write() fails with EFAULT on a bad source). Returns 0 or
 * -EFAULT; copies all of len or nothing useful.
 */
static int pipe_read(void *dst, const void *src, size_t len)
{
	int fds[2], err = 0;

	if (pipe(fds))
		return -EFAULT;
	while (len && !err) {
		size_t chunk = len < 4096 ? len : 4096;
		ssize_t n = write(fds[1], src, chunk);

		if (n <= 0 || read(fds[0], dst, (size_t)n) != n) {
			err = -EFAULT;
			break;
		}
		src = (const char *)src + n;
		dst = (char *)dst + n;
		len -= (size_t)n;
	}
	close(fds[0]);
	close(fds[1]);
	return err;
}

static int safe_read(void *dst, const void *src, size_t len)
{
	struct iovec local = { .iov_base = dst, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)src, .iov_len = len };
	ssize_t n;

	if (!len)
		return 0;
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && (errno == ENOSYS || errno == EPERM))
		return pipe_read(dst, src, len);
	return -EFAULT;
}

/* strncpy_from_kernel_nofault() (rt_inline.h, shared with inlined native
 * code) over safe_read() */
static long safe_strncpy(char *dst, const void *src, size_t count)
{
	return (long)rt_inl_strncpy_nofault(dst, (uintptr_t)src, count, safe_read);
}

uint64_t rt_helper_probe_read(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	void *dst = (void *)(uintptr_t)r1;
	uint32_t size = (uint32_t)r2;

	if (!rt_helper_mem_ok(rt_run__current(), "bpf_probe_read", "dst", dst, size, true))
		return -EFAULT;
	if (safe_read(dst, (const void *)(uintptr_t)r3, size)) {
		/* the kernel clears dst so that a caller ignoring the error copies no garbage */
		memset(dst, 0, size);
		return -EFAULT;
	}
	return 0;
}

uint64_t rt_helper_probe_read_str(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				  uint64_t r5)
{
	char *dst = (char *)(uintptr_t)r1;
	uint32_t size = (uint32_t)r2;
	long ret;

	if (!rt_helper_mem_ok(rt_run__current(), "bpf_probe_read_str", "dst", dst, size, true))
		return -EFAULT;
	ret = safe_strncpy(dst, (const void *)(uintptr_t)r3, size);
	if (ret < 0)
		memset(dst, 0, size);
	return (uint64_t)ret;
}

/* ------------------------------------------------------- current task */

uint64_t rt_helper_get_current_pid_tgid(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
					uint64_t r5)
{
	return rt_run__pid_tgid();
}

uint64_t rt_helper_get_current_uid_gid(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				       uint64_t r5)
{
	return (uint64_t)(uint32_t)getgid() << 32 | (uint32_t)getuid();
}

/* The kernel's strscpy_pad(): truncated, terminated, zero-padded. */
uint64_t rt_helper_get_current_comm(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				    uint64_t r5)
{
	char *buf = (char *)(uintptr_t)r1, comm[TASK_COMM_LEN + 1] = { 0 };
	uint32_t size = (uint32_t)r2;
	size_t n;

	if (!rt_helper_mem_ok(rt_run__current(), "bpf_get_current_comm", "buf", buf, size, true))
		return -EFAULT;
	if (!size)
		return 0;
	prctl(PR_GET_NAME, comm);
	n = strnlen(comm, size - 1);
	memcpy(buf, comm, n);
	memset(buf + n, 0, size - n);
	return 0;
}

/*
 * There is no task_struct in user space. The token is the thread's
 * pthread_t: non-zero, distinct per live thread, stable for the thread's
 * life. Programs may compare it or use it as a map key; reading through it
 * (bpf_probe_read) reads libc's thread descriptor, not a task_struct.
 */
uint64_t rt_helper_get_current_task(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				    uint64_t r5)
{
	return (uint64_t)pthread_self();
}

/* The kernel's strncmp returns -1, 0 or 1, not a byte difference. */
uint64_t rt_helper_strncmp(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	const unsigned char *s1 = (const unsigned char *)(uintptr_t)r1;
	const unsigned char *s2 = (const unsigned char *)(uintptr_t)r3;
	uint32_t n = (uint32_t)r2;
	size_t len2;

	if (!rt_helper_mem_ok(run, "bpf_strncmp", "s1", s1, n, false) ||
	    !str_check(run, "bpf_strncmp", "s2", (const char *)s2, &len2))
		return -EFAULT;
	return rt_inl_strncmp(s1, n, s2);
}

/* ---------------------------------------------------------- formatting */

enum fmt_kind {
	FMT_INT,	/* d i u x X with l/ll */
	FMT_CHAR,
	FMT_STR,	/* s, pks, pus, and pre-formatted pI4/pi4/pI6/pi6/pB/ps/pS */
	FMT_PTR,	/* p, pK, px */
};

/* One captured argument: its value, or where its string sits in bin. */
struct fmt_arg {
	uint64_t val;
	uint16_t str_off;
};

struct fmt_args {
	struct fmt_arg a[MAX_BPRINTF_VARARGS];
	char bin[MAX_BPRINTF_BIN_ARGS];
	size_t used;	/* bytes of bin taken, with the kernel's alignment */
	int nr;
};

/* Output with snprintf's contract: len counts everything, buf gets what fits. */
struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct fmt_out *o, int n)
{
	while (n-- > 0)
		out_char(o, ' ');
}

static bool fmt_is_end(char c)
{
	/* what may follow %s and a plain %p in the kernel's check */
	return !c || isspace((unsigned char)c) || ispunct((unsigned char)c);
}

/* Reserves n bytes of bin after aligning to align; false when full. */
static bool bin_take(struct fmt_args *fa, size_t align, size_t n, size_t *off)
{
	size_t start = (fa->used + align - 1) & ~(align - 1);

	if (start > sizeof(fa->bin) || sizeof(fa->bin) - start < n)
		return false;
	*off = start;
	fa->used = start + n;
	return true;
}

/* Pre-formats an IPv4/IPv6 address as the kernel's %pI4 %pi4 %pI6 %pi6. */
static int format_ip(char *out, size_t size, char kind, char ver, const uint8_t *ip)
{
	int n = 0, i;

	if (ver == '4')
		return snprintf(out, size, kind == 'I' ? "%u.%u.%u.%u" : "%03u.%03u.%03u.%03u",
				ip[0], ip[1], ip[2], ip[3]);
	for (i = 0; i < 16; i += 2)
		n += snprintf(out + n, size - (size_t)n, kind == 'I' && i ? ":%02x%02x" : "%02x%02x",
			      ip[i], ip[i + 1]);
	return n;
}

/* Copies a string argument into bin; an unreadable one becomes "". */
static int capture_str(struct fmt_args *fa, uint64_t ptr, uint16_t *off)
{
	long n;

	if (fa->used >= sizeof(fa->bin))
		return -ENOSPC;
	*off = (uint16_t)fa->used;
	n = safe_strncpy(fa->bin + fa->used, (const void *)(uintptr_t)ptr,
			 sizeof(fa->bin) - fa->used);
	if (n <= 0) {
		fa->bin[fa->used] = 0;
		n = 1;
	}
	fa->used += (size_t)n;
	return 0;
}

static int capture_preformatted(struct fmt_args *fa, const char *text, uint16_t *off)
{
	size_t n = strlen(text) + 1;

	if (sizeof(fa->bin) - fa->used < n)
		return -ENOSPC;
	*off = (uint16_t)fa->used;
	memcpy(fa->bin + fa->used, text, n);
	fa->used += n;
	return 0;
}

/*
 * Pass one, bpf_bprintf_prepare(): fmt must be NUL-terminated within
 * fmt_size, printable ASCII, with at most nr_args conversions from the
 * kernel's subset. Returns 0 or -EINVAL / -ENOSPC.
 */
static int fmt_prepare(const char *fmt, size_t fmt_size, const uint64_t *raw, int nr_args,
		       struct fmt_args *fa)
{
	const char *end = fmt && fmt_size ? memchr(fmt, 0, fmt_size) : NULL;
	size_t i, len, off;
	int err;

	if (!end)
		return -EINVAL;
	len = (size_t)(end - fmt);
	fa->used = 0;
	fa->nr = 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)fmt[i];
		struct fmt_arg *arg;
		size_t arg_size;

		if (c > 127 || (!isprint(c) && !isspace(c)))
			return -EINVAL;
		if (c != '%')
			continue;
		if (fmt[i + 1] == '%') {
			i++;
			continue;
		}
		if (fa->nr >= nr_args)
			return -EINVAL;
		arg = &fa->a[fa->nr];
		arg->val = raw[fa->nr];
		i++;
		while (fmt[i] == '0' || fmt[i] == '+' || fmt[i] == '-' || fmt[i] == ' ')
			i++;
		if (fmt[i] >= '1' && fmt[i] <= '9')
			while (fmt[i] >= '0' && fmt[i] <= '9')
				i++;

		if (fmt[i] == 'p') {
			char tmp[64];

			if ((fmt[i + 1] == 'k' || fmt[i + 1] == 'u') && fmt[i + 2] == 's') {
				i += 2;
				if (!fmt_is_end(fmt[i + 1]))
					return -EINVAL;
				err = capture_str(fa, arg->val, &arg->str_off);
				if (err)
					return err;
				fa->nr++;
				continue;
			}
			if (fmt_is_end(fmt[i + 1]) || strchr("KxsS", fmt[i + 1])) {
				if (fmt[i + 1] == 's' || fmt[i + 1] == 'S') {
					/* no symbols here: "0x..." as the kernel prints an unknown one */
					snprintf(tmp, sizeof(tmp), "0x%llx",
						 (unsigned long long)arg->val);
					err = capture_preformatted(fa, tmp, &arg->str_off);
					if (err)
						return err;
					fa->nr++;
					i++;
					continue;
				}
				if (fmt[i + 1])
					i++;
				if (!bin_take(fa, 4, 8, &off))
					return -ENOSPC;
				fa->nr++;
				continue;
			}
			if (fmt[i + 1] == 'B') {
				snprintf(tmp, sizeof(tmp), "0x%llx", (unsigned long long)arg->val);
				err = capture_preformatted(fa, tmp, &arg->str_off);
				if (err)
					return err;
				fa->nr++;
				i++;
				continue;
			}
			if ((fmt[i + 1] != 'i' && fmt[i + 1] != 'I') ||
			    (fmt[i + 2] != '4' && fmt[i + 2] != '6'))
				return -EINVAL;
			i += 2;
			{
				uint8_t ip[16] = { 0 };
				size_t ip_len = fmt[i] == '4' ? 4 : 16;

				if (sizeof(fa->bin) - fa->used < ip_len)
					return -ENOSPC;
				/* an unreadable address prints as zeros, as in the kernel */
				if (safe_read(ip, (const void *)(uintptr_t)arg->val, ip_len))
					memset(ip, 0, sizeof(ip));
				format_ip(tmp, sizeof(tmp), fmt[i - 1], fmt[i], ip);
				err = capture_preformatted(fa, tmp, &arg->str_off);
				if (err)
					return err;
			}
			fa->nr++;
			continue;
		}
		if (fmt[i] == 's') {
			if (!fmt_is_end(fmt[i + 1]))
				return -EINVAL;
			err = capture_str(fa, arg->val, &arg->str_off);
			if (err)
				return err;
			fa->nr++;
			continue;
		}
		if (fmt[i] == 'c') {
			if (!bin_take(fa, 1, 1, &off))
				return -ENOSPC;
			fa->nr++;
			continue;
		}
		arg_size = 4;
		if (fmt[i] == 'l') {
			arg_size = 8;
			i++;
		}
		if (fmt[i] == 'l')
			i++;
		if (!strchr("iduxX", fmt[i]) || !fmt[i])
			return -EINVAL;
		if (!bin_take(fa, 4, arg_size, &off))
			return -ENOSPC;
		fa->nr++;
	}
	return 0;
}

enum {
	F_LEFT = 1,
	F_PLUS = 2,
	F_SPACE = 4,
	F_ZERO = 8,
};

/* The kernel's number(): sign, zero padding between sign and digits. */
static void out_number(struct fmt_out *o, uint64_t v, bool is_signed, int base, bool upper,
		       int flags, int width)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24], sign = 0;
	int n = 0, pad;

	if (is_signed) {
		if ((int64_t)v < 0) {
			sign = '-';
			v = -v;
		} else if (flags & F_PLUS) {
			sign = '+';
		} else if (flags & F_SPACE) {
			sign = ' ';
		}
	}
	do {
		tmp[n++] = digits[v % (uint64_t)base];
		v /= (uint64_t)base;
	} while (v);
	pad = width - n - (sign ? 1 : 0);
	if (!(flags & (F_LEFT | F_ZERO)))
		out_pad(o, pad);
	if (sign)
		out_char(o, sign);
	if ((flags & F_ZERO) && !(flags & F_LEFT))
		while (pad-- > 0)
			out_char(o, '0');
	while (n)
		out_char(o, tmp[--n]);
	if (flags & F_LEFT)
		out_pad(o, pad);
}

/* Strings and chars are padded with spaces, even with the 0 flag. */
static void out_string(struct fmt_out *o, const char *s, int flags, int width)
{
	int n = (int)strlen(s);

	if (!(flags & F_LEFT))
		out_pad(o, width - n);
	while (*s)
		out_char(o, *s++);
	if (flags & F_LEFT)
		out_pad(o, width - n);
}

/* Pass two, bstr_printf(), over a format fmt_prepare() accepted. */
static void fmt_print(const char *fmt, const struct fmt_args *fa, struct fmt_out *o)
{
	int idx = 0;

	while (*fmt) {
		const struct fmt_arg *arg;
		int flags = 0, width = -1, size = 4;
		char conv;

		if (*fmt != '%') {
			out_char(o, *fmt++);
			continue;
		}
		if (fmt[1] == '%') {
			out_char(o, '%');
			fmt += 2;
			continue;
		}
		arg = &fa->a[idx++];
		for (fmt++;; fmt++) {
			int f = *fmt == '-' ? F_LEFT : *fmt == '+' ? F_PLUS
						     : *fmt == ' ' ? F_SPACE
						     : *fmt == '0' ? F_ZERO : 0;
			if (!f)
				break;
			flags |= f;
		}
		if (*fmt >= '1' && *fmt <= '9')
			for (width = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
				if (width <= FIELD_WIDTH_MAX)
					width = width * 10 + (*fmt - '0');
		if (width > FIELD_WIDTH_MAX)
			width = FIELD_WIDTH_MAX;
		if (*fmt == 'l') {
			size = 8;
			fmt++;
			if (*fmt == 'l')
				fmt++;
		}
		conv = *fmt++;
		switch (conv) {
		case 's':
			out_string(o, fa->bin + arg->str_off, flags, width);
			break;
		case 'c':
			if (!(flags & F_LEFT))
				out_pad(o, width - 1);
			out_char(o, (char)arg->val);
			if (flags & F_LEFT)
				out_pad(o, width - 1);
			break;
		case 'p':
			/*
			 * The kernel prints %p and %pK hashed; we print the address
			 * as no_hash_pointers would: 16 zero-padded hex digits.
			 */
			if (*fmt == 'k' || *fmt == 'u' || *fmt == 'I' || *fmt == 'i' ||
			    *fmt == 'B' || *fmt == 's' || *fmt == 'S')
				out_string(o, fa->bin + arg->str_off, flags, width);
			else if (width < 0)
				out_number(o, arg->val, false, 16, false, F_ZERO, 16);
			else
				out_number(o, arg->val, false, 16, false, flags, width);
			/* vsnprintf swallows every alphanumeric after %p */
			while (isalnum((unsigned char)*fmt))
				fmt++;
			break;
		default: {
			bool is_signed = conv == 'd' || conv == 'i';
			uint64_t v = arg->val;

			if (size == 4)
				v = is_signed ? (uint64_t)(int64_t)(int32_t)v : (uint32_t)v;
			out_number(o, v, is_signed, conv == 'x' || conv == 'X' ? 16 : 10,
				   conv == 'X', flags, width);
			break;
		}
		}
	}
}

/* Formats into buf[size]; returns the full length (without NUL) or -errno. */
static long fmt_format(char *buf, size_t size, const char *fmt, size_t fmt_size,
		       const uint64_t *args, int nr_args)
{
	struct fmt_args fa;
	struct fmt_out o = { .buf = buf, .size = size };
	int err;

	err = fmt_prepare(fmt, fmt_size, args, nr_args, &fa);
	if (err)
		return err;
	fmt_print(fmt, &fa, &o);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (long)o.len;
}

/* Formats fmt with args into the run's trace sink (the kernel's trace pipe);
 * returns what the kernel's printk helpers return. */
static long trace_out(struct rt_run *run, const char *fmt, uint32_t fmt_size,
		      const uint64_t *args, int nr_args)
{
	char buf[MAX_BPRINTF_BUF];
	long n = fmt_format(buf, sizeof(buf), fmt, fmt_size, args, nr_args);

	if (n >= 0 && run && run->print)
		run->print(run->print_cookie, buf, (size_t)n < sizeof(buf) ? (size_t)n
									: sizeof(buf) - 1);
	return n;
}

uint64_t rt_helper_trace_printk(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	const char *fmt = (const char *)(uintptr_t)r1;
	uint64_t args[MAX_TRACE_PRINTK_VARARGS] = { r3, r4, r5 };

	if (!rt_helper_mem_ok(run, "bpf_trace_printk", "fmt", fmt, (uint32_t)r2, false))
		return -EFAULT;
	return (uint64_t)trace_out(run, fmt, (uint32_t)r2, args, MAX_TRACE_PRINTK_VARARGS);
}

/* bpf_printk with more than three arguments: the values in an array of
 * data_len / 8 u64, as bpf_snprintf takes them. */
uint64_t rt_helper_trace_vprintk(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	const char *fmt = (const char *)(uintptr_t)r1;
	const uint64_t *data = (const uint64_t *)(uintptr_t)r3;
	uint32_t fmt_size = (uint32_t)r2, data_len = (uint32_t)r4;
	uint64_t args[MAX_BPRINTF_VARARGS];

	if (data_len % 8 || data_len > MAX_BPRINTF_VARARGS * 8 || (data_len && !data))
		return -EINVAL;
	if (!rt_helper_mem_ok(run, "bpf_trace_vprintk", "fmt", fmt, fmt_size, false) ||
	    !rt_helper_mem_ok(run, "bpf_trace_vprintk", "data", data, data_len, false))
		return -EFAULT;
	if (data_len)
		memcpy(args, data, data_len);
	return (uint64_t)trace_out(run, fmt, fmt_size, args, (int)(data_len / 8));
}

/* Returns the length needed including the NUL, as the kernel. */
uint64_t rt_helper_snprintf(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	char *str = (char *)(uintptr_t)r1;
	uint32_t str_size = (uint32_t)r2, data_len = (uint32_t)r5;
	const char *fmt = (const char *)(uintptr_t)r3;
	const uint64_t *data = (const uint64_t *)(uintptr_t)r4;
	uint64_t args[MAX_BPRINTF_VARARGS];
	size_t fmt_len;
	long n;

	if (data_len % 8 || data_len > MAX_BPRINTF_VARARGS * 8 || (data_len && !data))
		return -EINVAL;
	if (!rt_helper_mem_ok(run, "bpf_snprintf", "str", str, str_size, true) ||
	    !rt_helper_mem_ok(run, "bpf_snprintf", "data", data, data_len, false) ||
	    !str_check(run, "bpf_snprintf", "fmt", fmt, &fmt_len))
		return -EFAULT;
	if (data_len)
		memcpy(args, data, data_len);
	n = fmt_format(str, str_size, fmt, fmt_len + 1, args, (int)(data_len / 8));
	return n < 0 ? (uint64_t)n : (uint64_t)n + 1;
}
