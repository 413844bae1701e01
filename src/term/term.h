/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term.h - Erlang terms as plain C values: decode, encode, print, parse.
 *
 * The term layer turns external-term-format bytes received from a node into
 * a tree of struct term allocated in an arena, and back.  It has no sockets
 * and no terminal: everything here is a pure function of its inputs, which
 * is what lets the decoder and the parsers be fuzzed.
 *
 *   term_decode   bounds-checked decoder with limits (depth, atom length,
 *                 bignum size, collection size, arena budget).  Malformed
 *                 input is BP_EDECODE / BP_ETOOBIG, never a crash, never an
 *                 out-of-bounds read.  libei's ei_decode_* functions are only
 *                 called on byte ranges already proven to be in bounds.
 *   term_encode   append a term to an ei_x_buff using libei's encoders.
 *   term_print    Erlang (`<0.1.0>`, 'Elixir.Foo', #{}) or Elixir
 *                 (`#PID<0.1.0>`, Foo, %{}, %Struct{}) syntax, with limits.
 *   term_json     a term as a JSON value.
 *   term_parse    term literals and calls typed on the command line, in
 *                 Erlang or Elixir syntax (or detected), plus load-template
 *                 generators ($seq, $rand(1,100), ...).
 *
 * Ownership: every struct term, and every string it points to, lives in the
 * arena passed to the function that produced it; nothing is freed on its own.
 */
#ifndef BP_TERM_H
#define BP_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/sbuf.h"

struct ei_x_buff_TAG; /* libei's ei_x_buff */

enum term_kind {
    TERM_INT,    /* u.i: any integer that fits in int64_t */
    TERM_BIG,    /* u.big: integers outside int64_t */
    TERM_FLOAT,  /* u.f */
    TERM_ATOM,   /* u.atom: UTF-8 name */
    TERM_BINARY, /* u.bin: binaries and bitstrings */
    TERM_LIST,   /* u.list: [] is n == 0 && tail == NULL */
    TERM_TUPLE,  /* u.tuple */
    TERM_MAP,    /* u.map */
    TERM_PID,    /* u.pid */
    TERM_PORT,   /* u.port */
    TERM_REF,    /* u.ref */
    TERM_FUN,    /* u.fun */
    TERM_GEN     /* u.gen: a template generator, only from term_parse */
};

struct term;

struct term_pid {
    const char *node; /* NULL: "the target node" (a parsed <0.N.S>) */
    uint32_t num;
    uint32_t serial;
    uint32_t creation;
};

struct term_port {
    const char *node; /* NULL: the target node */
    uint64_t id;
    uint32_t creation;
};

struct term_ref {
    const char *node; /* NULL: the target node */
    uint32_t creation;
    unsigned len;     /* number of ids used, 1..5 */
    uint32_t ids[5];
};

struct term_fun {
    const char *module;
    const char *name;  /* export funs (fun m:f/a); NULL for local funs */
    int arity;         /* -1 for a local fun from an old FUN_EXT (no arity) */
    uint32_t index;    /* local funs: old index */
    uint32_t uniq;     /* local funs: old uniq */
    const char *pid_node; /* local funs: node of the creating pid, may be NULL */
};

struct term {
    enum term_kind kind;
    union {
        int64_t i;
        double f;
        struct {
            bool neg;
            size_t n;                   /* bytes of magnitude */
            const unsigned char *digits; /* little-endian base-256 */
        } big;
        struct {
            const char *name; /* NUL-terminated UTF-8 */
            size_t len;
        } atom;
        struct {
            const unsigned char *data;
            size_t len;    /* bytes, including a partial last byte */
            unsigned bits; /* bits used in the last byte, 1..8 (8 = binary) */
        } bin;
        struct {
            struct term **items;
            size_t n;
            struct term *tail; /* NULL for a proper list */
        } list;
        struct {
            struct term **items;
            size_t n;
        } tuple;
        struct {
            struct term **keys;
            struct term **vals;
            size_t n;
        } map;
        struct term_pid pid;
        struct term_port port;
        struct term_ref ref;
        struct term_fun fun;
        struct {
            const char *name;    /* "seq", "rand", "pick", "str", "now_ms", "event" */
            struct term **args;  /* for pick: 2-tuples {Term, Weight} */
            size_t n;
        } gen;
    } u;
};

/* ---------------------------------------------------------------------
 * Construction (all memory from the arena)
 */
struct term *term_int(struct arena *a, int64_t v);
struct term *term_float(struct arena *a, double v);
struct term *term_atom(struct arena *a, const char *name);
struct term *term_atomn(struct arena *a, const char *name, size_t len);
/* A binary holding a copy of data[0..len). */
struct term *term_binary(struct arena *a, const void *data, size_t len);
/* A binary holding the bytes of the C string s. */
struct term *term_binstr(struct arena *a, const char *s);
/* Tuple/list/map with n slots, items NULL until filled by the caller. */
struct term *term_tuple(struct arena *a, size_t n);
struct term *term_list(struct arena *a, size_t n);
struct term *term_map(struct arena *a, size_t n);
struct term *term_nil(struct arena *a);
/* A proper list of the atoms names[0..n). */
struct term *term_atom_list(struct arena *a, const char *const *names, size_t n);
/* A proper list of the terms items[0..n) (not copied). */
struct term *term_list_of(struct arena *a, struct term *const *items, size_t n);
/* The integers of a list as an array (other items read 0); *n: its length. */
int64_t *term_int_array(struct arena *a, const struct term *l, size_t *n);
struct term *term_pidv(struct arena *a, const char *node, uint32_t num,
                       uint32_t serial, uint32_t creation);
/* Convenience: {A, B} and {A, B, C}. */
struct term *term_tuple2(struct arena *a, struct term *x, struct term *y);
struct term *term_tuple3(struct arena *a, struct term *x, struct term *y,
                         struct term *z);

/* ---------------------------------------------------------------------
 * Inspection.  All accessors accept NULL and wrong kinds and then return
 * NULL / false / an error, so reply-walking code needs no pre-checks.
 */
bool term_is_atom(const struct term *t, const char *name);
bool term_is_nil(const struct term *t);
/* True for a tuple of the given arity whose first element is atom tag. */
bool term_is_tagged(const struct term *t, const char *tag, size_t arity);
/* Element i (0-based) of a tuple, NULL if out of range or not a tuple. */
const struct term *term_elem(const struct term *t, size_t i);
/* Value V of the first {Key, V} in a proplist whose Key is atom key. */
const struct term *term_prop(const struct term *list, const char *key);
/* Value of atom key in a map. */
const struct term *term_map_get(const struct term *map, const char *key);
/* Integer value; BP_EDECODE if t is not an integer fitting int64_t. */
int term_get_int(const struct term *t, int64_t *out);
/* Integer value of t, or dflt when t is not an integer fitting int64_t. */
int64_t term_int_or(const struct term *t, int64_t dflt);
/* Integer value of key in a proplist, or dflt. */
int64_t term_prop_int(const struct term *list, const char *key, int64_t dflt);
/* Number as double (integers, bigs and floats). */
int term_get_number(const struct term *t, double *out);
/* Structural equality (pids compare node names by string). */
bool term_equal(const struct term *a, const struct term *b);
/* Number of proper-list elements, or 0 when t is not a list. */
size_t term_list_len(const struct term *t);

/* ---------------------------------------------------------------------
 * Decoding
 */
struct term_limits {
    unsigned max_depth;       /* nesting of lists/tuples/maps */
    size_t max_atom_len;      /* bytes of an atom's UTF-8 name */
    size_t max_big_bytes;     /* magnitude bytes of a bignum */
    size_t max_items;         /* elements of one list/tuple/map */
    size_t max_arena;         /* arena bytes one decode may use (0 = none) */
};

/* Defaults: depth 512, atoms 1020 bytes, bignums 4096 bytes, 16M items,
 * arena 1 GiB.  Collectors lower these where a reply has a known shape.
 * max_depth is capped at 4096 whatever the caller asks, so decoding can
 * never exhaust the stack.  Node names of pids, ports and refs are further
 * limited to what libei's buffers hold (1020 bytes of UTF-8). */
extern const struct term_limits term_default_limits;

/*
 * Decode one term from buf[*index .. len) (no version byte) into *out and
 * advance *index past it.  Returns 0, or BP_EDECODE (malformed, truncated,
 * unknown tag, compressed term) / BP_ETOOBIG (a limit was hit) with a detail
 * in err naming the offset.  *out and *index are set only on success.
 * Latin-1 atoms come out as UTF-8; a list whose tail is another list or a
 * string comes out joined, as binary_to_term makes it; NaN and infinite
 * floats, COMPRESSED, ATOM_CACHE_REF and LOCAL_EXT are refused.  Local
 * funs keep module, index, uniq and arity; their free variables are
 * skipped, never decoded (NEW_FUN_EXT) or decoded under the same limits
 * and dropped (old FUN_EXT).  lim NULL means term_default_limits.  All
 * memory, bounded by lim->max_arena (and by a->limit when the caller set
 * one), comes from a.
 */
int term_decode(struct arena *a, const unsigned char *buf, size_t len,
                size_t *index, const struct term_limits *lim,
                struct term **out, struct bp_err *err);

/* As term_decode but expects the version byte 131 first. */
int term_decode_versioned(struct arena *a, const unsigned char *buf,
                          size_t len, size_t *index,
                          const struct term_limits *lim, struct term **out,
                          struct bp_err *err);

/* ---------------------------------------------------------------------
 * Encoding
 */
struct term_encode_ctx {
    const char *node;  /* used for pids/ports/refs whose node is NULL */
    uint32_t creation; /* creation of that node */
};

/*
 * Append t (without version byte) to x.  Pids with a NULL node take node
 * and creation from ctx (ctx may be NULL only when no such pid occurs).
 * TERM_GEN nodes cannot be encoded: BP_EUSAGE.  Also BP_EUSAGE, before
 * anything is appended, for what a node would refuse or libei mishandle:
 * non-finite floats, atoms that are not UTF-8 or longer than 255
 * characters, refs with other than 1..5 ids, local funs (only
 * fun M:F/A can be rebuilt).  On any failure x->index is left as it was.
 */
int term_encode(struct ei_x_buff_TAG *x, const struct term *t,
                const struct term_encode_ctx *ctx, struct bp_err *err);

/* ---------------------------------------------------------------------
 * Printing
 */
enum term_syntax {
    TERM_SYNTAX_ERLANG,
    TERM_SYNTAX_ELIXIR,
    TERM_SYNTAX_AUTO /* parsing only: detect from the text */
};

struct term_print_opts {
    enum term_syntax syntax;
    const char *local_node; /* pids/ports/refs of this node print as 0.N.S */
    int limit;              /* max elements shown per list/tuple/map; <0: all */
    int printable_limit;    /* max bytes shown of a string; <0: all */
    size_t max_len;         /* cap on total output bytes; 0: none */
    bool charlist_sigil;    /* Elixir >= 1.15: ~c"abc" instead of 'abc' */
};

/* Defaults: Erlang syntax, no local node, limit 50, printable_limit 4096,
 * max_len 0. */
extern const struct term_print_opts term_print_defaults;

/*
 * Append t in the chosen syntax.  Truncated collections end with "..."
 * (`[1,2|...]` in Erlang, `[1, 2, ...]` in Elixir), truncated strings too
 * (`<<"abc"...>>`, `"abc" <> ...`).  With max_len the whole output, "..."
 * included, is at most max_len bytes and never ends inside a UTF-8
 * character; the work done is bounded by max_len, not by the term.
 * Erlang output is io_lib's ~0tp with two choices: char lists are strings
 * only in the Latin-1 range, binaries are strings when printable UTF-8
 * (`<<"é"/utf8>>`).  Elixir output is inspect/2's, except that a map with
 * a __struct__ alias prints as %Struct{...}.  Never fails.
 */
void term_print(struct sbuf *out, const struct term *t,
                const struct term_print_opts *o);

/* An atom alone: 'Elixir.Foo.Bar' / Foo.Bar, foo / :foo, 'a b' / :"a b". */
void term_print_atom(struct sbuf *out, const char *name,
                     enum term_syntax syntax);

/* A module name as written before a function: lists / :lists, Foo.Bar. */
void term_print_module(struct sbuf *out, const char *module,
                       enum term_syntax syntax);

/* mod:fun/arity or Mod.fun/arity (:mod.fun/arity for Erlang modules). */
void term_print_mfa(struct sbuf *out, const char *mod, const char *fun,
                    int arity, enum term_syntax syntax);

/*
 * Append t as a JSON value: integers/floats as numbers (non-finite floats
 * as null), true/false as booleans, nil/undefined as null, other atoms and
 * pids/ports/refs/funs as strings in the print syntax, UTF-8 binaries as
 * strings, proplists of {atom, V} and maps with atom or binary keys as
 * objects, other maps as arrays of [key, value], non-empty lists of printable
 * Latin-1 character codes as strings (as Erlang's printer shows them),
 * tuples and other lists as arrays.
 * Atoms are their names, except that in Elixir syntax an alias loses its
 * "Elixir." ("Foo.Bar").  Values with no JSON form (non-UTF-8 binaries,
 * bitstrings, improper lists) are strings in the print syntax.  o's
 * limits do not apply: the output is never cut, so it is always valid.
 */
void term_json(struct sbuf *out, const struct term *t,
               const struct term_print_opts *o);

/* ---------------------------------------------------------------------
 * Parsing (command-line literals, call targets, load templates)
 */
enum {
    TERM_PARSE_TEMPLATES = 1 /* accept $generators */
};

/*
 * Parse a single term literal from src (surrounding whitespace allowed;
 * at most 1 MiB, nesting at most 256, binaries at most 4 MiB in all).
 * syntax ERLANG: "abc" is a list, 'abc' an atom, #{} a map.
 * syntax ELIXIR: "abc" is a binary, 'abc' a charlist, :abc / Foo.Bar atoms,
 *                %{} maps, %Mod{k: v} structs, [k: v] keywords, nil.
 * syntax AUTO:   Elixir if the text uses an Elixir-only form (%{, %Mod{,
 *                :atom, #PID<, keyword `key:` pairs, nil, true/false
 *                followed by Elixir punctuation), otherwise Erlang.
 * Pids: <0.123.0>, 0.123.0 (alone), #PID<0.123.0>; node NULL.  Also
 * <node@host.1.2> (a named node), #Port<0.5> and #Ref<0.1.2.3> /
 * #Reference<0.1.2.3>, as the printers write them.  Repeated map keys keep
 * the last value.  An Erlang full stop after the term is allowed.
 * Generators (flags & TERM_PARSE_TEMPLATES; `$name` is then never a char
 * literal): $seq, $now_ms, $event, $rand(Lo, Hi) (integers, Lo <= Hi),
 * $str(Arg, ...), $pick(Term:Weight, ...) or $pick(key: Weight, ...)
 * whose args are {Term, Weight} tuples.
 * Returns 0 or BP_EUSAGE with a message naming the column.
 */
int term_parse(struct arena *a, const char *src, enum term_syntax syntax,
               unsigned flags, struct term **out, struct bp_err *err);

/* The syntax term_parse would use for src under TERM_SYNTAX_AUTO. */
enum term_syntax term_detect_syntax(const char *src);

struct term_call {
    const char *module;   /* full atom name, e.g. "Elixir.Foo.Bar" */
    const char *function;
    struct term **args;
    size_t nargs;
    enum term_syntax syntax; /* the syntax the call was written in */
};

/*
 * Parse `mod:fun(Args)` (Erlang), `Mod.Sub.fun(args)` or `:mod.fun(args)`
 * (Elixir; parentheses optional for zero arguments) into *out.  The text
 * is Elixir when it starts with ':' or an upper-case letter, else Erlang;
 * arguments are parsed in that syntax, and Elixir's trailing keyword
 * arguments (f(x, a: 1)) become one keyword-list argument.  Everything in
 * *out lives in a.  Returns 0, or BP_EUSAGE when src is not a call.
 */
int term_parse_call(struct arena *a, const char *src, unsigned flags,
                    struct term_call *out, struct bp_err *err);

/*
 * Parse a pid in any accepted spelling: <0.123.0>, 0.123.0, #PID<0.123.0>,
 * and <node@host.123.0> for a pid of a named node.  Returns 0 or BP_EUSAGE.
 */
int term_parse_pid(const char *src, struct term_pid *out, struct arena *a,
                   struct bp_err *err);

#endif
