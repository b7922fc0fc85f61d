/* boot/native/host/unijs-qjsc.c — the host bytecode compiler: compiles a bundled script with the same engine
 * source and feature flags as the kernel and writes JS_WriteObject bytecode for JS_ReadObject at boot.
 * Usage: unijs-qjsc -o OUT [-n NAME] [--module] [--keep-source] INPUT.js
 * NAME: the file name recorded for stack traces. --module: compile as an ES module (bundles whose graph uses
 * top-level await), else as a classic script. 
 * Functions' source text is left out unless --keep-source (as qjsc does): Function.prototype.toString then gives
 * "[native code]" bodies, and the bytecode is ~4x smaller (every nested function would carry its own copy).
 * Line and column numbers are always kept (stack traces). 
 * Layer: build tool (runs on the host, never in the image). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "quickjs.h"

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    if (buf) { buf[n] = '\0'; *len = (size_t)n; }
    return buf;
}

int main(int argc, char **argv) {
    const char *out = NULL, *name = NULL, *in = NULL;
    int keep_source = 0, module = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--keep-source")) keep_source = 1;
        else if (!strcmp(argv[i], "--module")) module = 1;
        else if (!strcmp(argv[i], "-n") && i + 1 < argc) name = argv[++i];
        else in = argv[i];
    }
    if (!out || !in) { fprintf(stderr, "usage: unijs-qjsc -o OUT [-n NAME] [--module] [--keep-source] INPUT.js\n"); return 2; }
    size_t len;
    char *src = read_file(in, &len);
    if (!src) { fprintf(stderr, "unijs-qjsc: cannot read %s: %s\n", in, strerror(errno)); return 2; }
    JSRuntime *rt = JS_NewRuntime();
    JS_SetStripInfo(rt, keep_source ? 0 : JS_STRIP_SOURCE);
    JSContext *ctx = JS_NewContext(rt);
    JSValue fn = JS_Eval(ctx, src, len, name ? name : in, (module ? JS_EVAL_TYPE_MODULE : JS_EVAL_TYPE_GLOBAL) | JS_EVAL_FLAG_COMPILE_ONLY);
    if (JS_IsException(fn)) {
        JSValue exc = JS_GetException(ctx);
        JSValue line = JS_GetPropertyStr(ctx, exc, "lineNumber");
        const char *msg = JS_ToCString(ctx, exc);
        int32_t ln = 0;
        JS_ToInt32(ctx, &ln, line);
        fprintf(stderr, "%s:%d: %s\n", name ? name : in, ln, msg ? msg : "compile error");
        return 1;
    }
    size_t size;
    uint8_t *bc = JS_WriteObject(ctx, &size, fn, JS_WRITE_OBJ_BYTECODE);
    if (!bc) { fprintf(stderr, "unijs-qjsc: could not serialise the bytecode\n"); return 1; }
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(bc, 1, size, f) != size || fclose(f) != 0) {
        fprintf(stderr, "unijs-qjsc: cannot write %s: %s\n", out, strerror(errno));
        return 2;
    }
    return 0;
}
