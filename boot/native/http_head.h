/* boot/native/http_head.h — the HTTP/1 head scanner (http_head.c): one pass over a request or response head in a
 * byte buffer, with exactly the strictness of libos/http/parser_rules.ts (the definition; see http_head.c).
 * Used by http_head_glue.c (hal.httpHead in images) and by boot/native/host/http_head_napi.c (hosted tests).
 * Layer: native core (pure C: no engine, no libc beyond memchr). */
#ifndef UNIJS_HTTP_HEAD_H
#define UNIJS_HTTP_HEAD_H
#include <stddef.h>
#include <stdint.h>

/* Results below 0 (the TypeScript side maps each to Node's code and reason: libos/http/native_head.ts). */
enum {
    HH_OUT_FULL = -1,            /* a valid head with more headers than `out` holds: parse it in TypeScript */
    HH_EXPECTED_HTTP = -2,       /* HPE_INVALID_CONSTANT  Expected HTTP/ */
    HH_INVALID_METHOD = -3,      /* HPE_INVALID_METHOD    Invalid method encountered */
    HH_INVALID_URL = -4,         /* HPE_INVALID_URL       Invalid URL */
    HH_INVALID_URL_CHARS = -5,   /* HPE_INVALID_URL       Invalid characters in url */
    HH_INVALID_VERSION = -6,     /* HPE_INVALID_VERSION   Invalid HTTP version */
    HH_OVERFLOW = -7,            /* HPE_HEADER_OVERFLOW   Header overflow */
    HH_CR_EXPECTED = -8,         /* HPE_CR_EXPECTED       Missing expected CR after header value */
    HH_HEADER_TOKEN = -9,        /* HPE_INVALID_HEADER_TOKEN  Invalid header token */
    HH_VALUE_CHAR = -10,         /* HPE_INVALID_HEADER_TOKEN  Invalid header value char */
    HH_LEADING_SPACE = -11,      /* HPE_INVALID_HEADER_TOKEN  Unexpected whitespace after header value */
    HH_CL_WITH_TE = -12,         /* HPE_UNEXPECTED_CONTENT_LENGTH  Content-Length can't be present with Transfer-Encoding */
    HH_CL_INVALID = -13,         /* HPE_INVALID_CONTENT_LENGTH  Invalid character in Content-Length */
    HH_CL_DUPLICATE = -14,       /* HPE_UNEXPECTED_CONTENT_LENGTH  Duplicate Content-Length */
    HH_STATUS_LINE = -15,        /* HPE_INVALID_CONSTANT  Parse Error (http-parser-js's status line rule) */
};

/* out[] layout (int32): */
enum {
    HH_END = 0,        /* complete: the offset after the head's empty line; error: the offset after the line at fault
                        * (the end of the data when an unfinished line can never become valid) */
    HH_METHOD = 1,     /* request: index into the method table (http_head_methods); response: the status code */
    HH_TEXT = 2,       /* request target / status reason: start, end (offsets into the buffer) */
    HH_MAJOR = 4, HH_MINOR = 5,
    HH_COUNT = 6,      /* headers */
    HH_BYTES = 7,      /* head bytes as Node counts them (target or reason, names and values) */
    HH_FLAGS = 8,      /* HH_HAS_* bits */
    HH_FIELDS = 9,     /* then 4 per header: name start, name end, value start, value end */
};
enum { HH_HAS_CONTENT_LENGTH = 1, HH_NONZERO_CONTENT_LENGTH = 2, HH_HAS_TRANSFER_ENCODING = 4 };

extern const char *const http_head_methods[];
extern const int http_head_method_count;

/*
 * Scans buf[start..end) as the beginning of a message (request when !response). `limit` is maxHeaderSize.
 * Returns > 0 (the head is complete and valid: out[] is filled; the value is out[HH_END]), 0 (incomplete: every
 * received line is valid so far), or an HH_* error (out[HH_END] says where). out must hold HH_FIELDS ints at least.
 */
int http_head_scan(const uint8_t *buf, size_t start, size_t end, int response, int64_t limit,
                   int32_t *out, size_t out_len);

/* The head-size limit as JS hands it over (a number; maxHeaderSize may be Infinity: no limit; NaN or <= 0: 0). */
static inline int64_t http_head_limit(double d) {
    return d != d ? 0 : d >= 9e18 ? INT64_MAX : d <= 0 ? 0 : (int64_t)d;
}

#endif
