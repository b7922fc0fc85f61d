/* boot/native/tls_glue.c — node:tls's native side: Mbed TLS 3.6's handshake and record protection over byte buffers
 * that the TypeScript side fills from and drains to the socket (libos/tls). Compiled only into the "tls" library
 * (libs/tls.mk, configuration mbedtls_tls_config.h), whose copy of node:crypto's glue calls glue_install_tls.
 *   hal.tlsConfig(server, minVersion, maxVersion) → a configuration (shared by many sessions) with
 *     addCa(bytes) → count          trusted roots, PEM (any number) or DER
 *     addKeyCert(chain, key, pass)  the local certificate chain and its private key (PEM or DER; key may be encrypted)
 *     setAlpn(names[]), setCiphers(Int32Array of IANA suite ids, 0-terminated by us), setVerify(0 none | 1 optional
 *     | 2 required), enableTickets(lifetimeSeconds)   (server: TLS 1.2 tickets and TLS 1.3 resumption)
 *   hal.tlsSession(config, hostname | null) → a connection with
 *     feed(bytes)                   ciphertext received from the peer
 *     take() → ArrayBuffer | undefined   ciphertext to send
 *     handshake() → 0 | code        0: done; otherwise Mbed TLS's code (WANT_READ etc. are negative, see tlsCodes)
 *     read(max) → ArrayBuffer | code     plaintext, or a code (0 is the peer's close)
 *     write(bytes) → n | code       plaintext bytes taken (one record at most)
 *     closeNotify(), info() → {version, suite, alpn, verify, servername, resumed}, peerCerts() → [DER...],
 *     saveSession() → ArrayBuffer | undefined, loadSession(bytes) → code
 *   hal.tlsCodes: the Mbed TLS codes the TypeScript side tells apart.
 * Verification of the peer's name is TypeScript's (Node's checkServerIdentity): Mbed TLS is given the host name for
 * SNI and its own name check's flag is ignored there. Everything Node-shaped stays in TypeScript.
 * Layer: native core (library glue). Typed for TypeScript in libos/tls/_native.ts. */
/* The handshake state (ssl_misc.h) is private to the library: read here only for whether it resumed a session. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <stdlib.h>
#include <string.h>
#include "mbedtls_glue.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_ticket.h"
#include "mbedtls/x509_crt.h"
#include "psa/crypto.h"
#include "ssl_misc.h"                  /* the handshake state: whether this one resumed a session */

#define MAX_CERTS 4
#define MAX_ALPN 16

/* PSA's random generator is node:crypto's CTR_DRBG (seeded from the kernel pool before any TLS object exists). */
psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *context, uint8_t *output,
                                             size_t output_size, size_t *output_length) {
    (void)context;
    if (glue_random(NULL, output, output_size)) return PSA_ERROR_INSUFFICIENT_ENTROPY;
    *output_length = output_size;
    return PSA_SUCCESS;
}

struct tls_conf {
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    int ca_count;
    mbedtls_x509_crt certs[MAX_CERTS];
    mbedtls_pk_context keys[MAX_CERTS];
    int ncerts;
    mbedtls_ssl_ticket_context ticket;
    int tickets;
    const char *alpn[MAX_ALPN + 1];
    char *alpn_buf;
    int *suites;
    int refs;                       /* the JS object, and each session made from it */
};

struct tls_sess {
    mbedtls_ssl_context ssl;
    struct tls_conf *conf;
    uint8_t *in, *out;
    size_t in_off, in_len, in_cap, out_len, out_cap;
    char servername[256];           /* server: the name the client asked for (SNI) */
    int resumed;                    /* the handshake resumed a session (a ticket, or a TLS 1.2 session id) */
    int alert;                      /* the description of the last fatal alert received (-1: none) */
};

static JSClassID conf_class, sess_class;
static int psa_ready;

static void conf_release(struct tls_conf *c) {
    if (--c->refs > 0) return;
    mbedtls_ssl_config_free(&c->conf);
    mbedtls_x509_crt_free(&c->ca);
    for (int i = 0; i < c->ncerts; i++) {
        mbedtls_x509_crt_free(&c->certs[i]);
        mbedtls_pk_free(&c->keys[i]);
    }
    if (c->tickets) mbedtls_ssl_ticket_free(&c->ticket);
    free(c->alpn_buf);
    free(c->suites);
    free(c);
}

