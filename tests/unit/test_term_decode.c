/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_term_decode.c - unit tests for term_decode: every tag a node sends,
 * real term_to_binary output, and hostile input.
 *
 * The byte arrays below were produced by `erl` (OTP 25) with term_to_binary
 * and pasted here (see tests/data/terms/gen_terms.escript for the terms).
 * Malformed input must fail with BP_EDECODE or BP_ETOOBIG - never crash,
 * never read out of bounds (run under ASan), never allocate in proportion
 * to a length field that the input cannot back.
 */
#include "term/term.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The Lasso RoutingDecision struct map (tests/data/terms/routing_decision.bin). */
static const unsigned char routing_decision_bin[] = {
    0x83, 0x74, 0x00, 0x00, 0x00, 0x0e, 0x64, 0x00, 0x0a, 0x5f, 0x5f, 0x73,
    0x74, 0x72, 0x75, 0x63, 0x74, 0x5f, 0x5f, 0x64, 0x00, 0x23, 0x45, 0x6c,
    0x69, 0x78, 0x69, 0x72, 0x2e, 0x4c, 0x61, 0x73, 0x73, 0x6f, 0x2e, 0x45,
    0x76, 0x65, 0x6e, 0x74, 0x73, 0x2e, 0x52, 0x6f, 0x75, 0x74, 0x69, 0x6e,
    0x67, 0x44, 0x65, 0x63, 0x69, 0x73, 0x69, 0x6f, 0x6e, 0x64, 0x00, 0x05,
    0x63, 0x68, 0x61, 0x69, 0x6e, 0x6d, 0x00, 0x00, 0x00, 0x10, 0x65, 0x74,
    0x68, 0x65, 0x72, 0x65, 0x75, 0x6d, 0x5f, 0x6d, 0x61, 0x69, 0x6e, 0x6e,
    0x65, 0x74, 0x64, 0x00, 0x0b, 0x64, 0x75, 0x72, 0x61, 0x74, 0x69, 0x6f,
    0x6e, 0x5f, 0x6d, 0x73, 0x61, 0x2a, 0x64, 0x00, 0x0e, 0x66, 0x61, 0x69,
    0x6c, 0x6f, 0x76, 0x65, 0x72, 0x5f, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0x61,
    0x00, 0x64, 0x00, 0x06, 0x6d, 0x65, 0x74, 0x68, 0x6f, 0x64, 0x6d, 0x00,
    0x00, 0x00, 0x14, 0x65, 0x74, 0x68, 0x5f, 0x67, 0x65, 0x74, 0x42, 0x6c,
    0x6f, 0x63, 0x6b, 0x42, 0x79, 0x4e, 0x75, 0x6d, 0x62, 0x65, 0x72, 0x64,
    0x00, 0x07, 0x70, 0x72, 0x6f, 0x66, 0x69, 0x6c, 0x65, 0x6d, 0x00, 0x00,
    0x00, 0x07, 0x64, 0x65, 0x66, 0x61, 0x75, 0x6c, 0x74, 0x64, 0x00, 0x0b,
    0x70, 0x72, 0x6f, 0x76, 0x69, 0x64, 0x65, 0x72, 0x5f, 0x69, 0x64, 0x6d,
    0x00, 0x00, 0x00, 0x0f, 0x61, 0x6c, 0x63, 0x68, 0x65, 0x6d, 0x79, 0x5f,
    0x70, 0x72, 0x69, 0x6d, 0x61, 0x72, 0x79, 0x64, 0x00, 0x0a, 0x72, 0x65,
    0x71, 0x75, 0x65, 0x73, 0x74, 0x5f, 0x69, 0x64, 0x6d, 0x00, 0x00, 0x00,
    0x05, 0x72, 0x65, 0x71, 0x5f, 0x31, 0x64, 0x00, 0x06, 0x72, 0x65, 0x73,
    0x75, 0x6c, 0x74, 0x64, 0x00, 0x07, 0x73, 0x75, 0x63, 0x63, 0x65, 0x73,
    0x73, 0x64, 0x00, 0x0b, 0x73, 0x6f, 0x75, 0x72, 0x63, 0x65, 0x5f, 0x6e,
    0x6f, 0x64, 0x65, 0x64, 0x00, 0x10, 0x6c, 0x61, 0x73, 0x73, 0x6f, 0x31,
    0x40, 0x31, 0x32, 0x37, 0x2e, 0x30, 0x2e, 0x30, 0x2e, 0x31, 0x64, 0x00,
    0x0d, 0x73, 0x6f, 0x75, 0x72, 0x63, 0x65, 0x5f, 0x72, 0x65, 0x67, 0x69,
    0x6f, 0x6e, 0x6d, 0x00, 0x00, 0x00, 0x09, 0x75, 0x73, 0x2d, 0x77, 0x65,
    0x73, 0x74, 0x2d, 0x32, 0x64, 0x00, 0x08, 0x73, 0x74, 0x72, 0x61, 0x74,
    0x65, 0x67, 0x79, 0x6d, 0x00, 0x00, 0x00, 0x11, 0x66, 0x61, 0x73, 0x74,
    0x65, 0x73, 0x74, 0x5f, 0x72, 0x65, 0x73, 0x70, 0x6f, 0x6e, 0x64, 0x65,
    0x72, 0x64, 0x00, 0x09, 0x74, 0x72, 0x61, 0x6e, 0x73, 0x70, 0x6f, 0x72,
    0x74, 0x64, 0x00, 0x04, 0x68, 0x74, 0x74, 0x70, 0x64, 0x00, 0x02, 0x74,
    0x73, 0x6e, 0x06, 0x00, 0x00, 0x68, 0xe5, 0xcf, 0x8b, 0x01,
};

/* [self(), make_ref(), hd(erlang:ports()), fun lists:map/2, f:mk(1, [a]) (a
 * local fun with two free variables), fun 'Elixir.Enum':map/2]. */
