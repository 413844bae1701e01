/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_parse_call.c - calls (mod:fun(Args), Mod.fun(args)), pids, template
 * generators and syntax detection, on top of term_parse.c's grammar.
 *
 * These are the forms a user types to name a target or a payload:
 * `LassoWeb.Dashboard.ClusterEventAggregator.ensure_started("default")`,
 * `<0.123.0>`, `$pick(success:95, error:5)`.  Each function here reads
 * only the caller's string, allocates from the caller's arena, and answers
 * BP_EUSAGE with a one-line message naming the column when the text is not
 * what it should be.  Detection is a single scan that never fails.
 */
#include "term/term_parse_int.h"
#include "term/term_text.h"

#include <string.h>

/* ---------------------------------------------------------------------
 * Generators
 */

struct gen_kind {
    const char *name;
    size_t min_args, max_args;
};

static const struct gen_kind gen_kinds[] = {
    { "seq", 0, 0 },
    { "now_ms", 0, 0 },
    { "event", 0, 0 },
    { "rand", 2, 2 },
    { "str", 1, 64 },
    { "pick", 1, 1024 },
};

/* One weighted choice of $pick: `Term:Weight` or `key: Weight`. */
static int parse_pick_arg(struct parser *ps, struct term **out)
{
    struct term *choice, *weight;
    size_t wpos;
    int rc;

    if (ps->cur.kind == TOK_KEY) {
        choice = term_atomn(ps->a, ps->cur.text, ps->cur.tlen);
        if ((rc = term_ps_advance(ps)) < 0)
            return rc;
    } else if ((rc = term_ps_parse(ps, &choice)) < 0 ||
               (rc = term_ps_expect(ps, ":")) < 0) {
        return rc;
    }
    wpos = ps->cur.pos;
    if ((rc = term_ps_parse(ps, &weight)) < 0)
        return rc;
    if (weight->kind != TERM_INT || weight->u.i < 0)
        return bp_error(ps->lx.err, BP_EUSAGE,
                        "$pick weight at column %zu must be a non-negative integer",
                        term_lex_column(&ps->lx, wpos));
    *out = term_tuple2(ps->a, choice, weight);
    return 0;
}

int term_ps_generator(struct parser *ps, struct term **out)
{
    const struct gen_kind *g = NULL;
    struct term_vec args = { NULL, 0, 0 };
    struct term *t;
    size_t pos = ps->cur.pos, i;
    int rc;

    for (i = 0; i < sizeof(gen_kinds) / sizeof(gen_kinds[0]); i++)
        if (strcmp(ps->cur.text, gen_kinds[i].name) == 0)
            g = &gen_kinds[i];
    if (!g)
        return bp_error(ps->lx.err, BP_EUSAGE,
                        "unknown generator $%s at column %zu (known: $seq, $now_ms, $event, "
                        "$rand(Lo, Hi), $str(...), $pick(Term:Weight, ...))",
                        ps->cur.text, term_lex_column(&ps->lx, pos));
    if ((rc = term_ps_advance(ps)) < 0)
        return rc;
    if (term_tok_is(&ps->cur, "(")) {
        if ((rc = term_ps_advance(ps)) < 0)
            return rc;
        while (!term_tok_is(&ps->cur, ")")) {
            struct term *a;
            if (args.n == g->max_args)
                return bp_error(ps->lx.err, BP_EUSAGE,
                                "too many arguments for $%s at column %zu", g->name,
                                term_lex_column(&ps->lx, ps->cur.pos));
            if (strcmp(g->name, "pick") == 0)
                rc = parse_pick_arg(ps, &a);
            else
                rc = term_ps_parse(ps, &a);
            if (rc < 0)
                return rc;
            term_ps_push(ps, &args, a);
            if (term_tok_is(&ps->cur, ","))
                rc = term_ps_advance(ps);
            else if (!term_tok_is(&ps->cur, ")"))
                rc = term_lex_unexpected(&ps->lx, &ps->cur);
            if (rc < 0)
                return rc;
        }
        if ((rc = term_ps_advance(ps)) < 0)
            return rc;
    }
    if (args.n < g->min_args)
        return bp_error(ps->lx.err, BP_EUSAGE, "$%s at column %zu needs %zu argument%s",
                        g->name, term_lex_column(&ps->lx, pos), g->min_args,
                        g->min_args == 1 ? "" : "s");
    if (strcmp(g->name, "rand") == 0 &&
        (args.v[0]->kind != TERM_INT || args.v[1]->kind != TERM_INT ||
         args.v[0]->u.i > args.v[1]->u.i))
        return bp_error(ps->lx.err, BP_EUSAGE,
                        "$rand(Lo, Hi) at column %zu needs integers with Lo <= Hi",
                        term_lex_column(&ps->lx, pos));
    t = arena_zalloc(ps->a, sizeof(*t));
    t->kind = TERM_GEN;
    t->u.gen.name = g->name;
    t->u.gen.args = args.v;
    t->u.gen.n = args.n;
    *out = t;
    return 0;
}

