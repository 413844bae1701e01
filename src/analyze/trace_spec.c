/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trace_spec.c - --match patterns and --rate limits; see trace_spec.h.
 *
 * A pattern is turned into a term in two steps.  A small scanner copies
 * the text, skipping strings, quoted atoms, char literals and <...> pid
 * literals, and replaces each variable by a placeholder atom that no one
 * writes ('$bp_wild', :"$bp_wild" in Elixir); term_parse then reads the
 * result as an ordinary literal, and a walk over the term turns the
 * placeholder into '_' and refuses what a match specification would
 * misread.  The scanner only ever copies or substitutes whole tokens, so
 * anything malformed is left for term_parse to report.
 */
#include "analyze/trace_spec.h"
#include "util/clock.h"
#include "util/sbuf.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WILD "$bp_wild"

static bool word_char(int c)
{
    return isalnum(c) || c == '_' || c == '@' || c >= 0x80;
}

/* Copy a quoted run src[*i] .. closing quote q (escapes honoured). */
static void copy_quoted(struct sbuf *out, const char *src, size_t len, size_t *i, char q)
{
    size_t j = *i + 1;

    while (j < len && src[j] != q) {
        if (src[j] == '\\' && j + 1 < len)
            j++;
        j++;
    }
    if (j < len)
        j++;
    sbuf_add(out, src + *i, j - *i);
    *i = j;
}

static size_t word_end(const char *src, size_t len, size_t i)
{
    while (i < len && word_char((unsigned char)src[i]))
        i++;
    return i;
}

/* The pattern text with every variable replaced by the placeholder. */
static int rewrite(const char *src, size_t len, enum term_syntax syn, struct sbuf *out,
                   struct bp_err *err)
{
    bool ex = syn == TERM_SYNTAX_ELIXIR;
    size_t i = 0;

    while (i < len) {
        unsigned char c = (unsigned char)src[i];

        if (c == '"' || (c == '\'')) {
            copy_quoted(out, src, len, &i, (char)c);
        } else if (!ex && c == '$' && i + 1 < len) {
            /* Erlang char literal: $a, $\n, $\x{41}. */
            size_t j = i + 2;
            if (src[i + 1] == '\\' && j < len) {
                j++;
                if (src[j - 1] == 'x' && j < len && src[j] == '{')
                    while (j < len && src[j - 1] != '}')
                        j++;
            }
            sbuf_add(out, src + i, j - i);
            i = j;
        } else if (ex && c == '?' && i + 1 < len) {
            /* Elixir char literal: ?a, ?\n. */
            size_t j = i + 2;
            if (src[i + 1] == '\\' && j < len)
                j++;
            sbuf_add(out, src + i, j - i);
            i = j;
        } else if (ex && c == '~' && i + 2 < len && isalpha((unsigned char)src[i + 1]) &&
                   (src[i + 2] == '"' || src[i + 2] == '\'')) {
            /* Sigil: ~c"...". */
            size_t j = i + 2;
            sbuf_add(out, src + i, 2);
            copy_quoted(out, src, len, &j, src[i + 2]);
            i = j;
        } else if (ex && c == ':' && i + 1 < len && src[i + 1] == ':') {
            sbuf_add(out, "::", 2);
            i += 2;
        } else if (ex && c == ':' && i + 1 < len &&
                   (src[i + 1] == '"' || src[i + 1] == '\'')) {
            size_t j = i + 1;
            sbuf_addch(out, ':');
            copy_quoted(out, src, len, &j, src[i + 1]);
            i = j;
        } else if (ex && c == ':' && i + 1 < len && word_char((unsigned char)src[i + 1])) {
            /* :atom, including :_ and :foo? (refused or kept later). */
            size_t j = word_end(src, len, i + 1);
            if (j < len && (src[j] == '?' || src[j] == '!'))
                j++;
            sbuf_add(out, src + i, j - i);
            i = j;
        } else if (c == '<' && i + 1 < len && src[i + 1] != '<' &&
                   (i == 0 || src[i - 1] != '<') && (isalnum((unsigned char)src[i + 1]))) {
            /* A pid, port or ref literal <0.1.0>, <node@Host.1.2>. */
            size_t j = i + 1;
            while (j < len && src[j] != '>' && src[j] != ',' && src[j] != '}')
                j++;
            if (j < len && src[j] == '>')
                j++;
            sbuf_add(out, src + i, j - i);
            i = j;
        } else if (isdigit(c)) {
            /* Numbers: 1_000, 16#ff, 1.5e3 (the '.' is copied next round). */
            size_t j = i;
            while (j < len && (isalnum((unsigned char)src[j]) || src[j] == '_' || src[j] == '#'))
                j++;
            sbuf_add(out, src + i, j - i);
            i = j;
        } else if (c == '_' || isalpha(c) || c >= 0x80) {
            size_t j = word_end(src, len, i);
            size_t n = j - i;
            bool var;
            if (ex && j < len && (src[j] == '?' || src[j] == '!'))
                j++, n++;
            if (!ex) {
                var = c == '_' || isupper(c);
            } else {
                bool key = j < len && src[j] == ':' && (j + 1 >= len || src[j + 1] != ':');
                bool lit = (n == 3 && memcmp(src + i, "nil", 3) == 0) ||
                           (n == 4 && memcmp(src + i, "true", 4) == 0) ||
                           (n == 5 && memcmp(src + i, "false", 5) == 0);
                bool after_dot = i > 0 && src[i - 1] == '.';
                bool after_hash = i > 0 && src[i - 1] == '#';
                var = (c == '_' || islower(c)) && !key && !lit && !after_dot && !after_hash;
            }
            if (var)
                sbuf_addstr(out, ex ? ":\"" WILD "\"" : "'" WILD "'");
            else
                sbuf_add(out, src + i, j - i);
            i = j;
        } else {
            sbuf_addch(out, (char)c);
            i++;
        }
        if (out->len > 4 * TRACE_PATTERN_MAX)
            return bp_error(err, BP_EUSAGE, "--match: pattern too long");
    }
    return 0;
}