static const unsigned char ids_bin[] = {
    0x83, 0x6c, 0x00, 0x00, 0x00, 0x06, 0x58, 0x64, 0x00, 0x0d, 0x6e, 0x6f,
    0x6e, 0x6f, 0x64, 0x65, 0x40, 0x6e, 0x6f, 0x68, 0x6f, 0x73, 0x74, 0x00,
    0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x5a,
    0x00, 0x03, 0x64, 0x00, 0x0d, 0x6e, 0x6f, 0x6e, 0x6f, 0x64, 0x65, 0x40,
    0x6e, 0x6f, 0x68, 0x6f, 0x73, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x81, 0x8d, 0xb8, 0xdc, 0x00, 0x02, 0xc8, 0x8c, 0x59, 0x96, 0x59, 0x64,
    0x00, 0x0d, 0x6e, 0x6f, 0x6e, 0x6f, 0x64, 0x65, 0x40, 0x6e, 0x6f, 0x68,
    0x6f, 0x73, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x71,
    0x64, 0x00, 0x05, 0x6c, 0x69, 0x73, 0x74, 0x73, 0x64, 0x00, 0x03, 0x6d,
    0x61, 0x70, 0x61, 0x02, 0x70, 0x00, 0x00, 0x00, 0x51, 0x01, 0xc8, 0x2f,
    0xd9, 0x96, 0xe0, 0x8b, 0xed, 0xaa, 0x30, 0x34, 0x71, 0xb1, 0xe1, 0x35,
    0xa2, 0x9f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x64, 0x00,
    0x01, 0x66, 0x61, 0x00, 0x62, 0x06, 0x41, 0x7e, 0xcc, 0x58, 0x64, 0x00,
    0x0d, 0x6e, 0x6f, 0x6e, 0x6f, 0x64, 0x65, 0x40, 0x6e, 0x6f, 0x68, 0x6f,
    0x73, 0x74, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x61, 0x01, 0x6c, 0x00, 0x00, 0x00, 0x01, 0x64, 0x00, 0x01,
    0x61, 0x6a, 0x71, 0x64, 0x00, 0x0b, 0x45, 0x6c, 0x69, 0x78, 0x69, 0x72,
    0x2e, 0x45, 0x6e, 0x75, 0x6d, 0x64, 0x00, 0x03, 0x6d, 0x61, 0x70, 0x61,
    0x02, 0x6a,
};

/* process_info/1 of a registered process (tests/data/terms/process_info.bin). */
static const unsigned char process_info_bin[] = {
    0x83, 0x6c, 0x00, 0x00, 0x00, 0x11, 0x68, 0x02, 0x64, 0x00, 0x0f, 0x72,
    0x65, 0x67, 0x69, 0x73, 0x74, 0x65, 0x72, 0x65, 0x64, 0x5f, 0x6e, 0x61,
    0x6d, 0x65, 0x64, 0x00, 0x11, 0x6c, 0x61, 0x73, 0x73, 0x6f, 0x5f, 0x61,
    0x67, 0x67, 0x5f, 0x64, 0x65, 0x66, 0x61, 0x75, 0x6c, 0x74, 0x68, 0x02,
    0x64, 0x00, 0x10, 0x63, 0x75, 0x72, 0x72, 0x65, 0x6e, 0x74, 0x5f, 0x66,
    0x75, 0x6e, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x68, 0x03, 0x64, 0x00, 0x09,
    0x70, 0x72, 0x69, 0x6d, 0x5f, 0x65, 0x76, 0x61, 0x6c, 0x64, 0x00, 0x07,
    0x72, 0x65, 0x63, 0x65, 0x69, 0x76, 0x65, 0x61, 0x02, 0x68, 0x02, 0x64,
    0x00, 0x0c, 0x69, 0x6e, 0x69, 0x74, 0x69, 0x61, 0x6c, 0x5f, 0x63, 0x61,
    0x6c, 0x6c, 0x68, 0x03, 0x64, 0x00, 0x06, 0x65, 0x72, 0x6c, 0x61, 0x6e,
    0x67, 0x64, 0x00, 0x05, 0x61, 0x70, 0x70, 0x6c, 0x79, 0x61, 0x02, 0x68,
    0x02, 0x64, 0x00, 0x06, 0x73, 0x74, 0x61, 0x74, 0x75, 0x73, 0x64, 0x00,
    0x07, 0x77, 0x61, 0x69, 0x74, 0x69, 0x6e, 0x67, 0x68, 0x02, 0x64, 0x00,
    0x11, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x5f, 0x71, 0x75, 0x65,
    0x75, 0x65, 0x5f, 0x6c, 0x65, 0x6e, 0x61, 0x01, 0x68, 0x02, 0x64, 0x00,
    0x05, 0x6c, 0x69, 0x6e, 0x6b, 0x73, 0x6a, 0x68, 0x02, 0x64, 0x00, 0x0a,
    0x64, 0x69, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x61, 0x72, 0x79, 0x6c, 0x00,
    0x00, 0x00, 0x01, 0x68, 0x02, 0x64, 0x00, 0x04, 0x72, 0x6f, 0x6c, 0x65,
    0x64, 0x00, 0x0a, 0x61, 0x67, 0x67, 0x72, 0x65, 0x67, 0x61, 0x74, 0x6f,
    0x72, 0x6a, 0x68, 0x02, 0x64, 0x00, 0x09, 0x74, 0x72, 0x61, 0x70, 0x5f,
    0x65, 0x78, 0x69, 0x74, 0x64, 0x00, 0x05, 0x66, 0x61, 0x6c, 0x73, 0x65,
    0x68, 0x02, 0x64, 0x00, 0x0d, 0x65, 0x72, 0x72, 0x6f, 0x72, 0x5f, 0x68,
    0x61, 0x6e, 0x64, 0x6c, 0x65, 0x72, 0x64, 0x00, 0x0d, 0x65, 0x72, 0x72,
    0x6f, 0x72, 0x5f, 0x68, 0x61, 0x6e, 0x64, 0x6c, 0x65, 0x72, 0x68, 0x02,
    0x64, 0x00, 0x08, 0x70, 0x72, 0x69, 0x6f, 0x72, 0x69, 0x74, 0x79, 0x64,
    0x00, 0x06, 0x6e, 0x6f, 0x72, 0x6d, 0x61, 0x6c, 0x68, 0x02, 0x64, 0x00,
    0x0c, 0x67, 0x72, 0x6f, 0x75, 0x70, 0x5f, 0x6c, 0x65, 0x61, 0x64, 0x65,
    0x72, 0x58, 0x64, 0x00, 0x0d, 0x6e, 0x6f, 0x6e, 0x6f, 0x64, 0x65, 0x40,
    0x6e, 0x6f, 0x68, 0x6f, 0x73, 0x74, 0x00, 0x00, 0x00, 0x41, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x68, 0x02, 0x64, 0x00, 0x0f, 0x74,
    0x6f, 0x74, 0x61, 0x6c, 0x5f, 0x68, 0x65, 0x61, 0x70, 0x5f, 0x73, 0x69,
    0x7a, 0x65, 0x62, 0x00, 0x00, 0x1a, 0x74, 0x68, 0x02, 0x64, 0x00, 0x09,
    0x68, 0x65, 0x61, 0x70, 0x5f, 0x73, 0x69, 0x7a, 0x65, 0x62, 0x00, 0x00,
    0x1a, 0x74, 0x68, 0x02, 0x64, 0x00, 0x0a, 0x73, 0x74, 0x61, 0x63, 0x6b,
    0x5f, 0x73, 0x69, 0x7a, 0x65, 0x61, 0x09, 0x68, 0x02, 0x64, 0x00, 0x0a,
    0x72, 0x65, 0x64, 0x75, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x73, 0x62, 0x00,
    0x00, 0x0f, 0xb1, 0x68, 0x02, 0x64, 0x00, 0x12, 0x67, 0x61, 0x72, 0x62,
    0x61, 0x67, 0x65, 0x5f, 0x63, 0x6f, 0x6c, 0x6c, 0x65, 0x63, 0x74, 0x69,
    0x6f, 0x6e, 0x6c, 0x00, 0x00, 0x00, 0x05, 0x68, 0x02, 0x64, 0x00, 0x0d,
    0x6d, 0x61, 0x78, 0x5f, 0x68, 0x65, 0x61, 0x70, 0x5f, 0x73, 0x69, 0x7a,
    0x65, 0x74, 0x00, 0x00, 0x00, 0x03, 0x64, 0x00, 0x0c, 0x65, 0x72, 0x72,
    0x6f, 0x72, 0x5f, 0x6c, 0x6f, 0x67, 0x67, 0x65, 0x72, 0x64, 0x00, 0x04,
    0x74, 0x72, 0x75, 0x65, 0x64, 0x00, 0x04, 0x6b, 0x69, 0x6c, 0x6c, 0x64,
    0x00, 0x04, 0x74, 0x72, 0x75, 0x65, 0x64, 0x00, 0x04, 0x73, 0x69, 0x7a,
    0x65, 0x61, 0x00, 0x68, 0x02, 0x64, 0x00, 0x12, 0x6d, 0x69, 0x6e, 0x5f,
    0x62, 0x69, 0x6e, 0x5f, 0x76, 0x68, 0x65, 0x61, 0x70, 0x5f, 0x73, 0x69,
    0x7a, 0x65, 0x62, 0x00, 0x00, 0xb5, 0x56, 0x68, 0x02, 0x64, 0x00, 0x0d,
    0x6d, 0x69, 0x6e, 0x5f, 0x68, 0x65, 0x61, 0x70, 0x5f, 0x73, 0x69, 0x7a,
    0x65, 0x61, 0xe9, 0x68, 0x02, 0x64, 0x00, 0x0f, 0x66, 0x75, 0x6c, 0x6c,
    0x73, 0x77, 0x65, 0x65, 0x70, 0x5f, 0x61, 0x66, 0x74, 0x65, 0x72, 0x62,
    0x00, 0x00, 0xff, 0xff, 0x68, 0x02, 0x64, 0x00, 0x09, 0x6d, 0x69, 0x6e,
    0x6f, 0x72, 0x5f, 0x67, 0x63, 0x73, 0x61, 0x00, 0x6a, 0x68, 0x02, 0x64,
    0x00, 0x0a, 0x73, 0x75, 0x73, 0x70, 0x65, 0x6e, 0x64, 0x69, 0x6e, 0x67,
    0x6a, 0x6a,
};

