/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_trace_match.c - libFuzzer target for the --match pattern parser and
 * the --rate parser (analyze/trace_spec.c).
 *
 * Input is text as typed on a command line (it ends at the first NUL).
 * Seeds in tests/fuzz/corpus/trace_match/ are patterns in both syntaxes,
 * refused ones and rates.  Beyond "no crash", the target checks that a
 * pattern either parses or is refused with BP_EUSAGE, that an accepted one
 * holds no placeholder atom and none a match specification would misread
 * except the wildcard '_', and that its match specification encodes.
 */
#include "analyze/trace_spec.h"

#include <ei.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_atoms(const struct term *t, unsigned depth)
{
    size_t i;

    if (depth > 400)
        abort();
    switch (t->kind) {
    case TERM_ATOM:
        if (strcmp(t->u.atom.name, "$bp_wild") == 0)
            abort();
        if (t->u.atom.name[0] == '$' && t->u.atom.name[1] &&
            strspn(t->u.atom.name + 1, "0123456789") == strlen(t->u.atom.name + 1))
            abort(); /* '$N' would be a match-spec variable */
        break;
    case TERM_TUPLE:
        for (i = 0; i < t->u.tuple.n; i++)
            check_atoms(t->u.tuple.items[i], depth + 1);
        break;
    case TERM_LIST:
        for (i = 0; i < t->u.list.n; i++)
            check_atoms(t->u.list.items[i], depth + 1);
        if (t->u.list.tail)
            check_atoms(t->u.list.tail, depth + 1);
        break;
    case TERM_MAP:
        for (i = 0; i < t->u.map.n; i++) {
            if (t->u.map.keys[i]->kind == TERM_ATOM &&
                strcmp(t->u.map.keys[i]->u.atom.name, "_") == 0)
                abort();
            check_atoms(t->u.map.keys[i], depth + 1);
            check_atoms(t->u.map.vals[i], depth + 1);
        }
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum term_syntax syns[] = { TERM_SYNTAX_ERLANG, TERM_SYNTAX_ELIXIR,
                                             TERM_SYNTAX_AUTO };
    static const struct term_encode_ctx ctx = { "fuzz@host", 1 };
    char *src = malloc(size + 1);
    struct arena a = ARENA_INIT;
    struct bp_err err;
    struct term *t;
    int64_t n, per;
    size_t i;
    int rc;

    memcpy(src, data, size);
    src[size] = '\0';
    for (i = 0; i < 3; i++) {
        rc = trace_pattern_parse(&a, src, syns[i], &t, &err);
        if (rc == 0) {
            struct term *ms = trace_match_spec(&a, t);
            ei_x_buff x;
            check_atoms(t, 0);
            if (ms->kind != TERM_LIST || ms->u.list.n != 3)
                abort();
            ei_x_new(&x);
            rc = term_encode(&x, ms, &ctx, &err);
            if (rc != 0 && rc != BP_EUSAGE)
                abort();
            ei_x_free(&x);
        } else if (rc != BP_EUSAGE) {
            abort();
        }
        arena_clear(&a);
    }
    rc = trace_rate_parse(src, &n, &per, &err);
    if (rc == 0 && (n < 1 || n > 1000000000 || per < 1 || per > 3600000))
        abort();
    if (rc != 0 && rc != BP_EUSAGE)
        abort();
    arena_release(&a);
    free(src);
    return 0;
}
