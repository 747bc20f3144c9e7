// SPDX-License-Identifier: MIT
/*
 * Inlined helpers: the runtime's helpers, written in C
 * (runtime/inline/helpers.c), compiled to LLVM bitcode by the build and
 * embedded in bpfaot-cc (backend/helpers_bc.c), are linked into each
 * program's module before clang's -O3, so that they inline.
 *
 * The rewritten source calls helper NNNN as `_bpf_helper_ext_NNNN` with
 * the prototype of the source's declaration (or 5 x u64 with
 * --aot-no-types); the bitcode defines `__bpfaot_inline_NNNN` with the
 * native ABI's 5 x u64 -> u64, as the runtime's helper itself. Each call
 * of a helper that has a body becomes a call of the body: arguments
 * widened to u64 (zero-extended integers, pointers as integers: the body
 * truncates as the runtime's helper does), missing ones 0, the result
 * narrowed back to the call's type. The bodies are always_inline and
 * internal, so -O3 inlines them and drops them: the object keeps no
 * reference to the helper, and the manifest lists it no more. A body is
 * linked only into modules that call its helper; a module that calls
 * none is left untouched.
 *
 * A helper that takes a callback (bpf_loop) gets, instead of the function
 * pointer, a thunk with the native ABI's signature that calls the
 * program's function directly (thunk_of()), so the callback inlines into
 * the loop as well.
 *
 * A call this pass cannot convert (an argument wider than 64 bits or of
 * another kind, a callback that is not a function of the module) stays a
 * call of the runtime's helper, which is always right.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/Linker.h>

#include "be_internal.h"
#include "bpfaot/abi.h"

#define BODY_PREFIX "__bpfaot_inline_"
#define MAX_HELPER_ID 9999

/* The embedded bitcode (helpers_bc.c). */
extern const char be_helpers_bc[], be_helpers_bc_end[];

struct names {
	char **items;
	size_t cnt, cap;
};