static void conf_finalizer(JSRuntime *rt, JSValue val) {
    (void)rt;
    struct tls_conf *c = JS_GetOpaque(val, conf_class);
    if (c) conf_release(c);
}

static void sess_finalizer(JSRuntime *rt, JSValue val) {
    (void)rt;
    struct tls_sess *s = JS_GetOpaque(val, sess_class);
    if (!s) return;
    mbedtls_ssl_free(&s->ssl);
    if (s->in) { mbedtls_platform_zeroize(s->in, s->in_cap); free(s->in); }
    free(s->out);
    conf_release(s->conf);
    free(s);
}

static JSValue throw_tls(JSContext *ctx, const char *what, int err) {
    return JS_ThrowInternalError(ctx, "tls: %s failed (mbedtls error -0x%04x)", what, (unsigned)-err);
}

/* Bytes for Mbed TLS's parsers: PEM must end with a NUL that is counted in the length. */
static uint8_t *parse_input(JSContext *ctx, JSValueConst v, size_t *len) {
    size_t n;
    const uint8_t *p = glue_bytes(ctx, v, &n);
    if (!p) return NULL;
    uint8_t *copy = malloc(n + 1);
    if (!copy) { JS_ThrowOutOfMemory(ctx); return NULL; }
    memcpy(copy, p, n);
    copy[n] = 0;
    int pem = n > 0 && memmem(p, n, "-----BEGIN ", 11) != NULL;
    *len = pem ? n + 1 : n;
    return copy;
}

static void free_input(uint8_t *p, size_t len) {
    if (!p) return;
    mbedtls_platform_zeroize(p, len);
    free(p);
}

/* ---- BIO callbacks: the session's buffers ---- */

static int bio_send(void *opaque, const unsigned char *buf, size_t len) {
    struct tls_sess *s = opaque;
    if (s->out_len + len > s->out_cap) {
        size_t cap = s->out_cap ? s->out_cap : 4096;
        while (cap < s->out_len + len) cap *= 2;
        uint8_t *p = realloc(s->out, cap);
        if (!p) return MBEDTLS_ERR_SSL_ALLOC_FAILED;
        s->out = p;
        s->out_cap = cap;
    }
    memcpy(s->out + s->out_len, buf, len);
    s->out_len += len;
    return (int)len;
}

static int bio_recv(void *opaque, unsigned char *buf, size_t len) {
    struct tls_sess *s = opaque;
    size_t have = s->in_len - s->in_off;
    if (have == 0) return MBEDTLS_ERR_SSL_WANT_READ;
    if (len > have) len = have;
    memcpy(buf, s->in + s->in_off, len);
    s->in_off += len;
    return (int)len;
}

/* Server: records the name the client asked for, and accepts it (the TypeScript side chose the configuration for
 * it before the session was made, from the ClientHello it peeked at). */
static int sni_record(void *opaque, mbedtls_ssl_context *ssl, const unsigned char *name, size_t len) {
    (void)opaque;
    struct tls_sess *s = mbedtls_ssl_get_user_data_p(ssl);
    if (s && len < sizeof s->servername) {
        memcpy(s->servername, name, len);
        s->servername[len] = 0;
    }
    return 0;
}

/* ---- configuration ---- */

static struct tls_conf *this_conf(JSContext *ctx, JSValueConst v) {
    return JS_GetOpaque2(ctx, v, conf_class);
}

