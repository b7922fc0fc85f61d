/* boot/native/tls_glue.c — node:tls's native side: Mbed TLS 3.6's handshake and record protection over byte buffers
 * that the TypeScript side fills from and drains to the socket (libos/tls). Compiled only into the "tls" library
 * (libs/tls.mk, configuration mbedtls_tls_config.h), whose copy of node:crypto's glue calls glue_install_tls.
 *   hal.tlsConfig(server, minVersion, maxVersion) → a configuration (shared by many sessions) with
 *     addCa(bytes) → count          trusted roots, PEM (any number) or DER
 *     addKeyCert(chain, key, pass)  the local certificate chain and its private key (PEM or DER; key may be encrypted)
 *     setAlpn(names[]), setCiphers(Int32Array of IANA suite ids, 0-terminated by us), setVerify(0 none | 1 optional
 *     | 2 required), enableTickets(lifetimeSeconds, keys48)   (server: TLS 1.2 tickets and TLS 1.3 resumption),
 *     setTicketKeys(keys48)         Node's 48 ticket-key bytes: bytes 0-3 name the key, 16-47 are its AES-256-GCM key
 *   hal.tlsSession(config, hostname | null) → a connection with
 *     feed(bytes)                   ciphertext received from the peer
 *     take() → ArrayBuffer | undefined   ciphertext to send
 *     handshake() → 0 | code        0: done; otherwise Mbed TLS's code (WANT_READ etc. are negative, see tlsCodes)
 *     read(max) → ArrayBuffer | code     plaintext, or a code (0 is the peer's close)
 *     write(bytes) → n | code       plaintext bytes taken (one record at most)
 *     closeNotify(), info() → {version, suite, alpn, verify, servername, resumed}, peerCerts() → [DER...],
 *     saveSession() → ArrayBuffer | undefined, loadSession(bytes) → code,
 *     requireCert()                 server: a client sending no certificate is refused (alert 116 in TLS 1.3, 40 in
 *                                   1.2, as OpenSSL's SSL_VERIFY_FAIL_IF_NO_PEER_CERT) while a bad one is reported
 *     enableKeylog(), takeKeylog() → string | undefined   NSS key log lines (SSLKEYLOGFILE format) of this session
 *     exportKeyingMaterial(length, label, context | undefined) → ArrayBuffer | code   (RFC 5705 / RFC 8446 §7.5)
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
    uint32_t ticket_life;
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
    int require_cert;               /* server: refuse a client that sends no certificate */
    uint32_t verify_flags;          /* server: the client chain's X.509 flags, gathered by verify_record */
    int keylog;                     /* key log lines are kept (someone listens for 'keylog') */
    int exporter_logged;            /* the TLS 1.3 EXPORTER_SECRET line was written */
    unsigned char client_random[32];
    char *klog;                     /* key log lines not yet taken */
    size_t klog_len, klog_cap;
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
    if (s->klog) { mbedtls_platform_zeroize(s->klog, s->klog_cap); free(s->klog); }
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

/* Server: the client's chain is verified by Mbed TLS (authmode optional: Node completes the handshake with a bad
 * client certificate and reports it through authorized/authorizationError, refusing only a missing one during the
 * handshake) and every certificate's flags are gathered here. They stay in the session's verify result too, so a
 * TLS 1.2 session resumed from a ticket reports the same verdict. */
static int verify_record(void *opaque, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
    (void)crt; (void)depth;
    struct tls_sess *s = opaque;
    s->verify_flags |= *flags;
    return 0;
}

/* ---- key log (NSS's SSLKEYLOGFILE lines, as OpenSSL's keylog callback writes them) ---- */

