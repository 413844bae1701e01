/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_dist_frame.c - libFuzzer target for the distribution frame reader.
 *
 * The input is a byte stream as it would arrive on the socket after the
 * handshake: it is split with node_frame_next (as node_io.c does, with a
 * 1 MiB frame limit), each frame parsed with node_frame_parse, and each
 * message decoded with the default limits.  Nothing may crash, leak or read
 * out of bounds, whatever the bytes.  The seed corpus
 * (tests/fuzz/corpus/dist_frame/) holds real frames recorded from an OTP 25
 * node: rpc replies with process_info results, io requests, ticks, links.
 */
#include "node/node_frame.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = ARENA_INIT;
    size_t pos = 0;

    while (pos < size) {
        size_t off, flen, used, idx = 0;
        struct dist_frame f;
        struct term *m = NULL;
        int rc = node_frame_next(data + pos, size - pos, 1u << 20, &off, &flen, &used);
        if (rc <= 0)
            break;
        if (flen && node_frame_parse(&a, data + pos + off, flen, &f, NULL) == 0 && f.msg) {
            a.limit = a.used + (64u << 20);
            term_decode_versioned(&a, f.msg, f.msg_len, &idx, &term_default_limits, &m, NULL);
            a.limit = 0;
        }
        arena_clear(&a);
        pos += used;
    }
    arena_release(&a);
    return 0;
}