/* hal.tlsConfig(server, minVersion, maxVersion): versions as 0x0303 (TLS 1.2) / 0x0304 (TLS 1.3). */
static JSValue hal_tls_config(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int64_t minv, maxv;
    int server = JS_ToBool(ctx, argv[0]);
    if (server < 0 || glue_int(ctx, argv[1], 0x0303, 0x0304, &minv, "TLS version") ||
        glue_int(ctx, argv[2], 0x0303, 0x0304, &maxv, "TLS version")) return JS_EXCEPTION;
    if (glue_random_ready(ctx)) return JS_EXCEPTION;
    if (!psa_ready) {
        psa_status_t st = psa_crypto_init();
        if (st != PSA_SUCCESS) return JS_ThrowInternalError(ctx, "tls: PSA crypto could not start (%d)", (int)st);
        psa_ready = 1;
    }
    struct tls_conf *c = calloc(1, sizeof *c);
    if (!c) return JS_ThrowOutOfMemory(ctx);
    c->refs = 1;
    mbedtls_ssl_config_init(&c->conf);
    mbedtls_x509_crt_init(&c->ca);
    int err = mbedtls_ssl_config_defaults(&c->conf, server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
                                          MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (err) { conf_release(c); return throw_tls(ctx, "configuring", err); }
    mbedtls_ssl_conf_rng(&c->conf, glue_random, NULL);
    mbedtls_ssl_conf_min_tls_version(&c->conf, (mbedtls_ssl_protocol_version)minv);
    mbedtls_ssl_conf_max_tls_version(&c->conf, (mbedtls_ssl_protocol_version)maxv);
    mbedtls_ssl_conf_authmode(&c->conf, server ? MBEDTLS_SSL_VERIFY_NONE : MBEDTLS_SSL_VERIFY_OPTIONAL);
    mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);
    if (server) mbedtls_ssl_conf_sni(&c->conf, sni_record, NULL);
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (!server) mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(&c->conf,
                     MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
    JSValue obj = JS_NewObjectClass(ctx, (int)conf_class);
    if (JS_IsException(obj)) { conf_release(c); return obj; }
    JS_SetOpaque(obj, c);
    return obj;
}

/* conf.addCa(bytes) → how many certificates were added (PEM bundles: those that parse; none is an error). */
static JSValue conf_add_ca(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_conf *c = this_conf(ctx, this_val);
    if (!c) return JS_EXCEPTION;
    size_t len;
    uint8_t *p = parse_input(ctx, argv[0], &len);
    if (!p) return JS_EXCEPTION;
    int before = 0;
    for (mbedtls_x509_crt *x = &c->ca; x && x->raw.p; x = x->next) before++;
    int err = mbedtls_x509_crt_parse(&c->ca, p, len);
    free_input(p, len);
    int after = 0;
    for (mbedtls_x509_crt *x = &c->ca; x && x->raw.p; x = x->next) after++;
    if (after == before) return throw_tls(ctx, "parsing a CA certificate", err < 0 ? err : -1);
    c->ca_count = after;
    return JS_NewInt32(ctx, after - before);
}

/* conf.addKeyCert(chain, key, passphrase | undefined) */
static JSValue conf_add_key_cert(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_conf *c = this_conf(ctx, this_val);
    if (!c) return JS_EXCEPTION;
    if (c->ncerts == MAX_CERTS) return JS_ThrowRangeError(ctx, "tls: at most %d certificates", MAX_CERTS);
    size_t clen, klen, plen = 0;
    const char *pass = NULL;
    if (!JS_IsUndefined(argv[2]) && !JS_IsNull(argv[2])) {
        pass = JS_ToCStringLen(ctx, &plen, argv[2]);
        if (!pass) return JS_EXCEPTION;
    }
    uint8_t *cp = parse_input(ctx, argv[0], &clen);
    uint8_t *kp = cp ? parse_input(ctx, argv[1], &klen) : NULL;
    if (!kp) { free_input(cp, clen); if (pass) JS_FreeCString(ctx, pass); return JS_EXCEPTION; }
    int i = c->ncerts;
    mbedtls_x509_crt_init(&c->certs[i]);
    mbedtls_pk_init(&c->keys[i]);
    int err = mbedtls_x509_crt_parse(&c->certs[i], cp, clen);
    const char *what = "parsing the certificate";
    if (err == 0) {
        what = "parsing the private key";
        err = mbedtls_pk_parse_key(&c->keys[i], kp, klen, (const unsigned char *)pass, plen, glue_random, NULL);
    }
    if (err == 0) {
        what = "pairing the key with the certificate";
        err = mbedtls_pk_check_pair(&c->certs[i].pk, &c->keys[i], glue_random, NULL);
    }
    if (err == 0) {
        what = "using the certificate";
        err = mbedtls_ssl_conf_own_cert(&c->conf, &c->certs[i], &c->keys[i]);
    }
    free_input(cp, clen);
    free_input(kp, klen);
    if (pass) JS_FreeCString(ctx, pass);
    if (err) {
        mbedtls_x509_crt_free(&c->certs[i]);
        mbedtls_pk_free(&c->keys[i]);
        return throw_tls(ctx, what, err);
    }
    c->ncerts++;
    return JS_UNDEFINED;
}

/* conf.setAlpn(["h2", "http/1.1"]) */
static JSValue conf_set_alpn(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_conf *c = this_conf(ctx, this_val);
    if (!c) return JS_EXCEPTION;
    int64_t n;
    JSValue lenv = JS_GetPropertyStr(ctx, argv[0], "length");
    if (glue_int(ctx, lenv, 0, MAX_ALPN, &n, "ALPN list length")) { JS_FreeValue(ctx, lenv); return JS_EXCEPTION; }
    JS_FreeValue(ctx, lenv);
    size_t total = 0;
    for (int64_t i = 0; i < n; i++) {
        JSValue v = JS_GetPropertyUint32(ctx, argv[0], (uint32_t)i);
        size_t l;
        const char *s = JS_ToCStringLen(ctx, &l, v);
        JS_FreeValue(ctx, v);
        if (!s) return JS_EXCEPTION;
        JS_FreeCString(ctx, s);
        if (l == 0 || l > 255) return JS_ThrowRangeError(ctx, "tls: an ALPN protocol name is 1 to 255 bytes");
        total += l + 1;
    }
    char *buf = malloc(total ? total : 1);
    if (!buf) return JS_ThrowOutOfMemory(ctx);
    size_t at = 0;
    for (int64_t i = 0; i < n; i++) {
        JSValue v = JS_GetPropertyUint32(ctx, argv[0], (uint32_t)i);
        size_t l;
        const char *s = JS_ToCStringLen(ctx, &l, v);
        JS_FreeValue(ctx, v);
        if (!s || at + l + 1 > total) { if (s) JS_FreeCString(ctx, s); free(buf); return JS_EXCEPTION; }
        memcpy(buf + at, s, l + 1);
        c->alpn[i] = buf + at;
        at += l + 1;
        JS_FreeCString(ctx, s);
    }
    c->alpn[n] = NULL;
    free(c->alpn_buf);
    c->alpn_buf = buf;
    int err = mbedtls_ssl_conf_alpn_protocols(&c->conf, n ? c->alpn : NULL);
    if (err) return throw_tls(ctx, "setting ALPN", err);
    return JS_UNDEFINED;
}

/* conf.setCiphers(Int32Array of IANA ids) */
static JSValue conf_set_ciphers(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_conf *c = this_conf(ctx, this_val);
    if (!c) return JS_EXCEPTION;
    size_t len;
    const uint8_t *p = glue_bytes(ctx, argv[0], &len);
    if (!p) return JS_EXCEPTION;
    size_t n = len / sizeof(int32_t);
    int *suites = malloc((n + 1) * sizeof(int));
    if (!suites) return JS_ThrowOutOfMemory(ctx);
    for (size_t i = 0; i < n; i++) {
        int32_t v;
        memcpy(&v, p + i * sizeof v, sizeof v);
        suites[i] = v;
    }
    suites[n] = 0;
    free(c->suites);
    c->suites = suites;
    mbedtls_ssl_conf_ciphersuites(&c->conf, suites);
    return JS_UNDEFINED;
}

/* conf.setVerify(0 none | 1 optional | 2 required) */
static JSValue conf_set_verify(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_conf *c = this_conf(ctx, this_val);
    int64_t mode;
    if (!c || glue_int(ctx, argv[0], 0, 2, &mode, "verify mode")) return JS_EXCEPTION;
    mbedtls_ssl_conf_authmode(&c->conf, mode == 0 ? MBEDTLS_SSL_VERIFY_NONE
                                        : mode == 1 ? MBEDTLS_SSL_VERIFY_OPTIONAL : MBEDTLS_SSL_VERIFY_REQUIRED);
    return JS_UNDEFINED;
}

/* conf.enableTickets(lifetimeSeconds): the server issues session tickets (AES-256-GCM keys rotated per lifetime). */
static JSValue conf_enable_tickets(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_conf *c = this_conf(ctx, this_val);
    int64_t life;
    if (!c || glue_int(ctx, argv[0], 1, 7 * 86400, &life, "ticket lifetime")) return JS_EXCEPTION;
    if (c->tickets) return JS_UNDEFINED;
    mbedtls_ssl_ticket_init(&c->ticket);
    int err = mbedtls_ssl_ticket_setup(&c->ticket, glue_random, NULL, MBEDTLS_CIPHER_AES_256_GCM, (uint32_t)life);
    if (err) { mbedtls_ssl_ticket_free(&c->ticket); return throw_tls(ctx, "setting up session tickets", err); }
    c->tickets = 1;
    mbedtls_ssl_conf_session_tickets_cb(&c->conf, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse, &c->ticket);
    return JS_UNDEFINED;
}

/* ---- sessions ---- */

static struct tls_sess *this_sess(JSContext *ctx, JSValueConst v) {
    return JS_GetOpaque2(ctx, v, sess_class);
}

/* hal.tlsSession(config, hostname | null) */
static JSValue hal_tls_session(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    struct tls_conf *c = this_conf(ctx, argv[0]);
    if (!c) return JS_EXCEPTION;
    struct tls_sess *s = calloc(1, sizeof *s);
    if (!s) return JS_ThrowOutOfMemory(ctx);
    mbedtls_ssl_init(&s->ssl);
    s->conf = c;
    s->alert = -1;
    c->refs++;
    int err = mbedtls_ssl_setup(&s->ssl, &c->conf);
    if (!err) {
        mbedtls_ssl_set_user_data_p(&s->ssl, s);
        mbedtls_ssl_set_bio(&s->ssl, s, bio_send, bio_recv, NULL);
        if (mbedtls_ssl_conf_get_endpoint(&c->conf) == MBEDTLS_SSL_IS_CLIENT) {
            const char *host = NULL;
            if (!JS_IsNull(argv[1]) && !JS_IsUndefined(argv[1])) {
                host = JS_ToCString(ctx, argv[1]);
                if (!host) goto fail_js;
            }
            err = mbedtls_ssl_set_hostname(&s->ssl, host);   /* NULL: no SNI, and Mbed TLS checks no name */
            if (host) JS_FreeCString(ctx, host);
        }
    }
    JSValue obj = JS_NewObjectClass(ctx, (int)sess_class);
    if (JS_IsException(obj)) goto fail_js;
    JS_SetOpaque(obj, s);
    if (err) { JS_FreeValue(ctx, obj); return throw_tls(ctx, "starting a session", err); }
    return obj;
fail_js:
    mbedtls_ssl_free(&s->ssl);
    conf_release(c);
    free(s);
    return JS_EXCEPTION;
}

/* sess.feed(bytes) */
static JSValue sess_feed(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    size_t n;
    const uint8_t *p = glue_bytes(ctx, argv[0], &n);
    if (!p) return JS_EXCEPTION;
    if (s->in_off > 0) {                       /* compact */
        memmove(s->in, s->in + s->in_off, s->in_len - s->in_off);
        s->in_len -= s->in_off;
        s->in_off = 0;
    }
    if (s->in_len + n > s->in_cap) {
        size_t cap = s->in_cap ? s->in_cap : 16384;
        while (cap < s->in_len + n) cap *= 2;
        uint8_t *q = realloc(s->in, cap);
        if (!q) return JS_ThrowOutOfMemory(ctx);
        s->in = q;
        s->in_cap = cap;
    }
    memcpy(s->in + s->in_len, p, n);
    s->in_len += n;
    return JS_UNDEFINED;
}

/* sess.take() → the ciphertext waiting to be sent, or undefined */
static JSValue sess_take(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    if (s->out_len == 0) return JS_UNDEFINED;
    JSValue ab = JS_NewArrayBufferCopy(ctx, s->out, s->out_len);
    s->out_len = 0;
    return ab;
}

/* sess.pending() → ciphertext bytes received and not yet processed */
static JSValue sess_pending(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    return JS_NewInt64(ctx, (int64_t)(s->in_len - s->in_off) + (int64_t)mbedtls_ssl_get_bytes_avail(&s->ssl));
}

/* After MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE the alert record is still the current input message. */
static void note_alert(struct tls_sess *s, int r) {
    if (r == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && s->ssl.in_msg && s->ssl.in_msgtype == MBEDTLS_SSL_MSG_ALERT)
        s->alert = s->ssl.in_msg[1];
}

/* The handshake one step at a time, so whether it resumed a session can be read before its state is freed. */
static JSValue sess_handshake(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    int r = 0;
    while (!mbedtls_ssl_is_handshake_over(&s->ssl)) {
        r = mbedtls_ssl_handshake_step(&s->ssl);
        mbedtls_ssl_context *ssl = &s->ssl;
        if (ssl->handshake) {
            s->resumed = ssl->tls_version == MBEDTLS_SSL_VERSION_TLS1_3
                             ? mbedtls_ssl_tls13_key_exchange_mode_with_psk(ssl)
                             : ssl->handshake->resume;
        }
        if (r) break;
    }
    note_alert(s, r);
    return JS_NewInt32(ctx, r);
}

/* sess.read(max) → ArrayBuffer of plaintext, or a code (0: the peer closed; negative: Mbed TLS's) */
static JSValue sess_read(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_sess *s = this_sess(ctx, this_val);
    int64_t max;
    if (!s || glue_int(ctx, argv[0], 1, 1 << 20, &max, "read size")) return JS_EXCEPTION;
    uint8_t *buf = js_malloc(ctx, (size_t)max);
    if (!buf) return JS_EXCEPTION;
    int r = mbedtls_ssl_read(&s->ssl, buf, (size_t)max);
    if (r <= 0) { js_free(ctx, buf); note_alert(s, r); return JS_NewInt32(ctx, r); }
    JSValue ab = JS_NewArrayBufferCopy(ctx, buf, (size_t)r);
    js_free(ctx, buf);
    return ab;
}

/* sess.write(bytes) → bytes taken (at most one record's worth) or a negative code */
static JSValue sess_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    size_t n;
    const uint8_t *p = glue_bytes(ctx, argv[0], &n);
    if (!p) return JS_EXCEPTION;
    return JS_NewInt32(ctx, mbedtls_ssl_write(&s->ssl, p, n));
}

