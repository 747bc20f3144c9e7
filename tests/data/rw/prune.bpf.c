/* rw_prune(): the top-level declarations the native unit keeps */
#define SEC(n) __attribute__((section(n), used))

struct by_value { int a; };		/* kept: a local of this type */
struct behind_ptr { int b; };		/* left out: named behind a pointer only */
struct member_read {			/* kept: m->c reads a member */
	int c;
	struct inner { long d; } in;
};
struct unused { char e; };		/* left out */
enum color { RED, GREEN };		/* kept: GREEN is used */
enum unused_enum { X1 };		/* left out */
typedef struct { int f; } anon_t;	/* kept whole: anon_t by value */
typedef struct behind_ptr bp_t;		/* kept: bp_t names a pointer's target */
typedef unsigned int unused_t;		/* left out */
int proto_used(int);			/* kept: called */
int proto_unused(int);			/* left out */
extern int ext_unused;			/* left out */
static long (*helper_unused)(void *) = (void *) 1;	/* left out */
static long (*helper_used)(void *) = (void *) 2;	/* kept: called */
struct in_sizeof { char g[3]; };	/* kept: sizeof */
struct elem { short h; };		/* kept: an array of it in a kept struct */
struct holder {				/* kept: a local of this type */
	struct elem items[2];
	struct far *p;			/* struct far: a forward declaration */
};

SEC("xdp")
int prog(struct member_read *m)
{
	struct by_value v = { 1 };
	anon_t a = { 2 };
	bp_t *bp = 0;
	struct holder h = { 0 };

	return v.a + a.f + m->c + GREEN + (int)sizeof(struct in_sizeof) +
	       proto_used(h.items[1].h) + (bp != 0) + (int)helper_used(m);
}
