/* boot/native/http_head.c — the HTTP/1 head scanner behind hal.httpHead: reads a request or response head (start
 * line, header lines, the empty line) in one pass and answers as libos/http/parser_rules.ts does for the same bytes
 * fed at once — the TypeScript rules are the definition, and test/unit/http/native_head*.test.ts compares the two:
 *  - request line: leading empty lines and CRs skipped; a token method from the table below; one or more spaces;
 *    a target of bytes 0x21–0x7e ("/.." or "*.." or "scheme://.."; CONNECT: an authority) or none; " HTTP/d.d"
 *    with 0.9/1.0/1.1/2.0, or no version (HTTP/0.9, where a line may end in LF alone);
 *  - status line: http-parser-js's "HTTP/d.d ddd[ reason]" (any digits; the reason has no CR);
 *  - header lines: a token name, ':', optional blanks, a value without control characters (HT allowed), trailing
 *    blanks dropped; lines end in CRLF; Content-Length digits only (< 2^64), once, and not beside
 *    Transfer-Encoding in requests (nor empty at the end of the head);
 *  - maxHeaderSize counted as Node counts (target or reason, names, values; a partial line whole) → overflow;
 *  - an unfinished last line is an error as soon as no continuation can make it valid (llhttp fails early).
 * Layer: native core (pure C; linked only into images whose bundle uses libos/http/native_head.ts). */
#include <string.h>
#include "http_head.h"

/* Node 20's http.METHODS, sorted (libos/http/constants.ts METHODS: the same list in the same order). */
const char *const http_head_methods[] = {
    "ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK", "LOCK", "M-SEARCH", "MERGE",
    "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "NOTIFY", "OPTIONS", "PATCH", "POST", "PROPFIND", "PROPPATCH",
    "PURGE", "PUT", "QUERY", "REBIND", "REPORT", "SEARCH", "SOURCE", "SUBSCRIBE", "TRACE", "UNBIND", "UNLINK",
    "UNLOCK", "UNSUBSCRIBE",
};
const int http_head_method_count = (int)(sizeof http_head_methods / sizeof http_head_methods[0]);
#define CONNECT_INDEX 3

/* Character classes: 1 token (RFC 9110 tchar), 2 bad in a header value (CTLs but HT, and DEL),
 * 4 bad in an authority target ("<>\^`{|}#), 8 scheme character after the first (A-Za-z0-9+.-). */
static uint8_t cls[256];
static int cls_ready;

static void build_classes(void) {
    for (int c = 0; c < 256; c++) {
        uint8_t k = 0;
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c && strchr("-!#$%&'*+.^_`|~", c))) k |= 1;
        if ((c <= 0x08) || (c >= 0x0a && c <= 0x1f) || c == 0x7f) k |= 2;
        if (c && strchr("\"<>\\^`{|}#", c)) k |= 4;
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '+' || c == '.' || c == '-') k |= 8;
        cls[c] = k;
    }
    cls_ready = 1;
}

#define TOKEN(c) (cls[(uint8_t)(c)] & 1)
#define BADVAL(c) (cls[(uint8_t)(c)] & 2)
#define PRINTABLE(c) ((c) >= 0x21 && (c) <= 0x7e)
#define ALPHA(c) (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define DIGIT(c) ((c) >= '0' && (c) <= '9')

/* p[0..n) equals the lower-case ASCII `lower` ignoring case. */
static int ieq(const uint8_t *p, size_t n, const char *lower) {
    for (size_t i = 0; i < n; i++) {
        if (!lower[i]) return 0;
        uint8_t c = p[i];
        if (c >= 'A' && c <= 'Z') c |= 0x20;
        if (c != (uint8_t)lower[i]) return 0;
    }
    return lower[n] == 0;
}

/* The index of p[0..n) in the method table, or -1. */
static int method_index(const uint8_t *p, size_t n) {
    for (int i = 0; i < http_head_method_count; i++) {
        const char *m = http_head_methods[i];
        if (strlen(m) == n && memcmp(m, p, n) == 0) return i;
    }
    return -1;
}

/* Some method starts with p[0..n). */
static int method_prefix(const uint8_t *p, size_t n) {
    for (int i = 0; i < http_head_method_count; i++) {
        const char *m = http_head_methods[i];
        if (strlen(m) >= n && memcmp(m, p, n) == 0) return 1;
    }
    return 0;
}

/* "scheme://" at the start of p[0..n). */
static int absolute_form(const uint8_t *p, size_t n) {
    if (!n || !ALPHA(p[0])) return 0;
    size_t i = 1;
    while (i < n && (cls[p[i]] & 8)) i++;
    return i + 3 <= n && p[i] == ':' && p[i + 1] == '/' && p[i + 2] == '/';
}