static JSValue sess_close_notify(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    return JS_NewInt32(ctx, mbedtls_ssl_close_notify(&s->ssl));
}

static void set_str(JSContext *ctx, JSValue obj, const char *key, const char *v) {
    JS_SetPropertyStr(ctx, obj, key, v ? JS_NewString(ctx, v) : JS_NULL);
}

/* sess.info() → { version: "TLSv1.3", suite: IANA id, alpn, verify: X.509 flags, servername, resumed } */
static JSValue sess_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    JSValue o = JS_NewObject(ctx);
    const char *ver = mbedtls_ssl_get_version(&s->ssl);
    set_str(ctx, o, "version", ver && strcmp(ver, "unknown") ? ver : NULL);
    JS_SetPropertyStr(ctx, o, "suite", JS_NewInt32(ctx, mbedtls_ssl_get_ciphersuite_id_from_ssl(&s->ssl)));
    set_str(ctx, o, "alpn", mbedtls_ssl_get_alpn_protocol(&s->ssl));
    JS_SetPropertyStr(ctx, o, "verify", JS_NewUint32(ctx, mbedtls_ssl_get_verify_result(&s->ssl)));
    set_str(ctx, o, "servername", s->servername[0] ? s->servername : NULL);
    JS_SetPropertyStr(ctx, o, "resumed", JS_NewBool(ctx, s->resumed));
    JS_SetPropertyStr(ctx, o, "alert", JS_NewInt32(ctx, s->alert));
    return o;
}