static int names__add(struct names *n, const char *s)
{
	if (n->cnt == n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 16;
		char **p = realloc(n->items, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		n->items = p;
		n->cap = cap;
	}
	n->items[n->cnt] = strdup(s);
	if (!n->items[n->cnt])
		return -ENOMEM;
	n->cnt++;
	return 0;
}

static void names__free(struct names *n)
{
	size_t i;

	for (i = 0; i < n->cnt; i++)
		free(n->items[i]);
	free(n->items);
}

/* The helper id of `_bpf_helper_ext_NNNN`, or 0. */
static unsigned helper_id(const char *name)
{
	size_t n = strlen(BPFAOT_HELPER_PREFIX);
	unsigned id = 0;
	size_t i;

	if (strncmp(name, BPFAOT_HELPER_PREFIX, n) || strlen(name) != n + 4)
		return 0;
	for (i = n; i < n + 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		id = id * 10 + (unsigned)(name[i] - '0');
	}
	return id;
}

/* Whether a value of type t converts to and from u64 losslessly enough for
 * the native ABI (integers up to 64 bits, pointers). */
static bool is_abi_type(LLVMTypeRef t)
{
	switch (LLVMGetTypeKind(t)) {
	case LLVMIntegerTypeKind:
		return LLVMGetIntTypeWidth(t) <= 64;
	case LLVMPointerTypeKind:
		return true;
	default:
		return false;
	}
}

static LLVMValueRef to_u64(LLVMBuilderRef b, LLVMValueRef v, LLVMTypeRef i64)
{
	LLVMTypeRef t = LLVMTypeOf(v);

	if (LLVMGetTypeKind(t) == LLVMPointerTypeKind)
		return LLVMBuildPtrToInt(b, v, i64, "");
	if (LLVMGetIntTypeWidth(t) < 64)
		return LLVMBuildZExt(b, v, i64, "");
	return v;
}

static LLVMValueRef from_u64(LLVMBuilderRef b, LLVMValueRef v, LLVMTypeRef t)
{
	if (LLVMGetTypeKind(t) == LLVMPointerTypeKind)
		return LLVMBuildIntToPtr(b, v, t, "");
	if (LLVMGetIntTypeWidth(t) < 64)
		return LLVMBuildTrunc(b, v, t, "");
	return v;
}

/* Whether call is a call whose callee is exactly fn (possibly through a
 * cast: two declarations of one helper with different prototypes). */
static bool calls(LLVMValueRef call, LLVMValueRef fn)
{
	return LLVMIsACallInst(call) && LLVMGetCalledValue(call) == fn;
}

static int push_call(LLVMValueRef **calls_, size_t *nr, size_t *cap, LLVMValueRef c)
{
	if (*nr == *cap) {
		size_t n = *cap ? *cap * 2 : 8;
		LLVMValueRef *p = realloc(*calls_, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*calls_ = p;
		*cap = n;
	}
	(*calls_)[(*nr)++] = c;
	return 0;
}

/* Whether call instruction c lies in a helper's body: a body may call the
 * runtime's helper it stands for (bpf_get_current_pid_tgid's first call on
 * a thread), and that call must stay one. */
static bool in_body(LLVMValueRef c)
{
	size_t len;
	const char *name = LLVMGetValueName2(LLVMGetBasicBlockParent(LLVMGetInstructionParent(c)),
					     &len);

	return !strncmp(name, BODY_PREFIX, strlen(BODY_PREFIX));
}

/* The calls of fn outside the helpers' bodies: direct, or through a
 * constant cast of fn. *out is malloc'ed (caller frees, also on error). */
static int collect_calls(LLVMValueRef fn, LLVMValueRef **out, size_t *nr)
{
	LLVMUseRef u, u2;
	size_t cap = 0;
	int err = 0;

	*out = NULL;
	*nr = 0;
	for (u = LLVMGetFirstUse(fn); u && !err; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);

		if (calls(user, fn)) {
			if (!in_body(user))
				err = push_call(out, nr, &cap, user);
		} else if (LLVMIsAConstantExpr(user) && LLVMGetConstOpcode(user) == LLVMBitCast) {
			for (u2 = LLVMGetFirstUse(user); u2 && !err; u2 = LLVMGetNextUse(u2))
				if (calls(LLVMGetUser(u2), user) && !in_body(LLVMGetUser(u2)))
					err = push_call(out, nr, &cap, LLVMGetUser(u2));
		}
	}
	return err;
}

/* Helpers that take a callback, and which argument it is (the FUNC
 * argument of include/bpfaot/helpers.h). */
static const struct {
	unsigned id, arg;
} callback_args[] = {
	{ 181, 1 },	/* bpf_loop */
};

static int callback_arg(unsigned id)
{
	size_t i;

	for (i = 0; i < sizeof(callback_args) / sizeof(callback_args[0]); i++)
		if (callback_args[i].id == id)
			return (int)callback_args[i].arg;
	return -1;
}

/* The value under constant and instruction casts (bitcast, ptrtoint,
 * inttoptr): how `(void *)fn` and `(u64)fn` reach a call. */
static LLVMValueRef strip_casts(LLVMValueRef v)
{
	for (;;) {
		if (LLVMIsAConstantExpr(v)) {
			LLVMOpcode op = LLVMGetConstOpcode(v);

			if (op != LLVMBitCast && op != LLVMPtrToInt && op != LLVMIntToPtr)
				return v;
		} else if (!LLVMIsABitCastInst(v) && !LLVMIsAPtrToIntInst(v) &&
			   !LLVMIsAIntToPtrInst(v)) {
			return v;
		}
		v = LLVMGetOperand(v, 0);
	}
}

/*
 * The thunk through which a helper body calls the program's function fn:
 * `u64 __bpfaot_cb_FN(u64 x 5)` converting each argument to fn's parameter
 * type and fn's result to u64, internal and always_inline. Once the body
 * is inlined its indirect call becomes a direct call of the thunk, and so
 * of fn, which can then inline. NULL when fn's types do not allow it.
 */
static LLVMValueRef thunk_of(LLVMModuleRef m, LLVMValueRef fn, LLVMTypeRef i64)
{
	LLVMContextRef ctx = LLVMGetModuleContext(m);
	LLVMTypeRef fty = LLVMGlobalGetValueType(fn), ptys[5], ret = LLVMGetReturnType(fty);
	LLVMTypeRef i64s[5] = { i64, i64, i64, i64, i64 };
	unsigned n = LLVMCountParamTypes(fty), i;
	LLVMValueRef t, args[5], r;
	LLVMBuilderRef b;
	char name[256];
	size_t len;

	if (n > 5 || LLVMIsFunctionVarArg(fty) ||
	    (LLVMGetTypeKind(ret) != LLVMVoidTypeKind && !is_abi_type(ret)))
		return NULL;
	LLVMGetParamTypes(fty, ptys);
	for (i = 0; i < n; i++)
		if (!is_abi_type(ptys[i]))
			return NULL;
	snprintf(name, sizeof(name), "__bpfaot_cb_%s", LLVMGetValueName2(fn, &len));
	t = LLVMGetNamedFunction(m, name);
	if (t)
		return t;
	t = LLVMAddFunction(m, name, LLVMFunctionType(i64, i64s, 5, 0));
	LLVMSetLinkage(t, LLVMInternalLinkage);
	LLVMAddAttributeAtIndex(t, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(ctx, LLVMGetEnumAttributeKindForName(
								     "alwaysinline", 12), 0));
	b = LLVMCreateBuilderInContext(ctx);
	LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ctx, t, "entry"));
	for (i = 0; i < n; i++)
		args[i] = from_u64(b, LLVMGetParam(t, i), ptys[i]);
	r = LLVMBuildCall2(b, fty, fn, args, n, "");
	LLVMBuildRet(b, LLVMGetTypeKind(ret) == LLVMVoidTypeKind ? LLVMConstInt(i64, 0, 0) :
								   to_u64(b, r, i64));
	LLVMDisposeBuilder(b);
	return t;
}