static void klog_line(struct tls_sess *s, const char *label, const unsigned char *secret, size_t len) {
    size_t need = strlen(label) + 1 + 64 + 1 + 2 * len + 1;
    if (s->klog_len + need > s->klog_cap) {
        size_t cap = s->klog_cap ? s->klog_cap : 512;
        while (cap < s->klog_len + need) cap *= 2;
        char *p = malloc(cap);
        if (!p) return;
        if (s->klog) { memcpy(p, s->klog, s->klog_len); mbedtls_platform_zeroize(s->klog, s->klog_cap); free(s->klog); }
        s->klog = p;
        s->klog_cap = cap;
    }
    static const char hex[] = "0123456789abcdef";
    char *o = s->klog + s->klog_len;
    size_t l = strlen(label);
    memcpy(o, label, l); o += l;
    *o++ = ' ';
    for (int i = 0; i < 32; i++) { *o++ = hex[s->client_random[i] >> 4]; *o++ = hex[s->client_random[i] & 15]; }
    *o++ = ' ';
    for (size_t i = 0; i < len; i++) { *o++ = hex[secret[i] >> 4]; *o++ = hex[secret[i] & 15]; }
    *o++ = '\n';
    s->klog_len = (size_t)(o - s->klog);
}

static void export_keys(void *opaque, mbedtls_ssl_key_export_type type, const unsigned char *secret,
                        size_t secret_len, const unsigned char client_random[32],
                        const unsigned char server_random[32], mbedtls_tls_prf_types prf) {
    (void)server_random; (void)prf;
    struct tls_sess *s = opaque;
    memcpy(s->client_random, client_random, 32);
    if (!s->keylog) return;
    const char *label = NULL;
    switch (type) {
        case MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET: label = "CLIENT_RANDOM"; break;
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
        case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_EARLY_SECRET: label = "CLIENT_EARLY_TRAFFIC_SECRET"; break;
        case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_EARLY_EXPORTER_SECRET: label = "EARLY_EXPORTER_SECRET"; break;
        case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_HANDSHAKE_TRAFFIC_SECRET: label = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"; break;
        case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_HANDSHAKE_TRAFFIC_SECRET: label = "SERVER_HANDSHAKE_TRAFFIC_SECRET"; break;
        case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_APPLICATION_TRAFFIC_SECRET: label = "CLIENT_TRAFFIC_SECRET_0"; break;
        case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_APPLICATION_TRAFFIC_SECRET: label = "SERVER_TRAFFIC_SECRET_0"; break;
#endif
        default: return;
    }
    klog_line(s, label, secret, secret_len);
}

/* TLS 1.3: Mbed TLS exports no EXPORTER_SECRET through its callback; OpenSSL logs it, so it is written from the
 * session once the handshake is over (the secret's length is the suite's hash length). */
static void klog_exporter(struct tls_sess *s) {
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    mbedtls_ssl_context *ssl = &s->ssl;
    if (!s->keylog || s->exporter_logged || !ssl->session || ssl->tls_version != MBEDTLS_SSL_VERSION_TLS1_3) return;
    const mbedtls_ssl_ciphersuite_t *cs = mbedtls_ssl_ciphersuite_from_id(ssl->session->ciphersuite);
    if (!cs) return;
    size_t len = mbedtls_md_get_size_from_type((mbedtls_md_type_t)cs->mac);
    if (len == 0 || len > sizeof ssl->session->app_secrets.exporter_master_secret) return;
    s->exporter_logged = 1;
    klog_line(s, "EXPORTER_SECRET", ssl->session->app_secrets.exporter_master_secret, len);
#else
    (void)s;
#endif
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
#if defined(MBEDTLS_SSL_SRV_C) && defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS)
    /* Mbed TLS's TLS 1.3 server tickets carry neither the client's certificate nor its verdict (OpenSSL's do): a
     * server that asks for certificates issues no TLS 1.3 tickets, so no client resumes past its checks. */
    if (mbedtls_ssl_conf_get_endpoint(&c->conf) == MBEDTLS_SSL_IS_SERVER)
        mbedtls_ssl_conf_new_session_tickets(&c->conf, mode ? 0 : MBEDTLS_SSL_TLS1_3_DEFAULT_NEW_SESSION_TICKETS);
#endif
    return JS_UNDEFINED;
}

/* Installs Node's 48 ticket-key bytes as the ticket key: bytes 0-3 are Mbed TLS's 4-byte key name (the start of
 * Node's 16-byte name), bytes 16-47 its AES-256-GCM key (Node's HMAC and AES keys together; Mbed TLS seals tickets
 * with one AEAD key). Both of the module's slots get it, so tickets sealed under earlier keys are refused, as when
 * OpenSSL's keys are replaced. A key's lifetime is also its tickets' lifetime (sessionTimeout); the module would
 * replace a key that old with a random one, which Node never does, so ticket_keep() keeps it current. */