/* sess.peerCerts() → the peer's chain as DER ArrayBuffers, leaf first ([] before the handshake or without one) */
static JSValue sess_peer_certs(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    JSValue arr = JS_NewArray(ctx);
    uint32_t i = 0;
    for (const mbedtls_x509_crt *x = mbedtls_ssl_get_peer_cert(&s->ssl); x && x->raw.p; x = x->next)
        JS_SetPropertyUint32(ctx, arr, i++, JS_NewArrayBufferCopy(ctx, x->raw.p, x->raw.len));
    return arr;
}

/* sess.saveSession() → the session (for resumption) as bytes, or undefined when there is none */
static JSValue sess_save_session(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    mbedtls_ssl_session sess;
    mbedtls_ssl_session_init(&sess);
    JSValue ret = JS_UNDEFINED;
    if (mbedtls_ssl_get_session(&s->ssl, &sess) == 0) {
        size_t len = 0;
        mbedtls_ssl_session_save(&sess, NULL, 0, &len);
        uint8_t *buf = len ? js_malloc(ctx, len) : NULL;
        if (buf && mbedtls_ssl_session_save(&sess, buf, len, &len) == 0) ret = JS_NewArrayBufferCopy(ctx, buf, len);
        if (buf) { mbedtls_platform_zeroize(buf, len); js_free(ctx, buf); }
    }
    mbedtls_ssl_session_free(&sess);
    return ret;
}

