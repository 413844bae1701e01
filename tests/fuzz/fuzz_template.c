/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_template.c - libFuzzer target for what `load` and `report` read:
 * load templates (parse, compile, emit), --call argument lists with
 * $event, and recorded runs (the JSON lines reader, the summary and the
 * HTML renderer).
 *
 * Input: text.  Up to the first newline it is a template; the next line,
 * if any, a call; the whole input is also read as a record.  Beyond "no
 * crash", every event emitted from a template that compiled must decode
 * (term_decode) to exactly one term using all of its bytes, and the
 * parsers may only refuse with BP_EUSAGE (BP_ETOOBIG for encoding); the
 * target aborts otherwise.  Seeds: tests/fuzz/corpus/template/.
 */
#include "load/template.h"
#include "render/report_data.h"
#include "render/report_html.h"
#include "term/term.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct term_encode_ctx ectx = { "fuzz@host", 1 };

/* Emit a few events and check each decodes completely. */
static void emit_all(struct arena *a, const struct tpl *t)
{
    static const uint64_t seqs[] = { 1, 255, 256, 65536, 4294967296ULL, 1ULL << 62 };
    static const int64_t nows[] = { 0, -1, 1764121234567LL, INT64_MIN + 1, INT64_MAX };
    struct tpl_buf b = TPL_BUF_INIT;
    struct tpl_rng rng;
    struct tpl_ctx cx;
    size_t i;

    tpl_rng_seed(&rng, 42);
    cx.rng = &rng;
    for (i = 0; i < 12; i++) {
        struct term *out = NULL;
        struct bp_err err;
        size_t idx = 0;
        cx.seq = seqs[i % 6];
        cx.now_ms = nows[i % 5];
        b.len = 0;
        tpl_emit(t, &cx, &b);
        if (term_decode(a, b.p, b.len, &idx, NULL, &out, &err) != 0 || idx != b.len)
            abort();
    }
    tpl_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = malloc(size + 1), *nl;
    struct arena a = ARENA_INIT;
    struct tpl *ev = NULL, *args = NULL;
    struct term_call call;
    struct bp_err err;
    struct report_run run;
    int rc;

    memcpy(src, data, size);
    src[size] = '\0';

    /* The whole input as a record. */
    if (report_run_parse(&run, "fuzz", src, size, &err) == 0) {
        struct report_summary s;
        struct report_run *runs[2] = { &run, &run };
        struct sbuf html = SBUF_INIT;
        report_summarize(&run, &s);
        report_html(&html, runs, 2, "fuzz");
        sbuf_release(&html);
    } else if (err.code != BP_EUSAGE) {
        abort();
    }
    report_run_release(&run);

    nl = strchr(src, '\n');
    if (nl)
        *nl = '\0';
    rc = tpl_parse(&a, src, TERM_SYNTAX_AUTO, NULL, &ectx, &ev, &err);
    if (rc == 0)
        emit_all(&a, ev);
    else if (rc != BP_EUSAGE && rc != BP_ETOOBIG)
        abort();
    if (rc == 0 && nl &&
        term_parse_call(&a, nl + 1, TERM_PARSE_TEMPLATES, &call, &err) == 0) {
        struct term *l = term_list(&a, call.nargs);
        size_t i;
        for (i = 0; i < call.nargs; i++)
            l->u.list.items[i] = call.args[i];
        rc = tpl_compile(&a, l, ev, call.syntax, &ectx, &args, &err);
        if (rc == 0)
            emit_all(&a, args);
        else if (rc != BP_EUSAGE && rc != BP_ETOOBIG)
            abort();
    }
    arena_release(&a);
    free(src);
    return 0;
}