static bool ms_special_atom(const char *name)
{
    size_t i;

    if (strcmp(name, "_") == 0 || strcmp(name, "$_") == 0 || strcmp(name, "$$") == 0)
        return true;
    if (name[0] != '$' || !name[1])
        return false;
    for (i = 1; name[i]; i++)
        if (!isdigit((unsigned char)name[i]))
            return false;
    return true;
}

static bool is_wild(const struct term *t)
{
    return t->kind == TERM_ATOM && strcmp(t->u.atom.name, WILD) == 0;
}

/* Turn placeholders into '_' in place; refuse what a match spec misreads. */
static int fix(struct arena *a, struct term **tp, struct term *wild, unsigned depth,
               struct bp_err *err)
{
    struct term *t = *tp;
    size_t i;
    int rc;

    if (depth > 300)
        return bp_error(err, BP_EUSAGE, "--match: pattern nested too deeply");
    switch (t->kind) {
    case TERM_ATOM:
        if (is_wild(t)) {
            *tp = wild;
            return 0;
        }
        if (ms_special_atom(t->u.atom.name))
            return bp_error(err, BP_EUSAGE,
                            "--match: the atom '%s' cannot be matched literally (a match "
                            "specification reads it as a variable)", t->u.atom.name);
        return 0;
    case TERM_TUPLE:
        for (i = 0; i < t->u.tuple.n; i++)
            if ((rc = fix(a, &t->u.tuple.items[i], wild, depth + 1, err)) < 0)
                return rc;
        return 0;
    case TERM_LIST:
        for (i = 0; i < t->u.list.n; i++)
            if ((rc = fix(a, &t->u.list.items[i], wild, depth + 1, err)) < 0)
                return rc;
        if (t->u.list.tail)
            return fix(a, &t->u.list.tail, wild, depth + 1, err);
        return 0;
    case TERM_MAP:
        for (i = 0; i < t->u.map.n; i++) {
            if (is_wild(t->u.map.keys[i]))
                return bp_error(err, BP_EUSAGE, "--match: map keys must be literals");
            if ((rc = fix(a, &t->u.map.keys[i], wild, depth + 1, err)) < 0 ||
                (rc = fix(a, &t->u.map.vals[i], wild, depth + 1, err)) < 0)
                return rc;
        }
        return 0;
    default:
        return 0;
    }
}