/* An unfinished absolute-form target that may still become one: a scheme, then ':' and '/' at most. */
static int absolute_prefix(const uint8_t *p, size_t n) {
    if (!n || !ALPHA(p[0])) return 0;
    size_t i = 1;
    while (i < n && (cls[p[i]] & 8)) i++;
    if (i == n) return 1;
    if (p[i] != ':') return 0;
    i++;
    if (i == n) return 1;
    return p[i] == '/' && i + 1 == n;
}

static int authority_form(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) if (!PRINTABLE(p[i]) || (cls[p[i]] & 4)) return 0;
    return 1;
}

/* A Content-Length value: digits only, at most 2^64 - 1. */
static int valid_content_length(const uint8_t *p, size_t n) {
    if (!n) return 0;
    for (size_t i = 0; i < n; i++) if (!DIGIT(p[i])) return 0;
    while (n > 1 && p[0] == '0') { p++; n--; }
    if (n < 20) return 1;
    return n == 20 && memcmp(p, "18446744073709551615", 20) <= 0;
}

/* What the request line p[0..n) (CR already dropped, leading CRs skipped) is: 0 valid (fields in out), or an error. */
static int request_line(const uint8_t *p, size_t n, size_t base, int64_t limit, int32_t *out) {
    size_t i = 0;
    while (i < n && TOKEN(p[i])) i++;
    size_t mlen = i;
    if (!mlen || i == n || p[i] != ' ') return HH_EXPECTED_HTTP;
    while (i < n && p[i] == ' ') i++;
    size_t t0 = i;
    while (i < n && PRINTABLE(p[i])) i++;
    size_t t1 = i;
    int major = 0, minor = 9;
    if (i < n) {
        if (t1 == t0 || p[i] != ' ') return HH_EXPECTED_HTTP;
        while (i < n && p[i] == ' ') i++;
        if (n - i != 8 || memcmp(p + i, "HTTP/", 5) || !DIGIT(p[i + 5]) || p[i + 6] != '.' || !DIGIT(p[i + 7])) return HH_EXPECTED_HTTP;
        major = p[i + 5] - '0';
        minor = p[i + 7] - '0';
    }
    int m = method_index(p, mlen);
    if (m < 0) return HH_INVALID_METHOD;
    const uint8_t *t = p + t0;
    size_t tlen = t1 - t0;
    if (m == CONNECT_INDEX ? !authority_form(t, tlen) : !(tlen && (t[0] == '/' || t[0] == '*')) && !absolute_form(t, tlen))
        return HH_INVALID_URL;
    int v = major * 10 + minor;
    if (v != 9 && v != 10 && v != 11 && v != 20) return HH_INVALID_VERSION;
    if ((int64_t)tlen >= limit) return HH_OVERFLOW;
    out[HH_METHOD] = m;
    out[HH_TEXT] = (int32_t)(base + t0);
    out[HH_TEXT + 1] = (int32_t)(base + t1);
    out[HH_MAJOR] = major;
    out[HH_MINOR] = minor;
    out[HH_BYTES] = (int32_t)tlen;
    return 0;
}

/* The status line p[0..n) (CR dropped): 0 valid, or HH_STATUS_LINE. */
static int status_line(const uint8_t *p, size_t n, size_t base, int32_t *out) {
    if (n < 12 || memcmp(p, "HTTP/", 5) || !DIGIT(p[5]) || p[6] != '.' || !DIGIT(p[7]) || p[8] != ' ' ||
        !DIGIT(p[9]) || !DIGIT(p[10]) || !DIGIT(p[11])) return HH_STATUS_LINE;
    size_t r = 12;
    if (r < n && p[r] == ' ') r++;
    if (memchr(p + r, '\r', n - r)) return HH_STATUS_LINE;
    out[HH_METHOD] = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    out[HH_TEXT] = (int32_t)(base + r);
    out[HH_TEXT + 1] = (int32_t)(base + n);
    out[HH_MAJOR] = p[5] - '0';
    out[HH_MINOR] = p[7] - '0';
    out[HH_BYTES] = (int32_t)(n - r);
    return 0;
}

/* "HTTP/" then a version llhttp knows, cut anywhere (an optional CR after a whole version). */
static int version_prefix(const uint8_t *p, size_t n) {
    static const char *const full[] = { "HTTP/0.9\r", "HTTP/1.0\r", "HTTP/1.1\r", "HTTP/2.0\r" };
    for (int k = 0; k < 4; k++) if (n <= 9 && memcmp(p, full[k], n) == 0) return 1;
    return 0;
}

