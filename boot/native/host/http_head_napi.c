/* boot/native/host/http_head_napi.c — the head scanner (../http_head.c) as a Node addon for hosted tests: the same
 * C source the images link, compiled for the host by test/unit/http/_native_head.ts, so the differential tests
 * (test/unit/http/native_head*.test.ts) run it synchronously beside the TypeScript rules. Exports the two
 * primitives hal gives images: httpHead(bytes, start, end, response, limit, out) → number and
 * httpHeadStrings(bytes, out) → [name, value, ..., target or reason] (latin1).
 * Layer: test tooling (host only; never in an image). */
#include <node_api.h>
#include "../http_head.h"

static int typed(napi_env env, napi_value v, void **data, size_t *bytes) {
    napi_typedarray_type type;
    size_t length, offset;
    napi_value ab;
    if (napi_get_typedarray_info(env, v, &type, &length, data, &ab, &offset) != napi_ok) return 0;
    size_t size = type == napi_int32_array ? 4 : 1;
    *bytes = length * size;
    return 1;
}

static napi_value scan(napi_env env, napi_callback_info info) {
    size_t argc = 6;
    napi_value argv[6], r;
    napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
    void *bytes, *out;
    size_t len, out_bytes;
    int64_t start, end;
    int32_t response;
    double limit_d;
    if (argc < 6 || !typed(env, argv[0], &bytes, &len) || !typed(env, argv[5], &out, &out_bytes) ||
        napi_get_value_int64(env, argv[1], &start) || napi_get_value_int64(env, argv[2], &end) ||
        napi_get_value_int32(env, argv[3], &response) || napi_get_value_double(env, argv[4], &limit_d) ||
        start < 0 || end < start || (uint64_t)end > len || out_bytes / 4 < HH_FIELDS) {
        napi_throw_range_error(env, NULL, "httpHead: bad arguments");
        return NULL;
    }
    int64_t limit = http_head_limit(limit_d);
    int v = http_head_scan(bytes, (size_t)start, (size_t)end, response, limit, out, out_bytes / 4);
    napi_create_int32(env, v, &r);
    return r;
}

static napi_value latin1(napi_env env, const uint8_t *p, int32_t a, int32_t b) {
    napi_value s;
    napi_create_string_latin1(env, (const char *)p + a, (size_t)(b - a), &s);
    return s;
}

static napi_value strings(napi_env env, napi_callback_info info) {
    size_t argc = 2;
    napi_value argv[2], arr;
    napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
    void *bytes, *outv;
    size_t len, out_bytes;
    if (argc < 2 || !typed(env, argv[0], &bytes, &len) || !typed(env, argv[1], &outv, &out_bytes)) {
        napi_throw_range_error(env, NULL, "httpHeadStrings: bad arguments");
        return NULL;
    }
    const int32_t *out = outv;
    const uint8_t *p = bytes;
    int32_t count = out[HH_COUNT];
    napi_create_array_with_length(env, 1 + 2 * (size_t)count, &arr);
    for (int32_t i = 0; i < count; i++) {
        const int32_t *f = out + HH_FIELDS + 4 * i;
        napi_set_element(env, arr, 2 * (uint32_t)i, latin1(env, p, f[0], f[1]));
        napi_set_element(env, arr, 2 * (uint32_t)i + 1, latin1(env, p, f[2], f[3]));
    }
    napi_set_element(env, arr, 2 * (uint32_t)count, latin1(env, p, out[HH_TEXT], out[HH_TEXT + 1]));
    return arr;
}

NAPI_MODULE_INIT() {
    napi_value f;
    napi_create_function(env, "httpHead", NAPI_AUTO_LENGTH, scan, NULL, &f);
    napi_set_named_property(env, exports, "httpHead", f);
    napi_create_function(env, "httpHeadStrings", NAPI_AUTO_LENGTH, strings, NULL, &f);
    napi_set_named_property(env, exports, "httpHeadStrings", f);
    return exports;
}