/* sess.loadSession(bytes) → 0 or Mbed TLS's code (before the handshake, client side) */
static JSValue sess_load_session(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    size_t n;
    const uint8_t *p = glue_bytes(ctx, argv[0], &n);
    if (!p) return JS_EXCEPTION;
    mbedtls_ssl_session sess;
    mbedtls_ssl_session_init(&sess);
    int err = mbedtls_ssl_session_load(&sess, p, n);
    if (!err) err = mbedtls_ssl_set_session(&s->ssl, &sess);
    mbedtls_ssl_session_free(&sess);
    return JS_NewInt32(ctx, err);
}

static const JSCFunctionListEntry conf_methods[] = {
    JS_CFUNC_DEF("addCa", 1, conf_add_ca),
    JS_CFUNC_DEF("addKeyCert", 3, conf_add_key_cert),
    JS_CFUNC_DEF("setAlpn", 1, conf_set_alpn),
    JS_CFUNC_DEF("setCiphers", 1, conf_set_ciphers),
    JS_CFUNC_DEF("setVerify", 1, conf_set_verify),
    JS_CFUNC_DEF("enableTickets", 1, conf_enable_tickets),
};

static const JSCFunctionListEntry sess_methods[] = {
    JS_CFUNC_DEF("feed", 1, sess_feed),
    JS_CFUNC_DEF("take", 0, sess_take),
    JS_CFUNC_DEF("pending", 0, sess_pending),
    JS_CFUNC_DEF("handshake", 0, sess_handshake),
    JS_CFUNC_DEF("read", 1, sess_read),
    JS_CFUNC_DEF("write", 1, sess_write),
    JS_CFUNC_DEF("closeNotify", 0, sess_close_notify),
    JS_CFUNC_DEF("info", 0, sess_info),
    JS_CFUNC_DEF("peerCerts", 0, sess_peer_certs),
    JS_CFUNC_DEF("saveSession", 0, sess_save_session),
    JS_CFUNC_DEF("loadSession", 1, sess_load_session),
};

