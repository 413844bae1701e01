/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_term_decode.c - libFuzzer target for term_decode, and for printing,
 * JSON and re-encoding whatever it accepts.
 *
 * Input is external term format as a node sends it.  A leading 131 (the
 * version byte) selects term_decode_versioned, anything else term_decode,
 * so both forms are exercised; the seeds in tests/fuzz/corpus/term_decode/
 * are term_to_binary output with the version byte kept (most) or stripped
 * (the *.noversion files).  Beyond "no crash, no out-of-bounds access",
 * the target checks three properties and aborts when they fail:
 *   - what decodes under tight limits decodes the same under the default
 *     ones (limits only ever refuse, with BP_ETOOBIG);
 *   - printing with max_len never produces more than max_len bytes;
 *   - a decoded term that term_encode accepts decodes back to an equal
 *     term (term_encode may refuse only with BP_EUSAGE or BP_ETOOBIG).
 * Build: clang -fsanitize=fuzzer,address,undefined (see the Makefile);
 * tests/fuzz/replay_main.c replays the corpus without libFuzzer.
 */
#include "term/term.h"

#include <ei.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode with small limits; returns the term or NULL. */
static struct term *decode_tight(struct arena *a, const uint8_t *data, size_t size)
{
    struct term_limits lim = { 6, 16, 8, 40, 1u << 16 };
    struct term *t = NULL;
    size_t idx = 0;
    int rc;

    if (size > 0 && data[0] == 131)
        rc = term_decode_versioned(a, data, size, &idx, &lim, &t, NULL);
    else
        rc = term_decode(a, data, size, &idx, &lim, &t, NULL);
    if (rc != 0 && rc != BP_EDECODE && rc != BP_ETOOBIG)
        abort();
    return rc == 0 ? t : NULL;
}

static void print_checked(const struct term *t, enum term_syntax syn, size_t max_len,
                          int limit)
{
    struct term_print_opts o = term_print_defaults;
    struct sbuf sb = SBUF_INIT;

    o.syntax = syn;
    o.max_len = max_len;
    o.limit = limit;
    o.printable_limit = limit < 0 ? -1 : 64;
    o.local_node = "nonode@nohost";
    term_print(&sb, t, &o);
    if (max_len && sb.len > max_len)
        abort();
    sbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct term_encode_ctx ctx = { "fuzz@host", 1 };
    struct term_limits lim = term_default_limits;
    struct arena a = ARENA_INIT;
    struct sbuf sb = SBUF_INIT;
    struct term *t, *back, *tight;
    struct bp_err err;
    ei_x_buff x;
    size_t idx = 0;
    int rc;

    tight = decode_tight(&a, data, size);
    lim.max_arena = (size_t)64 << 20;
    if (size > 0 && data[0] == 131)
        rc = term_decode_versioned(&a, data, size, &idx, &lim, &t, &err);
    else
        rc = term_decode(&a, data, size, &idx, &lim, &t, &err);
    if (rc != 0) {
        if ((rc != BP_EDECODE && rc != BP_ETOOBIG) || tight)
            abort();
        arena_release(&a);
        return 0;
    }
    if (idx > size || (tight && !term_equal(t, tight)))
        abort();
    print_checked(t, TERM_SYNTAX_ERLANG, 0, 50);
    print_checked(t, TERM_SYNTAX_ELIXIR, 0, 50);
    print_checked(t, TERM_SYNTAX_ERLANG, 200, -1);
    print_checked(t, TERM_SYNTAX_ELIXIR, 37, -1);
    term_json(&sb, t, &term_print_defaults);
    sbuf_release(&sb);

    ei_x_new_with_version(&x);
    rc = term_encode(&x, t, &ctx, &err);
    if (rc == 0) {
        idx = 0;
        if (term_decode_versioned(&a, (const unsigned char *)x.buff, (size_t)x.index, &idx,
                                  &lim, &back, &err) != 0 ||
            idx != (size_t)x.index || !term_equal(t, back))
            abort();
    } else if (rc != BP_EUSAGE && rc != BP_ETOOBIG) {
        abort();
    }
    ei_x_free(&x);
    arena_release(&a);
    return 0;
}