static int ticket_keys(struct tls_conf *c, const uint8_t *k, uint32_t life) {
    for (int i = 0; i < 2; i++) {
        int err = mbedtls_ssl_ticket_rotate(&c->ticket, k, 4, k + 16, 32, life);
        if (err) return err;
    }
    return 0;
}

/* Before each server session: the keys count as just made, so Mbed TLS never rotates Node's keys away. */
static void ticket_keep(struct tls_conf *c) {
    if (!c->tickets) return;
    mbedtls_time_t now = mbedtls_time(NULL);
    c->ticket.keys[0].generation_time = now;
    c->ticket.keys[1].generation_time = now;
}

/* conf.enableTickets(lifetimeSeconds, keys48): the server issues session tickets sealed with AES-256-GCM. */
static JSValue conf_enable_tickets(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_conf *c = this_conf(ctx, this_val);
    int64_t life;
    if (!c || glue_int(ctx, argv[0], 1, 7 * 86400, &life, "ticket lifetime")) return JS_EXCEPTION;
    size_t klen;
    const uint8_t *k = glue_bytes(ctx, argv[1], &klen);
    if (!k) return JS_EXCEPTION;
    if (klen != 48) return JS_ThrowRangeError(ctx, "tls: ticket keys are 48 bytes");
    if (c->tickets) return JS_UNDEFINED;
    mbedtls_ssl_ticket_init(&c->ticket);
    int err = mbedtls_ssl_ticket_setup(&c->ticket, glue_random, NULL, MBEDTLS_CIPHER_AES_256_GCM, (uint32_t)life);
    if (!err) err = ticket_keys(c, k, (uint32_t)life);
    if (err) { mbedtls_ssl_ticket_free(&c->ticket); return throw_tls(ctx, "setting up session tickets", err); }
    c->tickets = 1;
    c->ticket_life = (uint32_t)life;
    mbedtls_ssl_conf_session_tickets_cb(&c->conf, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse, &c->ticket);
    return JS_UNDEFINED;
}

/* conf.setTicketKeys(keys48): replaces the ticket key (after enableTickets). */
static JSValue conf_set_ticket_keys(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_conf *c = this_conf(ctx, this_val);
    if (!c) return JS_EXCEPTION;
    size_t klen;
    const uint8_t *k = glue_bytes(ctx, argv[0], &klen);
    if (!k) return JS_EXCEPTION;
    if (klen != 48) return JS_ThrowRangeError(ctx, "tls: ticket keys are 48 bytes");
    if (!c->tickets) return JS_ThrowTypeError(ctx, "tls: this configuration issues no tickets");
    int err = ticket_keys(c, k, c->ticket_life);
    if (err) return throw_tls(ctx, "setting ticket keys", err);
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
        mbedtls_ssl_set_export_keys_cb(&s->ssl, export_keys, s);
        if (mbedtls_ssl_conf_get_endpoint(&c->conf) == MBEDTLS_SSL_IS_SERVER) {
            mbedtls_ssl_set_verify(&s->ssl, verify_record, s);
            ticket_keep(c);
        }
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
        /* A required client certificate that did not come: OpenSSL's alert (certificate_required in TLS 1.3,
         * handshake_failure in 1.2), then the handshake fails. A resumed session carries no certificate message. */
        if (s->require_cert && ssl->session_negotiate && !s->resumed &&
            ssl->session_negotiate->verify_result != 0xFFFFFFFF &&
            (ssl->session_negotiate->verify_result & MBEDTLS_X509_BADCERT_MISSING)) {
            int tls13 = ssl->tls_version == MBEDTLS_SSL_VERSION_TLS1_3;
            /* TLS 1.3: the server has sent its Finished, so (as OpenSSL) the alert goes under its application keys */
            if (tls13 && ssl->transform_application) mbedtls_ssl_set_outbound_transform(ssl, ssl->transform_application);
            mbedtls_ssl_send_alert_message(ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL, tls13 ? 116 : 40);
            r = MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE;
            break;
        }
        if (r) break;
    }
    if (r == 0 && mbedtls_ssl_is_handshake_over(&s->ssl)) klog_exporter(s);
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
    uint32_t vr = mbedtls_ssl_get_verify_result(&s->ssl);
    if (mbedtls_ssl_conf_get_endpoint(s->ssl.conf) == MBEDTLS_SSL_IS_SERVER && vr != 0xFFFFFFFF) vr |= s->verify_flags;
    JS_SetPropertyStr(ctx, o, "verify", JS_NewUint32(ctx, vr));
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