/* ---------------------------------------------------------------------
 * Calls
 */

static int not_a_call(struct parser *ps)
{
    return bp_error(ps->lx.err, BP_EUSAGE,
                    "expected a call like mod:fun(Args) or Mod.fun(args) at column %zu",
                    term_lex_column(&ps->lx, ps->cur.pos));
}

int term_parse_call(struct arena *a, const char *src, unsigned flags, struct term_call *out,
                    struct bp_err *err)
{
    struct parser ps;
    enum term_syntax syn = TERM_SYNTAX_ERLANG;
    const char *module, *function;
    struct term **args = NULL;
    size_t nargs = 0, i = 0;
    int rc;

    if (src) {
        while (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r')
            i++;
        if (src[i] == ':' || (src[i] >= 'A' && src[i] <= 'Z'))
            syn = TERM_SYNTAX_ELIXIR;
    }
    if ((rc = term_ps_init(&ps, a, src, syn, flags, err)) < 0)
        return rc;
    if (syn == TERM_SYNTAX_ERLANG) {
        if (ps.cur.kind != TOK_ATOM && ps.cur.kind != TOK_IDENT)
            return not_a_call(&ps);
        module = ps.cur.text;
        if ((rc = term_ps_advance(&ps)) < 0)
            return rc;
        if (!term_tok_is(&ps.cur, ":"))
            return not_a_call(&ps);
        if ((rc = term_ps_advance(&ps)) < 0)
            return rc;
        if (ps.cur.kind != TOK_ATOM && ps.cur.kind != TOK_IDENT)
            return not_a_call(&ps);
    } else {
        if (ps.cur.kind == TOK_ATOM) {
            module = ps.cur.text;
            if ((rc = term_ps_advance(&ps)) < 0)
                return rc;
            if (!term_tok_is(&ps.cur, "."))
                return not_a_call(&ps);
            if ((rc = term_ps_advance(&ps)) < 0)
                return rc;
        } else if (ps.cur.kind == TOK_ALIAS) {
            struct term *m;
            bool dot;
            if ((rc = term_ps_alias(&ps, &m, &dot)) < 0)
                return rc;
            if (!dot)
                return not_a_call(&ps);
            module = m->u.atom.name;
        } else {
            return not_a_call(&ps);
        }
        if (ps.cur.kind != TOK_IDENT)
            return not_a_call(&ps);
    }
    function = ps.cur.text;
    if ((rc = term_ps_advance(&ps)) < 0)
        return rc;
    if (term_tok_is(&ps.cur, "(")) {
        if ((rc = term_ps_advance(&ps)) < 0 ||
            (rc = term_ps_items(&ps, ")", true, &args, &nargs, NULL)) < 0)
            return rc;
    }
    if ((rc = term_ps_end(&ps)) < 0)
        return rc;
    out->module = module;
    out->function = function;
    out->args = args;
    out->nargs = nargs;
    out->syntax = syn;
    return 0;
}

/* ---------------------------------------------------------------------
 * Pids
 */

static bool blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool term_ps_bare_pid(const char *src, struct term_pid *out)
{
    uint64_t v[3] = { 0, 0, 0 };
    size_t k = 0, digits = 0;
    const char *p = src;

    while (blank(*p))
        p++;
    for (; *p && !blank(*p); p++) {
        if (*p == '.' && digits && k < 2) {
            k++;
            digits = 0;
        } else if (*p >= '0' && *p <= '9' && digits < 10) {
            v[k] = v[k] * 10 + (uint64_t)(*p - '0');
            digits++;
        } else {
            return false;
        }
    }
    while (blank(*p))
        p++;
    if (*p || k != 2 || !digits || v[0] != 0 || v[1] > UINT32_MAX || v[2] > UINT32_MAX)
        return false;
    out->node = NULL;
    out->num = (uint32_t)v[1];
    out->serial = (uint32_t)v[2];
    out->creation = 0;
    return true;
}

int term_parse_pid(const char *src, struct term_pid *out, struct arena *a, struct bp_err *err)
{
    struct lexer lx;
    const char *node;
    uint64_t nums[2];
    size_t n, i = 0, len;
    int rc;

    if (!src)
        return bp_error(err, BP_EUSAGE, "no pid given");
    if (term_ps_bare_pid(src, out))
        return 0;
    len = strnlen(src, 4096);
    while (i < len && blank(src[i]))
        i++;
    term_lex_init(&lx, a, src, len, TERM_SYNTAX_ERLANG, 0, err);
    if (len - i >= 5 && memcmp(src + i, "#PID<", 5) == 0)
        lx.pos = i + 5;
    else if (i < len && src[i] == '<')
        lx.pos = i + 1;
    else
        return bp_error(err, BP_EUSAGE,
                        "not a pid: '%.40s' (expected <0.123.0>, 0.123.0, #PID<0.123.0> or "
                        "<node@host.123.0>)",
                        src + i);
    if ((rc = term_lex_angle(&lx, &node, nums, 2, 2, &n)) < 0)
        return rc;
    for (i = lx.pos; i < len; i++)
        if (!blank(src[i]))
            return bp_error(err, BP_EUSAGE, "unexpected text after the pid at column %zu",
                            term_lex_column(&lx, i));
    if (nums[0] > UINT32_MAX || nums[1] > UINT32_MAX)
        return bp_error(err, BP_EUSAGE, "pid number too large");
    out->node = node;
    out->num = (uint32_t)nums[0];
    out->serial = (uint32_t)nums[1];
    out->creation = 0;
    return 0;
}

/* ---------------------------------------------------------------------
 * Syntax detection
 */

static bool word_char(int c)
{
    return term_is_ident_char(c) || c == '@' || c == '.';
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum term_syntax term_detect_syntax(const char *src)
{
    const char *s = src;
    int prev = ' ';

    if (!src)
        return TERM_SYNTAX_ERLANG;
    for (; *s; prev = (unsigned char)*s, s++) {
        int c = (unsigned char)*s, nx = (unsigned char)s[1];
        if (c == '"' || c == '\'') {
            /* Skip the quoted text; a keyword key may follow it. */
            for (s++; *s && *s != c; s++)
                if (*s == '\\' && s[1])
                    s++;
            if (!*s)
                break;
            if (s[1] == ':' && (s[2] == ' ' || s[2] == '\t'))
                return TERM_SYNTAX_ELIXIR;
            continue;
        }
        if (c == '$' && nx) {
            /* An Erlang char literal ($", $\n) or a generator name. */
            s += nx == '\\' && s[2] ? 2 : 1;
            continue;
        }
        if (c == '%' || (c == '~' && nx == 'c'))
            return TERM_SYNTAX_ELIXIR;
        if (c == '#' && (starts(s + 1, "PID<") || starts(s + 1, "Reference<") ||
                         starts(s + 1, "Function<")))
            return TERM_SYNTAX_ELIXIR;
        if (c == ':') {
            if (nx == ':')
                return TERM_SYNTAX_ELIXIR; /* binary segment ::size */
            bool after_name = word_char(prev) || strchr(">)'\"", prev) != NULL;
            bool atom_start = nx == '_' || nx == '"' || nx == '\'' ||
                              ((nx | 0x20) >= 'a' && (nx | 0x20) <= 'z');
            if (!after_name && atom_start)
                return TERM_SYNTAX_ELIXIR; /* :atom, not mod:fun */
            if (word_char(prev) && (nx == ' ' || nx == '\t'))
                return TERM_SYNTAX_ELIXIR; /* key: value */
            continue;
        }
        if (word_char(prev) || prev == '#' || prev == '$')
            continue;
        if (c >= 'A' && c <= 'Z')
            return TERM_SYNTAX_ELIXIR; /* an alias; Erlang would need quotes */
        if (c == '?' && nx && !blank(nx))
            return TERM_SYNTAX_ELIXIR;
        if (c == '0' && (nx == 'x' || nx == 'b' || nx == 'o'))
            return TERM_SYNTAX_ELIXIR;
        if (starts(s, "nil") && !word_char((unsigned char)s[3]))
            return TERM_SYNTAX_ELIXIR;
    }
    return TERM_SYNTAX_ERLANG;
}
