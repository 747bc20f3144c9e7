/* bpfaot: records the code names only behind pointers */
struct member_read;
struct behind_ptr;
struct elem;
struct far;
# 1 "tests/data/rw/prune.bpf.c"
/* bpfaot: 5 unchanged lines of system headers (<built-in>, ...) */
# 1 "tests/data/rw/prune.bpf.c" 2

struct by_value { int a; };
;
struct member_read {
 int c;
 struct inner { long d; } in;
};
;
enum color { RED, GREEN };
;
typedef struct { int f; } anon_t;
typedef struct behind_ptr bp_t;
;
int proto_used(int);
;
;
;
static long (*helper_used)(void *) = (void *) 2;
struct in_sizeof { char g[3]; };
struct elem { short h; };
struct holder {
 struct elem items[2];
 struct far *p;
};

__attribute__((section("xdp"), used))
int prog(struct member_read *m)
{
 struct by_value v = { 1 };
 anon_t a = { 2 };
 bp_t *bp = 0;
 struct holder h = { 0 };

 return v.a + a.f + m->c + GREEN + (int)sizeof(struct in_sizeof) +
        proto_used(h.items[1].h) + (bp != 0) + (int)helper_used(m);
}