int trace_pattern_parse(struct arena *a, const char *src, enum term_syntax syn,
                        struct term **out, struct bp_err *err)
{
    struct sbuf sb = SBUF_INIT;
    struct term *t = NULL;
    size_t len;
    int rc;

    if (!src)
        return bp_error(err, BP_EUSAGE, "--match: empty pattern");
    len = strlen(src);
    if (len == 0)
        return bp_error(err, BP_EUSAGE, "--match: empty pattern");
    if (len > TRACE_PATTERN_MAX)
        return bp_error(err, BP_EUSAGE, "--match: pattern longer than %d bytes",
                        TRACE_PATTERN_MAX);
    if (strstr(src, WILD))
        return bp_error(err, BP_EUSAGE, "--match: '%s' is reserved", WILD);
    if (syn != TERM_SYNTAX_ERLANG && syn != TERM_SYNTAX_ELIXIR)
        syn = term_detect_syntax(src);
    rc = rewrite(src, len, syn, &sb, err);
    if (rc == 0)
        rc = term_parse(a, sbuf_str(&sb), syn, 0, &t, err);
    if (rc == 0)
        rc = fix(a, &t, term_atom(a, "_"), 0, err);
    else if (err && strncmp(err->msg, "--match", 7) != 0)
        bp_err_prefix(err, "--match: ");
    sbuf_release(&sb);
    if (rc)
        return rc;
    *out = t;
    return 0;
}

/* {{trace_ts, '_', Dir, Pattern, '_' ...}, [], ['$_']}: arity 5 or 6. */
static struct term *clause(struct arena *a, struct term *pattern, const char *dir, size_t n)
{
    struct term *head = term_tuple(a, n), *cl = term_tuple(a, 3), *body = term_list(a, 1);
    size_t i;

    for (i = 0; i < n; i++)
        head->u.tuple.items[i] = term_atom(a, "_");
    head->u.tuple.items[0] = term_atom(a, "trace_ts");
    head->u.tuple.items[2] = term_atom(a, dir);
    head->u.tuple.items[3] = pattern;
    body->u.list.items[0] = term_atom(a, "$_");
    cl->u.tuple.items[0] = head;
    cl->u.tuple.items[1] = term_nil(a);
    cl->u.tuple.items[2] = body;
    return cl;
}

struct term *trace_match_spec(struct arena *a, struct term *pattern)
{
    struct term *ms = term_list(a, 3);

    ms->u.list.items[0] = clause(a, pattern, "receive", 5);
    ms->u.list.items[1] = clause(a, pattern, "send", 6);
    ms->u.list.items[2] = clause(a, pattern, "send_to_non_existing_process", 6);
    return ms;
}

int trace_rate_parse(const char *s, int64_t *n, int64_t *per_ms, struct bp_err *err)
{
    const char *slash;
    char *end, unit[32];
    long long v;
    int64_t ms = 1000;

    if (!s || !*s)
        return bp_error(err, BP_EUSAGE, "--rate: empty");
    errno = 0;
    v = strtoll(s, &end, 10);
    if (end == s || errno || v < 1 || v > 1000000000)
        return bp_error(err, BP_EUSAGE, "--rate '%s': expected N/s with N from 1 to "
                                        "1000000000 (e.g. 500/s, 50/100ms)", s);
    slash = end;
    if (*slash) {
        if (*slash != '/' || !slash[1])
            return bp_error(err, BP_EUSAGE, "--rate '%s': expected N/s, N/ms, N/100ms ...", s);
        slash++;
        if (strlen(slash) >= sizeof(unit) - 2)
            return bp_error(err, BP_EUSAGE, "--rate '%s': bad window", s);
        snprintf(unit, sizeof(unit), "%s%s", isdigit((unsigned char)*slash) ? "" : "1", slash);
        if (strspn(unit, "0123456789.") == strlen(unit) ||
            duration_parse(unit, 1000, &ms, NULL) != 0)
            return bp_error(err, BP_EUSAGE, "--rate '%s': bad window '%s' (use s, ms, m ...)",
                            s, slash);
    }
    if (ms < 1 || ms > 3600000)
        return bp_error(err, BP_EUSAGE, "--rate '%s': the window must be 1 ms to 1 h", s);
    *n = v;
    *per_ms = ms;
    return 0;
}