#define CODE(name) JS_SetPropertyStr(ctx, codes, #name, JS_NewInt32(ctx, MBEDTLS_ERR_SSL_##name))

void glue_install_tls(JSContext *ctx, JSValue hal) {
    glue_class(ctx, &conf_class, "TlsConfig", conf_finalizer, conf_methods,
               sizeof conf_methods / sizeof conf_methods[0]);
    glue_class(ctx, &sess_class, "TlsSession", sess_finalizer, sess_methods,
               sizeof sess_methods / sizeof sess_methods[0]);
    JS_SetPropertyStr(ctx, hal, "tlsConfig", JS_NewCFunction(ctx, hal_tls_config, "tlsConfig", 3));
    JS_SetPropertyStr(ctx, hal, "tlsSession", JS_NewCFunction(ctx, hal_tls_session, "tlsSession", 2));
    JSValue codes = JS_NewObject(ctx);
    CODE(WANT_READ); CODE(WANT_WRITE); CODE(PEER_CLOSE_NOTIFY); CODE(RECEIVED_NEW_SESSION_TICKET);
    CODE(FATAL_ALERT_MESSAGE); CODE(INVALID_RECORD); CODE(INVALID_MAC); CODE(BAD_PROTOCOL_VERSION);
    CODE(HANDSHAKE_FAILURE); CODE(DECODE_ERROR); CODE(ILLEGAL_PARAMETER); CODE(UNEXPECTED_MESSAGE);
    CODE(CONN_EOF); CODE(BAD_CERTIFICATE); CODE(UNSUPPORTED_EXTENSION); CODE(NO_APPLICATION_PROTOCOL);
    CODE(ALLOC_FAILED); CODE(BUFFER_TOO_SMALL); CODE(UNEXPECTED_RECORD); CODE(CA_CHAIN_REQUIRED);
    CODE(PRIVATE_KEY_REQUIRED); CODE(BAD_INPUT_DATA); CODE(NO_CLIENT_CERTIFICATE); CODE(UNRECOGNIZED_NAME);
    CODE(VERSION_MISMATCH); CODE(BAD_CONFIG); CODE(FEATURE_UNAVAILABLE); CODE(INTERNAL_ERROR);
    CODE(CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME); CODE(SESSION_TICKET_EXPIRED); CODE(PK_TYPE_MISMATCH);
    JS_SetPropertyStr(ctx, codes, "X509_CERT_VERIFY_FAILED", JS_NewInt32(ctx, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED));
    JS_SetPropertyStr(ctx, hal, "tlsCodes", codes);
}