/* Why the unfinished request line s[0..n) can never become valid, or 0 while it still can. */
static int request_prefix_error(const uint8_t *s, size_t n) {
    while (n && s[0] == '\r') { s++; n--; }
    const uint8_t *sp = memchr(s, ' ', n);
    if (!sp) return method_prefix(s, n) ? 0 : HH_INVALID_METHOD;
    size_t mlen = (size_t)(sp - s);
    int m = method_index(s, mlen);
    if (m < 0) return HH_INVALID_METHOD;
    const uint8_t *rest = sp;
    size_t rn = n - mlen;
    while (rn && rest[0] == ' ') { rest++; rn--; }
    const uint8_t *sp2 = memchr(rest, ' ', rn);
    size_t tlen = sp2 ? (size_t)(sp2 - rest) : (rn && rest[rn - 1] == '\r' ? rn - 1 : rn);
    for (size_t i = 0; i < tlen; i++) if (!PRINTABLE(rest[i])) return HH_INVALID_URL_CHARS;
    int complete = sp2 != NULL;
    if (m == CONNECT_INDEX ? !authority_form(rest, tlen)
                           : tlen && rest[0] != '/' && rest[0] != '*' && !absolute_form(rest, tlen) &&
                             (complete || !absolute_prefix(rest, tlen)))
        return HH_INVALID_URL;
    if (!sp2) return 0;
    const uint8_t *v = sp2;
    size_t vn = rn - tlen;
    while (vn && v[0] == ' ') { v++; vn--; }
    return version_prefix(v, vn) ? 0 : HH_EXPECTED_HTTP;
}

/* Why the unfinished header line s[0..n) (n > 0) can never become valid, or 0 while it still can. */
static int header_prefix_error(const uint8_t *s, size_t n) {
    if (s[0] == ' ' || s[0] == '\t') return HH_LEADING_SPACE;
    const uint8_t *c = memchr(s, ':', n);
    if (!c && !(n == 1 && s[0] == '\r') && s[n - 1] == '\r') return HH_HEADER_TOKEN;
    size_t nlen = c ? (size_t)(c - s) : (s[n - 1] == '\r' ? n - 1 : n);
    for (size_t i = 0; i < nlen; i++) if (!TOKEN(s[i])) return HH_HEADER_TOKEN;
    if (c == s) return HH_HEADER_TOKEN;
    if (!c) return 0;
    size_t v0 = nlen + 1, v1 = s[n - 1] == '\r' ? n - 1 : n;
    if (v1 < v0) v1 = v0;
    for (size_t i = v0; i < v1; i++) if (BADVAL(s[i])) return HH_VALUE_CHAR;
    if (nlen == 14 && ieq(s, 14, "content-length")) {
        size_t i = 15, e = n;
        while (i < e && (s[i] == ' ' || s[i] == '\t')) i++;
        size_t d0 = i;
        while (i < e && DIGIT(s[i])) i++;
        size_t d1 = i;
        while (i < e && (s[i] == ' ' || s[i] == '\t')) i++;
        if (i < e && s[i] == '\r') i++;
        if (i != e || (d1 > d0 && !valid_content_length(s + d0, d1 - d0))) return HH_CL_INVALID;
    }
    return 0;
}

/* What a partial line of the head s[0..n) at the end of the data means (the checks HttpParser.execute makes when
 * a call ends mid-line: the limit first, then whether the line can still become valid). */
static int partial_line(const uint8_t *s, size_t n, int in_headers, int response, int64_t head_bytes, int64_t limit) {
    if (head_bytes + (int64_t)n >= limit) return HH_OVERFLOW;
    if (!n) return 0;
    if (in_headers) return header_prefix_error(s, n);
    if (response) return (n <= 5 && memcmp(s, "HTTP/", n) == 0) || (n >= 6 && memcmp(s, "HTTP/", 5) == 0 && DIGIT(s[5])) ? 0 : HH_EXPECTED_HTTP;
    return request_prefix_error(s, n);
}

/* ^[^ ]+ +[^ ]*$ : a request line that may end in LF alone (HTTP/0.9 form). */
static int lf_only_request_line(const uint8_t *p, size_t n) {
    size_t i = 0;
    while (i < n && p[i] != ' ') i++;
    if (!i || i == n) return 0;
    while (i < n && p[i] == ' ') i++;
    while (i < n && p[i] != ' ') i++;
    return i == n;
}

#define FAIL(code, at) do { out[HH_END] = (int32_t)(at); return (code); } while (0)

