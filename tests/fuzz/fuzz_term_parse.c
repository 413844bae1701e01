/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_term_parse.c - libFuzzer target for the term parsers: term_parse in
 * every syntax (with and without load templates), term_parse_call,
 * term_parse_pid and term_detect_syntax, then printing, JSON and encoding
 * of whatever they accept.
 *
 * Input is text as typed on a command line (it ends at the first NUL).
 * Seeds in tests/fuzz/corpus/term_parse/ are literals, calls and templates
 * in both syntaxes.  Beyond "no crash", the target checks that printing a
 * parsed term without limits gives text that parses back, in the same
 * syntax, to a term printing identically, and that term_encode refuses
 * only with BP_EUSAGE or BP_ETOOBIG; it aborts otherwise.
 */
#include "term/term.h"

#include <ei.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *print_full(const struct term *t, enum term_syntax syn)
{
    struct term_print_opts o = term_print_defaults;
    struct sbuf sb = SBUF_INIT;

    o.syntax = syn;
    o.limit = -1;
    o.printable_limit = -1;
    term_print(&sb, t, &o);
    return sbuf_detach(&sb, NULL);
}

static void check_term(struct arena *a, const struct term *t, enum term_syntax syn,
                       unsigned flags)
{
    static const struct term_encode_ctx ctx = { "fuzz@host", 1 };
    struct term_print_opts o = term_print_defaults;
    struct sbuf sb = SBUF_INIT;
    struct term *back;
    struct bp_err err;
    char *first, *second;
    ei_x_buff x;
    int rc;

    /* Printing with limits, in both syntaxes, and JSON. */
    o.max_len = 64;
    o.limit = 3;
    o.printable_limit = 5;
    term_print(&sb, t, &o);
    o.syntax = TERM_SYNTAX_ELIXIR;
    term_print(&sb, t, &o);
    term_json(&sb, t, &o);
    sbuf_release(&sb);

    /* print -> parse -> print is stable. */
    first = print_full(t, syn);
    if (term_parse(a, first, syn, flags, &back, &err) != 0)
        abort();
    second = print_full(back, syn);
    if (strcmp(first, second) != 0)
        abort();
    free(first);
    free(second);

    ei_x_new(&x);
    rc = term_encode(&x, t, &ctx, &err);
    if (rc != 0 && rc != BP_EUSAGE && rc != BP_ETOOBIG)
        abort();
    ei_x_free(&x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum term_syntax syns[] = { TERM_SYNTAX_ERLANG, TERM_SYNTAX_ELIXIR,
                                             TERM_SYNTAX_AUTO };
    char *src = malloc(size + 1);
    struct arena a = ARENA_INIT;
    struct term_call call;
    struct term_pid pid;
    struct bp_err err;
    struct term *t;
    size_t i, f;

    memcpy(src, data, size);
    src[size] = '\0';
    for (i = 0; i < 3; i++) {
        for (f = 0; f < 2; f++) {
            unsigned flags = f ? TERM_PARSE_TEMPLATES : 0;
            enum term_syntax syn = syns[i];
            int rc = term_parse(&a, src, syn, flags, &t, &err);
            if (rc == 0) {
                if (syn == TERM_SYNTAX_AUTO)
                    syn = term_detect_syntax(src);
                check_term(&a, t, syn, flags);
            } else if (rc != BP_EUSAGE) {
                abort();
            }
            arena_clear(&a);
        }
    }
    for (f = 0; f < 2; f++) {
        int rc = term_parse_call(&a, src, f ? TERM_PARSE_TEMPLATES : 0, &call, &err);
        if (rc == 0) {
            if (!call.module || !call.function || (call.nargs && !call.args))
                abort();
            for (i = 0; i < call.nargs; i++)
                check_term(&a, call.args[i], call.syntax, f ? TERM_PARSE_TEMPLATES : 0);
        } else if (rc != BP_EUSAGE) {
            abort();
        }
        arena_clear(&a);
    }
    if (term_parse_pid(src, &pid, &a, &err) != 0 && err.code != BP_EUSAGE)
        abort();
    arena_release(&a);
    free(src);
    return 0;
}