/* sess.requireCert(): server, before the handshake (see sess_handshake) */
static JSValue sess_require_cert(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    s->require_cert = 1;
    return JS_UNDEFINED;
}

/* sess.enableKeylog(): from now on the session's secrets are kept as key log lines for takeKeylog() */
static JSValue sess_enable_keylog(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    s->keylog = 1;
    if (mbedtls_ssl_is_handshake_over(&s->ssl)) klog_exporter(s);
    return JS_UNDEFINED;
}

/* sess.takeKeylog() → the key log lines written since the last call ("LABEL client_random secret\n" each) */
static JSValue sess_take_keylog(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct tls_sess *s = this_sess(ctx, this_val);
    if (!s) return JS_EXCEPTION;
    if (s->klog_len == 0) return JS_UNDEFINED;
    JSValue str = JS_NewStringLen(ctx, s->klog, s->klog_len);
    mbedtls_platform_zeroize(s->klog, s->klog_len);
    s->klog_len = 0;
    return str;
}

/* sess.exportKeyingMaterial(length, label, context | undefined) → ArrayBuffer, or Mbed TLS's code */
static JSValue sess_export_keying_material(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct tls_sess *s = this_sess(ctx, this_val);
    int64_t len;
    if (!s || glue_int(ctx, argv[0], 1, MBEDTLS_SSL_EXPORT_MAX_KEY_LEN, &len, "keying material length")) return JS_EXCEPTION;
    size_t llen;
    const char *label = JS_ToCStringLen(ctx, &llen, argv[1]);
    if (!label) return JS_EXCEPTION;
    const uint8_t *context = NULL;
    size_t clen = 0;
    int use_context = !JS_IsUndefined(argv[2]);
    if (use_context && !(context = glue_bytes(ctx, argv[2], &clen))) { JS_FreeCString(ctx, label); return JS_EXCEPTION; }
    uint8_t *out = js_malloc(ctx, (size_t)len);
    if (!out) { JS_FreeCString(ctx, label); return JS_EXCEPTION; }
    int err = mbedtls_ssl_export_keying_material(&s->ssl, out, (size_t)len, label, llen, context, clen, use_context);
    JS_FreeCString(ctx, label);
    JSValue ret = err ? JS_NewInt32(ctx, err) : JS_NewArrayBufferCopy(ctx, out, (size_t)len);
    mbedtls_platform_zeroize(out, (size_t)len);
    js_free(ctx, out);
    return ret;
}

static const JSCFunctionListEntry conf_methods[] = {
    JS_CFUNC_DEF("addCa", 1, conf_add_ca),
    JS_CFUNC_DEF("addKeyCert", 3, conf_add_key_cert),
    JS_CFUNC_DEF("setAlpn", 1, conf_set_alpn),
    JS_CFUNC_DEF("setCiphers", 1, conf_set_ciphers),
    JS_CFUNC_DEF("setVerify", 1, conf_set_verify),
    JS_CFUNC_DEF("enableTickets", 2, conf_enable_tickets),
    JS_CFUNC_DEF("setTicketKeys", 1, conf_set_ticket_keys),
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
    JS_CFUNC_DEF("requireCert", 0, sess_require_cert),
    JS_CFUNC_DEF("enableKeylog", 0, sess_enable_keylog),
    JS_CFUNC_DEF("takeKeylog", 0, sess_take_keylog),
    JS_CFUNC_DEF("exportKeyingMaterial", 3, sess_export_keying_material),
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