/* term_to_binary([1.5, -0.1, 1.0e-300], [{minor_version, 0}]): FLOAT_EXT. */
static const unsigned char float_ext_bin[] = {
    0x83, 0x6c, 0x00, 0x00, 0x00, 0x03, 0x63, 0x31, 0x2e, 0x35, 0x30, 0x30,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x65, 0x2b, 0x30, 0x30, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x63, 0x2d, 0x31, 0x2e, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x35, 0x35,
    0x35, 0x31, 0x65, 0x2d, 0x30, 0x31, 0x00, 0x00, 0x00, 0x00, 0x63, 0x31,
    0x2e, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x32, 0x35, 0x30, 0x36, 0x65, 0x2d, 0x33,
    0x30, 0x30, 0x00, 0x00, 0x00, 0x00, 0x6a,
};

/* tests/data/terms/atoms_latin1.bin: ATOM_EXT (Latin-1) and UTF-8 atoms. */
static const unsigned char atoms_latin1_bin[] = {
    0x83, 0x6c, 0x00, 0x00, 0x00, 0x09, 0x64, 0x00, 0x02, 0x6f, 0x6b, 0x64,
    0x00, 0x0e, 0x45, 0x6c, 0x69, 0x78, 0x69, 0x72, 0x2e, 0x46, 0x6f, 0x6f,
    0x2e, 0x42, 0x61, 0x72, 0x64, 0x00, 0x07, 0x66, 0x6f, 0x6f, 0x20, 0x62,
    0x61, 0x72, 0x64, 0x00, 0x01, 0xe9, 0x64, 0x00, 0x00, 0x64, 0x00, 0x04,
    0x74, 0x72, 0x75, 0x65, 0x64, 0x00, 0x03, 0x6e, 0x69, 0x6c, 0x64, 0x00,
    0x05, 0x61, 0x66, 0x74, 0x65, 0x72, 0x77, 0x02, 0xce, 0xb1, 0x6a,
};


#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Decode buf[0..n) (version byte optional) with lim; asserts on nothing. */
static int dec(struct arena *a, const unsigned char *buf, size_t n,
               const struct term_limits *lim, struct term **t, struct bp_err *err)
{
    size_t idx = 0;
    if (n > 0 && buf[0] == 131)
        return term_decode_versioned(a, buf, n, &idx, lim, t, err);
    return term_decode(a, buf, n, &idx, lim, t, err);
}

static char *print(const struct term *t, enum term_syntax syn)
{
    static char buf[4096];
    struct sbuf sb = SBUF_INIT;
    struct term_print_opts o = term_print_defaults;

    o.syntax = syn;
    o.limit = -1;
    o.local_node = "nonode@nohost";
    term_print(&sb, t, &o);
    snprintf(buf, sizeof(buf), "%s", sbuf_str(&sb));
    sbuf_release(&sb);
    return buf;
}

/* Decode the bytes and compare the Erlang print. */
static void expect(const unsigned char *buf, size_t n, const char *want)
{
    struct arena a = ARENA_INIT;
    struct bp_err err = { 0, "" };
    struct term *t = NULL;
    int rc = dec(&a, buf, n, NULL, &t, &err);

    if (rc != 0)
        unit_fail(__FILE__, __LINE__, "decode of '%s' failed: %s", want, err.msg);
    ASSERT_STREQ(print(t, TERM_SYNTAX_ERLANG), want);
    arena_release(&a);
}

/* Decode must fail with code, and the message must mention `what`. */
static void expect_err(const unsigned char *buf, size_t n, int code, const char *what)
{
    struct arena a = ARENA_INIT;
    struct bp_err err = { 0, "" };
    struct term *t = NULL;
    int rc = dec(&a, buf, n, NULL, &t, &err);

    if (rc != code)
        unit_fail(__FILE__, __LINE__, "want %d (%s), got %d: %s", code, what, rc, err.msg);
    if (what && !strstr(err.msg, what))
        unit_fail(__FILE__, __LINE__, "message '%s' lacks '%s'", err.msg, what);
    ASSERT(t == NULL);
    arena_release(&a);
}