/* Replaces call with a call of body (5 x u64 -> u64), a callback argument
 * with the thunk of its function; false when its types do not allow it,
 * or the callback is not a function of the module (the call stays). */
static bool rewrite_call(LLVMModuleRef m, LLVMBuilderRef b, LLVMValueRef call, unsigned id,
			 LLVMValueRef body, LLVMTypeRef i64)
{
	unsigned n = (unsigned)LLVMGetNumArgOperands(call), i;
	LLVMTypeRef ret = LLVMTypeOf(call);
	bool ret_void = LLVMGetTypeKind(ret) == LLVMVoidTypeKind;
	int cb = callback_arg(id);
	LLVMValueRef args[5], r, thunk = NULL;

	if (n > 5 || (!ret_void && !is_abi_type(ret)))
		return false;
	for (i = 0; i < n; i++)
		if (!is_abi_type(LLVMTypeOf(LLVMGetOperand(call, i))))
			return false;
	if (cb >= 0) {
		LLVMValueRef fn = (unsigned)cb < n ? strip_casts(LLVMGetOperand(call, (unsigned)cb)) :
						     NULL;

		thunk = fn && LLVMIsAFunction(fn) ? thunk_of(m, fn, i64) : NULL;
		if (!thunk)
			return false;
	}
	LLVMPositionBuilderBefore(b, call);
	for (i = 0; i < 5; i++)
		args[i] = i < n ? to_u64(b, LLVMGetOperand(call, i), i64) : LLVMConstInt(i64, 0, 0);
	if (thunk)
		args[cb] = LLVMBuildPtrToInt(b, thunk, i64, "");
	r = LLVMBuildCall2(b, LLVMGlobalGetValueType(body), body, args, 5, "");
	if (!ret_void)
		LLVMReplaceAllUsesWith(call, from_u64(b, r, ret));
	LLVMInstructionEraseFromParent(call);
	return true;
}

/* The helpers module m calls that have a body (ids[id] set, unless
 * !helpers), and the bodies m declares by name (the map lookups through a
 * view that the inline-maps rewrite calls): how many. */
static size_t wanted_helpers(LLVMModuleRef m, LLVMModuleRef hm, bool *ids, bool helpers)
{
	LLVMValueRef f;
	size_t n = 0;
	char body[64];

	for (f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		size_t len;
		const char *name = LLVMGetValueName2(f, &len);
		unsigned id = helper_id(name);

		if (!LLVMIsDeclaration(f))
			continue;
		if (!strncmp(name, BODY_PREFIX, strlen(BODY_PREFIX)) &&
		    LLVMGetNamedFunction(hm, name)) {
			n++;
			continue;
		}
		if (!id || !helpers)
			continue;
		snprintf(body, sizeof(body), BODY_PREFIX "%04u", id);
		if (LLVMGetNamedFunction(hm, body)) {
			ids[id] = true;
			n++;
		}
	}
	return n;
}

