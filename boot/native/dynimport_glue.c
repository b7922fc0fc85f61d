/* boot/native/dynimport_glue.c — import() of a module name the bundle does not hold (esbuild could not see it: a
 * computed argument) fails with Node's code for a module that cannot be found and a message saying why, instead of
 * QuickJS's "could not load module". Linked only into images where the builder found such a call (it warns then). */
#include <stdio.h>
#include "engine.h"

static JSModuleDef *module_not_in_image(JSContext *ctx, const char *name, void *opaque) {
    (void)opaque;
    JSValue err = JS_NewError(ctx);
    if (JS_IsException(err)) return NULL;
    char msg[512];
    snprintf(msg, sizeof msg, "Cannot find module '%s': it is not in the image. unijs bundles every module at build "
             "time, and this import() names it with a value computed at run time", name);
    JS_SetPropertyStr(ctx, err, "message", JS_NewString(ctx, msg));
    JS_SetPropertyStr(ctx, err, "code", JS_NewString(ctx, "ERR_MODULE_NOT_FOUND"));
    JS_Throw(ctx, err);
    return NULL;
}

void hal_install_dynimport(JSContext *ctx, JSValue hal) {
    (void)hal;
    JS_SetModuleLoaderFunc(JS_GetRuntime(ctx), NULL, module_not_in_image, NULL);
}