#define EXPECT(want, ...)                                                  \
    do {                                                                   \
        static const unsigned char b_[] = { __VA_ARGS__ };                 \
        expect(b_, sizeof(b_), want);                                      \
    } while (0)

#define EXPECT_ERR(code, what, ...)                                        \
    do {                                                                   \
        static const unsigned char b_[] = { __VA_ARGS__ };                 \
        expect_err(b_, sizeof(b_), code, what);                            \
    } while (0)

/* ---------------------------------------------------------------------
 * Scalars
 */

TEST(decode_integers)
{
    EXPECT("5", 131, 97, 5);
    EXPECT("255", 97, 255);
    EXPECT("-1", 98, 255, 255, 255, 255);
    EXPECT("2147483647", 98, 127, 255, 255, 255);
    EXPECT("-2147483648", 98, 128, 0, 0, 0);
}

TEST(decode_bignums)
{
    struct arena a = ARENA_INIT;
    struct term *t;
    size_t idx = 0;
    static const unsigned char big63[] = { 110, 8, 0, 0, 0, 0, 0, 0, 0, 0, 128 };
    static const unsigned char neg63[] = { 110, 8, 1, 0, 0, 0, 0, 0, 0, 0, 128 };
    static const unsigned char zeros[] = { 110, 9, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0 };

    /* Fits int64: a TERM_INT.  2^63 does not, -2^63 does. */
    ASSERT_OK(term_decode(&a, neg63, LEN(neg63), &idx, NULL, &t, NULL));
    ASSERT_EQ(t->kind, TERM_INT);
    ASSERT(t->u.i == INT64_MIN);
    idx = 0;
    ASSERT_OK(term_decode(&a, big63, LEN(big63), &idx, NULL, &t, NULL));
    ASSERT_EQ(t->kind, TERM_BIG);
    ASSERT_EQ(t->u.big.n, 8);
    ASSERT_STREQ(print(t, TERM_SYNTAX_ERLANG), "9223372036854775808");
    /* High zero bytes are not part of the magnitude. */
    idx = 0;
    ASSERT_OK(term_decode(&a, zeros, LEN(zeros), &idx, NULL, &t, NULL));
    ASSERT_EQ(t->kind, TERM_INT);
    ASSERT_EQ(t->u.i, 5);
    arena_release(&a);
    EXPECT("0", 110, 0, 0);
    EXPECT("-5", 110, 1, 2, 5); /* any nonzero sign byte is negative */
    EXPECT("18446744073709551616", 110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    EXPECT("-18446744073709551616", 111, 0, 0, 0, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1);
}

TEST(decode_bignum_limit)
{
    struct arena a = ARENA_INIT;
    struct term_limits lim = term_default_limits;
    struct bp_err err;
    struct term *t;
    unsigned char b[3 + 300];
    size_t idx = 0;

    memset(b, 1, sizeof(b));
    b[0] = 110;
    b[1] = 255;
    b[2] = 0;
    lim.max_big_bytes = 100;
    ASSERT_ERR(term_decode(&a, b, 3 + 255, &idx, &lim, &t, &err), BP_ETOOBIG);
    ASSERT(strstr(err.msg, "byte 0"));
    lim.max_big_bytes = 255;
    ASSERT_OK(term_decode(&a, b, 3 + 255, &idx, &lim, &t, &err));
    ASSERT_EQ(t->kind, TERM_BIG);
    arena_release(&a);
}

TEST(decode_floats)
{
    EXPECT("1.5", 70, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0);
    EXPECT("-0.0", 70, 0x80, 0, 0, 0, 0, 0, 0, 0);
    expect(float_ext_bin, LEN(float_ext_bin), "[1.5,-0.1,1.0e-300]");
    /* NaN and infinity: never sent by a node, refused. */
    EXPECT_ERR(BP_EDECODE, "non-finite", 70, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0);
    EXPECT_ERR(BP_EDECODE, "non-finite", 70, 0xff, 0xf0, 0, 0, 0, 0, 0, 0);
    /* A string float that is not a number, and one without a NUL. */
    EXPECT_ERR(BP_EDECODE, "string float", 99, 'x', 'y', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
               0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    {
        /* 31 characters with no NUL at all. */
        unsigned char b[32];
        b[0] = 99;
        memcpy(b + 1, "1.0000000000000000000000000e+00", 31);
        expect(b, sizeof(b), "1.0");
    }
}

TEST(decode_atoms)
{
    struct arena a = ARENA_INIT;
    struct term *t;
    size_t idx = 0;

    /* Latin-1 atoms come out as UTF-8. */
    expect(atoms_latin1_bin, LEN(atoms_latin1_bin),
           "[ok,'Elixir.Foo.Bar','foo bar','\xc3\xa9','',true,nil,'after','\xce\xb1']");
    ASSERT_OK(term_decode_versioned(&a, atoms_latin1_bin, LEN(atoms_latin1_bin), &idx, NULL,
                                    &t, NULL));
    ASSERT_STREQ(t->u.list.items[3]->u.atom.name, "\xc3\xa9");
    ASSERT_EQ(t->u.list.items[3]->u.atom.len, 2);
    ASSERT(term_is_atom(t->u.list.items[1], "Elixir.Foo.Bar"));
    arena_release(&a);
    EXPECT("'\xc3\xbf'", 115, 1, 0xff);                 /* SMALL_ATOM_EXT */
    EXPECT("ok", 119, 2, 'o', 'k');                     /* SMALL_ATOM_UTF8_EXT */
    EXPECT("ok", 118, 0, 2, 'o', 'k');                  /* ATOM_UTF8_EXT */
    EXPECT_ERR(BP_EDECODE, "UTF-8", 119, 2, 0xc3, 0x28); /* invalid UTF-8 */
    EXPECT_ERR(BP_EDECODE, "UTF-8", 119, 1, 0x80);
    EXPECT_ERR(BP_EDECODE, "truncated", 100, 0, 5, 'a', 'b');
}

TEST(decode_atom_limit)
{
    struct arena a = ARENA_INIT;
    struct term_limits lim = term_default_limits;
    struct term *t;
    unsigned char b[3 + 600];
    size_t idx = 0;

    memset(b, 0xe9, sizeof(b));
    b[0] = 100; /* ATOM_EXT, Latin-1: 300 bytes become 600 in UTF-8 */
    b[1] = 300 >> 8;
    b[2] = 300 & 0xff;
    lim.max_atom_len = 599;
    ASSERT_ERR(term_decode(&a, b, 303, &idx, &lim, &t, NULL), BP_ETOOBIG);
    lim.max_atom_len = 600;
    ASSERT_OK(term_decode(&a, b, 303, &idx, &lim, &t, NULL));
    ASSERT_EQ(t->u.atom.len, 600);
    arena_release(&a);
}

/* ---------------------------------------------------------------------
 * Collections, strings, binaries
 */

TEST(decode_lists_and_strings)
{
    EXPECT("[]", 106);
    EXPECT("\"abc\"", 107, 0, 3, 'a', 'b', 'c');
    EXPECT("[]", 107, 0, 0);
    EXPECT("[1]", 108, 0, 0, 0, 1, 97, 1, 107, 0, 0);
    EXPECT("[1,2]", 108, 0, 0, 0, 2, 97, 1, 97, 2, 106);
    EXPECT("[1|2]", 108, 0, 0, 0, 1, 97, 1, 97, 2);
    /* Tails that are lists or strings join the list, as binary_to_term does. */
    EXPECT("[1,2,3]", 108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 2, 97, 2, 97, 3, 106);
    EXPECT("[1,65,66]", 108, 0, 0, 0, 1, 97, 1, 107, 0, 2, 65, 66);
    /* [|T] (no elements) is T. */
    EXPECT("1", 108, 0, 0, 0, 0, 97, 1);
    EXPECT_ERR(BP_EDECODE, "truncated", 108, 0, 0, 0, 2, 97, 1, 97, 2);
}

TEST(decode_list_tail_chain_is_iterative)
{
    /* 200k one-element LIST_EXT segments chained by their tails: one
     * 200k-element list, no recursion per segment. */
    size_t n = 200000, i, k = 0;
    unsigned char *b = malloc(n * 7 + 1);
    struct arena a = ARENA_INIT;
    struct term *t;
    size_t idx = 0;

    for (i = 0; i < n; i++) {
        b[k++] = 108;
        b[k++] = 0;
        b[k++] = 0;
        b[k++] = 0;
        b[k++] = 1;
        b[k++] = 97;
        b[k++] = (unsigned char)i;
    }
    b[k++] = 106;
    ASSERT_OK(term_decode(&a, b, k, &idx, NULL, &t, NULL));
    ASSERT_EQ(term_list_len(t), n);
    ASSERT_EQ(idx, k);
    ASSERT_EQ(t->u.list.items[n - 1]->u.i, (n - 1) & 0xff);
    arena_release(&a);
    free(b);
}

TEST(decode_tuples_and_maps)
{
    EXPECT("{}", 104, 0);
    EXPECT("{a,1}", 104, 2, 119, 1, 'a', 97, 1);
    EXPECT("{1}", 105, 0, 0, 0, 1, 97, 1);
    EXPECT("#{}", 116, 0, 0, 0, 0);
    EXPECT("#{a => 1}", 116, 0, 0, 0, 1, 119, 1, 'a', 97, 1);
    expect(routing_decision_bin, LEN(routing_decision_bin),
           "#{'__struct__' => 'Elixir.Lasso.Events.RoutingDecision',chain => "
           "<<\"ethereum_mainnet\">>,duration_ms => 42,failover_count => 0,method => "
           "<<\"eth_getBlockByNumber\">>,profile => <<\"default\">>,provider_id => "
           "<<\"alchemy_primary\">>,request_id => <<\"req_1\">>,result => success,"
           "source_node => 'lasso1@127.0.0.1',source_region => <<\"us-west-2\">>,strategy "
           "=> <<\"fastest_responder\">>,transport => http,ts => 1700000000000}");
}

TEST(decode_binaries)
{
    struct arena a = ARENA_INIT;
    struct term *t;
    size_t idx = 0;
    static const unsigned char bits[] = { 77, 0, 0, 0, 2, 3, 1, 0xff };

    EXPECT("<<>>", 109, 0, 0, 0, 0);
    EXPECT("<<\"ab\">>", 109, 0, 0, 0, 2, 'a', 'b');
    EXPECT("<<1,2:3>>", 77, 0, 0, 0, 2, 3, 1, 0x40);
    EXPECT("<<>>", 77, 0, 0, 0, 0, 0);
    /* Unused low bits of the last byte are cleared. */
    ASSERT_OK(term_decode(&a, bits, LEN(bits), &idx, NULL, &t, NULL));
    ASSERT_EQ(t->u.bin.bits, 3);
    ASSERT_EQ(t->u.bin.data[1], 0xe0);
    ASSERT_STREQ(print(t, TERM_SYNTAX_ELIXIR), "<<1, 7::size(3)>>");
    arena_release(&a);
    EXPECT_ERR(BP_EDECODE, "bit count", 77, 0, 0, 0, 1, 0, 1);
    EXPECT_ERR(BP_EDECODE, "bit count", 77, 0, 0, 0, 1, 9, 1);
    EXPECT_ERR(BP_EDECODE, "bit count", 77, 0, 0, 0, 0, 3);
}

/* ---------------------------------------------------------------------
 * Pids, ports, refs, funs
 */

TEST(decode_pids_ports_refs)
{
    /* PID_EXT and NEW_PID_EXT. */
    EXPECT("<a@b.1.2>", 103, 115, 3, 'a', '@', 'b', 0, 0, 0, 1, 0, 0, 0, 2, 3);
    EXPECT("<a@b.1.2>", 88, 119, 3, 'a', '@', 'b', 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 9);
    EXPECT("<0.7.0>", 88, 100, 0, 13, 'n', 'o', 'n', 'o', 'd', 'e', '@', 'n', 'o', 'h', 'o',
           's', 't', 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0);
    /* PORT_EXT, NEW_PORT_EXT, V4_PORT_EXT. */
    EXPECT("#Port<a@b.7>", 102, 115, 3, 'a', '@', 'b', 0, 0, 0, 7, 2);
    EXPECT("#Port<a@b.7>", 89, 115, 3, 'a', '@', 'b', 0, 0, 0, 7, 0, 0, 0, 2);
    EXPECT("#Port<a@b.72057594037927943>", 120, 118, 0, 3, 'a', '@', 'b', 1, 0, 0, 0, 0, 0, 0,
           7, 0, 0, 0, 2);
    /* REFERENCE_EXT, NEW_REFERENCE_EXT, NEWER_REFERENCE_EXT: ids print
     * most significant first. */
    EXPECT("#Ref<a@b.7>", 101, 115, 3, 'a', '@', 'b', 0, 0, 0, 7, 2);
    EXPECT("#Ref<a@b.3.2.1>", 114, 0, 3, 115, 3, 'a', '@', 'b', 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0,
           0, 3);
    EXPECT("#Ref<a@b.5.4.3.2.1>", 90, 0, 5, 119, 3, 'a', '@', 'b', 0, 0, 0, 2, 0, 0, 0, 1, 0,
           0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5);
    EXPECT_ERR(BP_EDECODE, "ids", 90, 0, 6, 119, 3, 'a', '@', 'b', 0, 0, 0, 2, 0, 0, 0, 1, 0, 0,
               0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6);
    EXPECT_ERR(BP_EDECODE, "ids", 90, 0, 0, 119, 3, 'a', '@', 'b', 0, 0, 0, 2);
    /* The node must be an atom. */
    EXPECT_ERR(BP_EDECODE, "expected an atom at byte 1", 88, 97, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0,
               0, 0, 3);
    EXPECT_ERR(BP_EDECODE, "atom cache", 88, 82, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3);
    EXPECT_ERR(BP_EDECODE, "truncated", 88, 119, 3, 'a', '@', 'b', 0, 0, 0, 1, 0, 0, 0);
}

TEST(decode_long_node_names)
{
    /* A 163-character Latin-1 node name is 326 bytes of UTF-8: it decodes,
     * and its re-encoding (a UTF-8 atom) decodes too (found by fuzzing). */
    unsigned char b[3 + 163 + 5];
    struct arena a = ARENA_INIT;
    struct term *t;
    size_t idx = 0;

    b[0] = 102; /* PORT_EXT */
    b[1] = 115;
    b[2] = 163;
    memset(b + 3, 0xa3, 163);
    memcpy(b + 3 + 163, "\x03\xff\xfb\xff\xff", 5);
    ASSERT_OK(term_decode(&a, b, sizeof(b), &idx, NULL, &t, NULL));
    ASSERT_EQ(strlen(t->u.port.node), 326);
    b[2] = 255;
    idx = 0;
    ASSERT_ERR(term_decode(&a, b, sizeof(b), &idx, NULL, &t, NULL), BP_EDECODE);
    arena_release(&a);
    {
        /* A UTF-8 node atom of 1020 bytes is the most libei can hold. */
        static unsigned char big[4 + 1021 + 12];
        big[0] = 88;
        big[1] = 118;
        big[2] = 1020 >> 8;
        big[3] = 1020 & 0xff;
        memset(big + 4, 'n', 1021 + 12);
        idx = 0;
        ASSERT_OK(term_decode(&a, big, 4 + 1020 + 12, &idx, NULL, &t, NULL));
        ASSERT_EQ(strlen(t->u.pid.node), 1020);
        big[3] = 1021 & 0xff;
        big[2] = 1021 >> 8;
        idx = 0;
        ASSERT_ERR(term_decode(&a, big, 4 + 1021 + 12, &idx, NULL, &t, NULL), BP_ETOOBIG);
        arena_release(&a);
    }
}

TEST(decode_real_pids_refs_funs)
{
    struct arena a = ARENA_INIT;
    struct term *t;
    const struct term *f;
    size_t idx = 0;

    ASSERT_OK(term_decode_versioned(&a, ids_bin, LEN(ids_bin), &idx, NULL, &t, NULL));
    ASSERT_EQ(idx, LEN(ids_bin));
    ASSERT_EQ(term_list_len(t), 6);
    ASSERT_EQ(t->u.list.items[0]->kind, TERM_PID);
    ASSERT_STREQ(t->u.list.items[0]->u.pid.node, "nonode@nohost");
    ASSERT_EQ(t->u.list.items[1]->kind, TERM_REF);
    ASSERT_EQ(t->u.list.items[1]->u.ref.len, 3);
    ASSERT_EQ(t->u.list.items[2]->kind, TERM_PORT);
    /* An export fun, and a local fun whose free variables were skipped. */
    f = t->u.list.items[3];
    ASSERT_EQ(f->kind, TERM_FUN);
    ASSERT_STREQ(f->u.fun.module, "lists");
    ASSERT_STREQ(f->u.fun.name, "map");
    ASSERT_EQ(f->u.fun.arity, 2);
    f = t->u.list.items[4];
    ASSERT_EQ(f->kind, TERM_FUN);
    ASSERT_STREQ(f->u.fun.module, "f");
    ASSERT(f->u.fun.name == NULL);
    ASSERT_EQ(f->u.fun.arity, 1);
    ASSERT_STREQ(f->u.fun.pid_node, "nonode@nohost");
    ASSERT_STREQ(print(f, TERM_SYNTAX_ERLANG), "#Fun<f.0.104955596>");
    ASSERT_STREQ(print(f, TERM_SYNTAX_ELIXIR), "#Function<0.104955596/1 in :f>");
    ASSERT_STREQ(print(t->u.list.items[5], TERM_SYNTAX_ELIXIR), "&Enum.map/2");
    arena_release(&a);
}

TEST(decode_old_fun_ext)
{
    /* FUN_EXT: NumFree 1, Pid, Module, Index, Uniq, one free variable. */
    EXPECT("#Fun<m.1.2>", 117, 0, 0, 0, 1, 88, 119, 1, 'n', 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
           119, 1, 'm', 97, 1, 97, 2, 104, 1, 97, 9);
    /* A free variable that is not there. */
    EXPECT_ERR(BP_EDECODE, NULL, 117, 0, 0, 0, 1, 88, 119, 1, 'n', 0, 0, 0, 1, 0, 0, 0, 0, 0,
               0, 0, 0, 119, 1, 'm', 97, 1, 97, 2);
}

TEST(decode_new_fun_bounds)
{
    /* A NEW_FUN_EXT whose Size points past the input, and one whose
     * fields run past its own Size. */
    EXPECT_ERR(BP_EDECODE, "truncated", 112, 0, 0, 1, 0, 1);
    EXPECT_ERR(BP_EDECODE, "too short", 112, 0, 0, 0, 8, 1, 2, 3, 4);
    {
        unsigned char b[64];
        size_t k = 0, i;
        b[k++] = 112;
        b[k++] = 0;
        b[k++] = 0;
        b[k++] = 0;
        b[k++] = 4 + 1 + 16 + 4 + 4 + 1; /* Size: ends inside the module atom */
        b[k++] = 1;                      /* arity */
        for (i = 0; i < 16 + 4 + 4; i++)
            b[k++] = 0;
        b[k++] = 119;
        b[k++] = 1;
        b[k++] = 'm';
        expect_err(b, k, BP_EDECODE, "truncated");
    }
}

TEST(decode_export_fun)
{
    EXPECT("fun lists:map/2", 113, 119, 5, 'l', 'i', 's', 't', 's', 119, 3, 'm', 'a', 'p', 97,
           2);
    EXPECT_ERR(BP_EDECODE, "arity", 113, 119, 1, 'm', 119, 1, 'f', 98, 0, 0, 0, 2);
}

/* ---------------------------------------------------------------------
 * Rejections and hostile input
 */

TEST(decode_rejects_unsupported)
{
    EXPECT_ERR(BP_EDECODE, "compressed", 131, 80, 0, 0, 0, 10, 0x78, 0x9c);
    EXPECT_ERR(BP_EDECODE, "atom cache", 82, 0);
    EXPECT_ERR(BP_EDECODE, "LOCAL_EXT", 121, 0, 0, 0, 0, 97, 1);
    EXPECT_ERR(BP_EDECODE, "unknown term tag 200 at byte 0", 200);
    EXPECT_ERR(BP_EDECODE, "unknown term tag 68", 68, 0);
    EXPECT_ERR(BP_EDECODE, "version byte", 131, 131, 97, 1);
    EXPECT_ERR(BP_EDECODE, "truncated", 104, 2, 97, 1);
    {
        struct arena a = ARENA_INIT;
        struct term *t;
        struct bp_err err;
        size_t idx = 0;
        static const unsigned char b[] = { 130, 97, 1 };
        ASSERT_ERR(term_decode_versioned(&a, b, 3, &idx, NULL, &t, &err), BP_EDECODE);
        ASSERT(strstr(err.msg, "version"));
        ASSERT_ERR(term_decode_versioned(&a, b, 0, &idx, NULL, &t, &err), BP_EDECODE);
        idx = 4;
        ASSERT_ERR(term_decode(&a, b, 3, &idx, NULL, &t, &err), BP_EDECODE);
        ASSERT_EQ(idx, 4);
        arena_release(&a);
    }
}

TEST(decode_error_names_offset)
{
    struct arena a = ARENA_INIT;
    struct term *t;
    struct bp_err err;
    size_t idx = 0;
    /* {1, <bad tag>}: the bad tag is at byte 5 of the buffer. */
    static const unsigned char b[] = { 131, 104, 2, 97, 1, 250 };

    ASSERT_ERR(term_decode_versioned(&a, b, LEN(b), &idx, NULL, &t, &err), BP_EDECODE);
    ASSERT_STREQ(err.msg, "unknown term tag 250 at byte 5");
    ASSERT_EQ(idx, 0); /* *index is left alone on failure */
    arena_release(&a);
}

/* Every header with a count/length field, with absurd values. */
TEST(decode_absurd_lengths)
{
    static const uint32_t sizes[] = { 0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu };
    static const unsigned char tags4[] = { 105, 108, 109, 116, 111, 118, 100, 77, 117 };
    size_t i, j;

    for (i = 0; i < LEN(tags4); i++) {
        for (j = 0; j < LEN(sizes); j++) {
            struct arena a = ARENA_INIT;
            struct term *t = NULL;
            unsigned char b[16] = { 0 };
            size_t idx = 0, n = 5;
            uint32_t v = sizes[j], eff = v;
            int rc;

            b[0] = tags4[i];
            b[1] = (unsigned char)(v >> 24);
            b[2] = (unsigned char)(v >> 16);
            b[3] = (unsigned char)(v >> 8);
            b[4] = (unsigned char)v;
            if (tags4[i] == 118 || tags4[i] == 100) { /* 2-byte lengths */
                b[1] = (unsigned char)(v >> 8);
                b[2] = (unsigned char)v;
                eff = v & 0xffff;
                n = 3;
            }
            b[n++] = 1; /* a byte that may be a sign, bit count or element */
            rc = term_decode(&a, b, n, &idx, NULL, &t, NULL);
            if (rc == 0) {
                /* Only the small, complete ones may succeed. */
                ASSERT(eff <= 1);
            } else {
                ASSERT(rc == BP_EDECODE || rc == BP_ETOOBIG);
            }
            /* Nothing in proportion to the claimed size was allocated. */
            ASSERT(a.used < 4096);
            arena_release(&a);
        }
    }
    /* One-byte counts too. */
    EXPECT_ERR(BP_EDECODE, "claims 255 elements but only 1 bytes remain", 104, 255, 97);
    EXPECT_ERR(BP_EDECODE, "truncated", 110, 255, 0, 1);
    EXPECT_ERR(BP_EDECODE, "truncated", 119, 255, 'a');
    EXPECT_ERR(BP_EDECODE, "truncated", 107, 255, 255, 'a');
}

TEST(decode_deep_nesting)
{
    size_t depth = 100000, i, k = 0;
    unsigned char *b = malloc(depth * 6 + 8);
    struct term_limits lim = term_default_limits;
    struct arena a = ARENA_INIT;
    struct bp_err err;
    struct term *t;
    size_t idx = 0;

    /* [[[...]]] 100k deep. */
    for (i = 0; i < depth; i++) {
        b[k++] = 108;
        b[k++] = 0;
        b[k++] = 0;
        b[k++] = 0;
        b[k++] = 1;
    }
    b[k++] = 106;
    for (i = 0; i < depth; i++)
        b[k++] = 106;
    ASSERT_ERR(term_decode(&a, b, k, &idx, NULL, &t, &err), BP_ETOOBIG);
    ASSERT(strstr(err.msg, "nested deeper than 512"));
    /* A caller asking for more depth still gets a hard cap, not a crash. */
    lim.max_depth = 1u << 30;
    ASSERT_ERR(term_decode(&a, b, k, &idx, &lim, &t, &err), BP_ETOOBIG);
    /* {{{...}}} 100k deep, and a map nest. */
    k = 0;
    for (i = 0; i < depth; i++) {
        b[k++] = 104;
        b[k++] = 1;
    }
    b[k++] = 106;
    ASSERT_ERR(term_decode(&a, b, k, &idx, NULL, &t, &err), BP_ETOOBIG);
    /* Exactly at the limit is fine. */
    lim.max_depth = 10;
    k = 0;
    for (i = 0; i < 10; i++) {
        b[k++] = 104;
        b[k++] = 1;
    }
    b[k++] = 106;
    ASSERT_OK(term_decode(&a, b, k, &idx, &lim, &t, &err));
    lim.max_depth = 9;
    idx = 0;
    ASSERT_ERR(term_decode(&a, b, k, &idx, &lim, &t, &err), BP_ETOOBIG);
    arena_release(&a);
    free(b);
}

TEST(decode_item_limit)
{
    struct term_limits lim = term_default_limits;
    struct arena a = ARENA_INIT;
    struct term *t;
    size_t idx = 0;
    static const unsigned char l3[] = { 108, 0, 0, 0, 3, 97, 1, 97, 2, 97, 3, 106 };
    static const unsigned char s3[] = { 107, 0, 3, 1, 2, 3 };
    static const unsigned char m2[] = { 116, 0, 0, 0, 2, 97, 1, 97, 1, 97, 2, 97, 2 };

    lim.max_items = 2;
    ASSERT_ERR(term_decode(&a, l3, LEN(l3), &idx, &lim, &t, NULL), BP_ETOOBIG);
    ASSERT_ERR(term_decode(&a, s3, LEN(s3), &idx, &lim, &t, NULL), BP_ETOOBIG);
    ASSERT_OK(term_decode(&a, m2, LEN(m2), &idx, &lim, &t, NULL));
    lim.max_items = 3;
    idx = 0;
    ASSERT_OK(term_decode(&a, l3, LEN(l3), &idx, &lim, &t, NULL));
    arena_release(&a);
}

TEST(decode_arena_budget)
{
    struct term_limits lim = term_default_limits;
    struct arena a = ARENA_INIT;
    struct term *t;
    struct bp_err err;
    size_t idx = 0, n = 100000, i;
    unsigned char *b = malloc(n + 5);

    b[0] = 109;
    b[1] = (unsigned char)(n >> 24);
    b[2] = (unsigned char)(n >> 16);
    b[3] = (unsigned char)(n >> 8);
    b[4] = (unsigned char)n;
    for (i = 0; i < n; i++)
        b[5 + i] = (unsigned char)i;
    lim.max_arena = 50000;
    ASSERT_ERR(term_decode(&a, b, n + 5, &idx, &lim, &t, &err), BP_ETOOBIG);
    ASSERT(strstr(err.msg, "memory budget"));
    ASSERT_EQ(a.limit, 0); /* the arena's own limit is restored */
    /* A limit the caller put on the arena is honoured as well. */
    a.limit = a.used + 1000;
    lim.max_arena = 0;
    ASSERT_ERR(term_decode(&a, b, n + 5, &idx, &lim, &t, &err), BP_ETOOBIG);
    a.limit = 0;
    ASSERT_OK(term_decode(&a, b, n + 5, &idx, &lim, &t, &err));
    ASSERT_EQ(t->u.bin.len, n);
    arena_release(&a);
    free(b);
}

TEST(decode_consecutive_terms)
{
    struct arena a = ARENA_INIT;
    struct term *t;
    size_t idx = 0;
    static const unsigned char b[] = { 97, 1, 119, 2, 'o', 'k', 106 };

    ASSERT_OK(term_decode(&a, b, LEN(b), &idx, NULL, &t, NULL));
    ASSERT_EQ(idx, 2);
    ASSERT_OK(term_decode(&a, b, LEN(b), &idx, NULL, &t, NULL));
    ASSERT(term_is_atom(t, "ok"));
    ASSERT_EQ(idx, 6);
    ASSERT_OK(term_decode(&a, b, LEN(b), &idx, NULL, &t, NULL));
    ASSERT(term_is_nil(t));
    ASSERT_ERR(term_decode(&a, b, LEN(b), &idx, NULL, &t, NULL), BP_EDECODE);
    arena_release(&a);
}

struct sample {
    const char *name;
    const unsigned char *b;
    size_t n;
};

static const struct sample samples[] = {
    { "routing_decision", routing_decision_bin, LEN(routing_decision_bin) },
    { "ids", ids_bin, LEN(ids_bin) },
    { "process_info", process_info_bin, LEN(process_info_bin) },
    { "float_ext", float_ext_bin, LEN(float_ext_bin) },
    { "atoms_latin1", atoms_latin1_bin, LEN(atoms_latin1_bin) },
};

TEST(decode_every_prefix_fails)
{
    size_t s, n;

    for (s = 0; s < LEN(samples); s++) {
        struct arena a = ARENA_INIT;
        struct term *t;
        size_t idx = 0;

        ASSERT_OK(term_decode_versioned(&a, samples[s].b, samples[s].n, &idx, NULL, &t, NULL));
        ASSERT_EQ(idx, samples[s].n);
        for (n = 0; n < samples[s].n; n++) {
            struct bp_err err = { 0, "" };
            int rc;
            t = NULL;
            idx = 0;
            rc = term_decode_versioned(&a, samples[s].b, n, &idx, NULL, &t, &err);
            if (rc != BP_EDECODE)
                unit_fail(__FILE__, __LINE__, "%s: prefix of %zu bytes gave %d",
                          samples[s].name, n, rc);
            ASSERT(t == NULL && idx == 0);
            ASSERT(err.msg[0] != '\0');
        }
        arena_release(&a);
    }
}

TEST(decode_mutations_do_not_crash)
{
    /* Every byte of every sample replaced by a few interesting values:
     * whatever the result, it is a clean one (ASan checks the rest). */
    static const unsigned char vals[] = { 0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, 97, 104, 106,
                                          108, 109, 116 };
    size_t s, i, v;

    for (s = 0; s < LEN(samples); s++) {
        unsigned char *b = malloc(samples[s].n);
        for (i = 0; i < samples[s].n; i++) {
            for (v = 0; v < LEN(vals); v++) {
                struct arena a = ARENA_INIT;
                struct term *t = NULL;
                size_t idx = 0;
                int rc;
                memcpy(b, samples[s].b, samples[s].n);
                b[i] = vals[v];
                rc = term_decode_versioned(&a, b, samples[s].n, &idx, NULL, &t, NULL);
                ASSERT(rc == 0 || rc == BP_EDECODE || rc == BP_ETOOBIG);
                if (rc == 0) {
                    char *p = print(t, TERM_SYNTAX_ELIXIR);
                    ASSERT(p != NULL);
                }
                arena_release(&a);
            }
        }
        free(b);
    }
}

TEST(decode_many_small_tuples_fast)
{
    /* 100k {Pid, atom, Int, Binary, {I, I}} tuples (about 10 MB): well
     * under a second even with sanitizers (about 15 ms optimised). */
    size_t n = 100000, i, k = 0;
    unsigned char *b = malloc(n * 128 + 16);
    struct arena a = ARENA_INIT;
    struct term *t;
    size_t idx = 0;
    clock_t c0;
    double secs;

    b[k++] = 131;
    b[k++] = 108;
    b[k++] = (unsigned char)(n >> 24);
    b[k++] = (unsigned char)(n >> 16);
    b[k++] = (unsigned char)(n >> 8);
    b[k++] = (unsigned char)n;
    for (i = 0; i < n; i++) {
        static const unsigned char pid[] = { 88, 119, 3, 'a', '@', 'b', 0, 0, 0, 7, 0, 0, 0, 0,
                                             0, 0, 0, 1 };
        b[k++] = 104;
        b[k++] = 5;
        memcpy(b + k, pid, sizeof(pid));
        k += sizeof(pid);
        b[k++] = 119;
        b[k++] = 7;
        memcpy(b + k, "waiting", 7);
        k += 7;
        b[k++] = 98;
        b[k++] = 0;
        b[k++] = (unsigned char)(i >> 16);
        b[k++] = (unsigned char)(i >> 8);
        b[k++] = (unsigned char)i;
        b[k++] = 109;
        b[k++] = 0;
        b[k++] = 0;
        b[k++] = 0;
        b[k++] = 64;
        memset(b + k, 'x', 64);
        k += 64;
        b[k++] = 104;
        b[k++] = 2;
        b[k++] = 97;
        b[k++] = 1;
        b[k++] = 97;
        b[k++] = 2;
    }
    b[k++] = 106;
    c0 = clock();
    ASSERT_OK(term_decode_versioned(&a, b, k, &idx, NULL, &t, NULL));
    secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    ASSERT_EQ(term_list_len(t), n);
    ASSERT_EQ(idx, k);
    if (secs > 1.0)
        unit_fail(__FILE__, __LINE__, "decoding %zu bytes took %.3f s", k, secs);
    arena_release(&a);
    free(b);
}