/* Drops functions and declarations the helper module brought that nothing
 * uses any more, until none is left to drop. */
static void drop_unused(LLVMModuleRef m, const struct names *brought)
{
	bool again = true;
	size_t i;

	while (again) {
		again = false;
		for (i = 0; i < brought->cnt; i++) {
			LLVMValueRef f = LLVMGetNamedFunction(m, brought->items[i]);

			if (f && !LLVMGetFirstUse(f)) {
				LLVMDeleteFunction(f);
				again = true;
			}
		}
	}
}

int be_inline_helpers(LLVMModuleRef m, bool helpers, struct fe_diags *d)
{
	LLVMContextRef ctx = LLVMGetModuleContext(m);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(ctx);
	unsigned inl = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
	bool *ids = calloc(MAX_HELPER_ID + 1, sizeof(*ids));
	struct names brought = { 0 };
	LLVMMemoryBufferRef buf;
	LLVMModuleRef hm = NULL;
	LLVMBuilderRef b = NULL;
	LLVMValueRef f;
	unsigned id;
	int err = -ENOMEM;

	if (!ids)
		return -ENOMEM;
	buf = LLVMCreateMemoryBufferWithMemoryRange(be_helpers_bc,
						    (size_t)(be_helpers_bc_end - be_helpers_bc),
						    "bpfaot-helpers.bc", 0);
	if (!buf)
		goto out_free;
	if (LLVMParseBitcodeInContext2(ctx, buf, &hm)) {
		fe_diag_pos(d, FE_ERROR, NULL, 0, 0,
			    "internal error: the inlinable helpers' bitcode is malformed");
		err = -ENOEXEC;
		goto out_dispose_buf;
	}
	if (!wanted_helpers(m, hm, ids, helpers)) {
		LLVMDisposeModule(hm);
		err = 0;
		goto out_dispose_buf;
	}
	/* what the link brings in, to make internal, and drop when unused */
	for (f = LLVMGetFirstFunction(hm); f; f = LLVMGetNextFunction(f)) {
		size_t len;
		const char *name = LLVMGetValueName2(f, &len);

		if (!LLVMGetNamedFunction(m, name) && names__add(&brought, name)) {
			LLVMDisposeModule(hm);
			goto out_dispose_buf;
		}
	}
	LLVMSetTarget(hm, LLVMGetTarget(m));
	LLVMSetDataLayout(hm, LLVMGetDataLayoutStr(m));
	/* hm is consumed, linked or not */
	if (LLVMLinkModules2(m, hm)) {
		fe_diag_pos(d, FE_ERROR, NULL, 0, 0,
			    "internal error: cannot link the inlinable helpers into the program");
		err = -EINVAL;
		goto out_dispose_buf;
	}
	for (id = 0; id <= MAX_HELPER_ID; id++) {
		char name[64];
		LLVMValueRef decl, body, *cs;
		size_t nr, i;

		if (!ids[id])
			continue;
		snprintf(name, sizeof(name), BPFAOT_HELPER_SYM_FMT, id);
		decl = LLVMGetNamedFunction(m, name);
		snprintf(name, sizeof(name), BODY_PREFIX "%04u", id);
		body = LLVMGetNamedFunction(m, name);
		if (!decl || !body)
			continue;
		if (collect_calls(decl, &cs, &nr)) {
			free(cs);
			goto out_dispose_buf;
		}
		if (!b)
			b = LLVMCreateBuilderInContext(ctx);
		for (i = 0; i < nr; i++)
			rewrite_call(m, b, cs[i], id, body, i64);
		free(cs);
		if (!LLVMGetFirstUse(decl))
			LLVMDeleteFunction(decl);
	}
	for (f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		size_t len;

		if (LLVMIsDeclaration(f) || strncmp(LLVMGetValueName2(f, &len), BODY_PREFIX,
						    strlen(BODY_PREFIX)))
			continue;
		LLVMSetLinkage(f, LLVMInternalLinkage);
		LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
					LLVMCreateEnumAttribute(ctx, inl, 0));
	}
	drop_unused(m, &brought);
	err = 0;
out_dispose_buf:
	if (b)
		LLVMDisposeBuilder(b);
	LLVMDisposeMemoryBuffer(buf);
out_free:
	names__free(&brought);
	free(ids);
	return err;
}