int http_head_scan(const uint8_t *buf, size_t start, size_t end, int response, int64_t limit,
                   int32_t *out, size_t out_len) {
    if (!cls_ready) build_classes();
    size_t pos = start;
    size_t max_headers = out_len >= HH_FIELDS ? (out_len - HH_FIELDS) / 4 : 0;
    /* The start line (empty lines before a start line are skipped). */
    for (;;) {
        const uint8_t *lf = memchr(buf + pos, '\n', end - pos);
        if (!lf) {
            int e = partial_line(buf + pos, end - pos, 0, response, 0, limit);
            if (e) FAIL(e, end);
            return 0;
        }
        size_t at = (size_t)(lf - buf), next = at + 1;
        const uint8_t *p = buf + pos;
        size_t n = at - pos;
        if (n && p[n - 1] == '\r') n--;
        else if (n && !(!response && lf_only_request_line(p, n))) FAIL((int64_t)n >= limit ? HH_OVERFLOW : HH_CR_EXPECTED, next);
        if (!response) while (n && p[0] == '\r') { p++; n--; }
        if (!n) { pos = next; continue; }
        int e = response ? status_line(p, n, (size_t)(p - buf), out) : request_line(p, n, (size_t)(p - buf), limit, out);
        if (e) FAIL(e, next);
        pos = next;
        break;
    }
    int64_t head_bytes = out[HH_BYTES];
    size_t count = 0;
    int seen_cl = 0, seen_te = 0, empty_cl = 0, flags = 0;
    /* Header lines up to the empty line. */
    for (;;) {
        const uint8_t *lf = memchr(buf + pos, '\n', end - pos);
        if (!lf) {
            int e = partial_line(buf + pos, end - pos, 1, response, head_bytes, limit);
            if (e) FAIL(e, end);
            return 0;
        }
        size_t at = (size_t)(lf - buf), next = at + 1;
        const uint8_t *p = buf + pos;
        size_t n = at - pos;
        if (!n || p[n - 1] != '\r') FAIL(head_bytes + (int64_t)n >= limit ? HH_OVERFLOW : HH_CR_EXPECTED, next);
        n--;
        if (!n) {
            if (empty_cl) FAIL(HH_CL_INVALID, next);
            if (count > max_headers) return HH_OUT_FULL;
            out[HH_END] = (int32_t)next;
            out[HH_COUNT] = (int32_t)count;
            out[HH_BYTES] = (int32_t)head_bytes;
            out[HH_FLAGS] = flags;
            return (int)next;
        }
        size_t i = 0;
        while (i < n && TOKEN(p[i])) i++;
        size_t nlen = i;
        if (!nlen || i == n || p[i] != ':') FAIL(HH_HEADER_TOKEN, next);
        i++;
        if (memchr(p + i, '\r', n - i)) FAIL(HH_HEADER_TOKEN, next);
        while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
        size_t v0 = i, v1 = n;
        while (v1 > v0 && (p[v1 - 1] == ' ' || p[v1 - 1] == '\t')) v1--;
        size_t bad = v0;
        while (bad < v1 && !BADVAL(p[bad])) bad++;
        if (head_bytes + (int64_t)nlen + (int64_t)(bad - v0) >= limit) FAIL(HH_OVERFLOW, next);
        if (bad < v1) FAIL(HH_VALUE_CHAR, next);
        int is_cl = nlen == 14 && ieq(p, 14, "content-length");
        int is_te = nlen == 17 && ieq(p, 17, "transfer-encoding");
        if (!response && ((is_cl && seen_te) || (is_te && seen_cl))) FAIL(HH_CL_WITH_TE, next);
        head_bytes += (int64_t)(nlen + v1 - v0);
        if (is_cl) {
            if (v1 > v0 && !valid_content_length(p + v0, v1 - v0)) FAIL(HH_CL_INVALID, next);
            if (seen_cl) FAIL(HH_CL_DUPLICATE, next);
            seen_cl = 1;
            empty_cl = v1 == v0;
            flags |= HH_HAS_CONTENT_LENGTH;
            for (size_t k = v0; k < v1; k++) if (p[k] != '0') flags |= HH_NONZERO_CONTENT_LENGTH;
        }
        if (is_te) { seen_te = 1; flags |= HH_HAS_TRANSFER_ENCODING; }
        if (count < max_headers) {
            int32_t *f = out + HH_FIELDS + 4 * count;
            size_t b = (size_t)(p - buf);
            f[0] = (int32_t)b;
            f[1] = (int32_t)(b + nlen);
            f[2] = (int32_t)(b + v0);
            f[3] = (int32_t)(b + v1);
        }
        count++;
        pos = next;
    }
}
