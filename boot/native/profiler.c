/* boot/native/profiler.c — a sampling profiler for the JS running in the guest. Linked only into images built with
 * `npm run image -- --profile`: this file includes the engine's own source (quickjs.c) so that it can walk the
 * interpreter's stack frames, and is archived as engine-prof.a in place of engine.a. A normal image has none of it.
 *
 * How it samples: QuickJS polls its interrupt handler every N function calls / backward jumps. The handler reads
 * the TSC; once a sampling period has passed it records the current JS stack (function + definition line per frame,
 * innermost first) weighted by the TSC ticks since the previous sample, so time spent in a native function (JSON,
 * RegExp, GC, a hal call) is charged to the JS frames that called it. Time the CPU spends halted is not charged:
 * hal.halt calls profiler_idle_end() when it wakes. hal.profileTake() hands the aggregated stacks to JS
 * (kernel/profile.ts prints the report) and starts a new interval.
 * Layer: native core (diagnostics only). */
#include "quickjs.c"
#include "engine.h"
#include "cpu.h"

#define PROF_MAX_FRAMES  40
#define PROF_STACKS      4096          /* distinct stacks per interval (power of two) */
#define PROF_KEYS        8192          /* distinct functions pinned (power of two) */
#define PROF_POLL_EVERY  200           /* interpreter polls between two TSC reads */

struct prof_frame { void *key; int is_bytecode; };
struct prof_stack {
    uint64_t hash;
    uint64_t ticks;
    int nframes;
    struct prof_frame frames[PROF_MAX_FRAMES];
};

static JSContext *prof_ctx;
static struct prof_stack *prof_stacks;
static void **prof_keys;
static uint64_t prof_period, prof_last, prof_total, prof_lost;

void profiler_idle_end(void) { prof_last = rdtsc(); }

/* Keeps every function seen in a sample alive, so its name can be read when the interval is reported. */
static void prof_pin(JSRuntime *rt, void *key, int is_bytecode) {
    uint32_t h = (uint32_t)(((uintptr_t)key >> 4) * 2654435761u) & (PROF_KEYS - 1);
    for (int i = 0; i < PROF_KEYS; i++, h = (h + 1) & (PROF_KEYS - 1)) {
        if (prof_keys[h] == key) return;
        if (!prof_keys[h]) {
            prof_keys[h] = key;
            JS_DupValueRT(rt, JS_MKPTR(is_bytecode ? JS_TAG_FUNCTION_BYTECODE : JS_TAG_OBJECT, key));
            return;
        }
    }
}

static void prof_sample(JSRuntime *rt, uint64_t ticks) {
    struct prof_frame frames[PROF_MAX_FRAMES];
    memset(frames, 0, sizeof frames);            /* padding too: stacks are compared with memcmp */
    int n = 0;
    uint64_t hash = 1469598103934665603ull;
    for (JSStackFrame *sf = rt->current_stack_frame; sf && n < PROF_MAX_FRAMES; sf = sf->prev_frame) {
        if (JS_VALUE_GET_TAG(sf->cur_func) != JS_TAG_OBJECT) continue;
        JSObject *p = JS_VALUE_GET_OBJ(sf->cur_func);
        int bc = js_class_has_bytecode(p->class_id);
        void *key = bc ? (void *)p->u.func.function_bytecode : (void *)p;
        frames[n].key = key;
        frames[n].is_bytecode = bc;
        n++;
        hash = (hash ^ (uintptr_t)key) * 1099511628211ull;
    }
    prof_total += ticks;
    uint32_t h = (uint32_t)(hash ^ (hash >> 32)) & (PROF_STACKS - 1);
    for (int i = 0; i < PROF_STACKS; i++, h = (h + 1) & (PROF_STACKS - 1)) {
        struct prof_stack *s = &prof_stacks[h];
        if (s->nframes == 0) {
            for (int f = 0; f < n; f++) prof_pin(rt, frames[f].key, frames[f].is_bytecode);
            s->hash = hash;
            s->nframes = n ? n : -1;            /* -1: a sample outside any JS frame */
            memcpy(s->frames, frames, sizeof frames[0] * (size_t)n);
            s->ticks = ticks;
            return;
        }
        if (s->hash == hash && (s->nframes == n || (n == 0 && s->nframes == -1)) &&
            !memcmp(s->frames, frames, sizeof frames[0] * (size_t)n)) {
            s->ticks += ticks;
            return;
        }
    }
    prof_lost += ticks;                         /* table full: counted, not attributed */
}

static int prof_interrupt(JSRuntime *rt, void *opaque) {
    (void)opaque;
    prof_ctx->interrupt_counter = PROF_POLL_EVERY;
    uint64_t now = rdtsc();
    if (now - prof_last >= prof_period) {
        prof_sample(rt, now - prof_last);
        prof_last = rdtsc();                    /* the sampling itself is not charged to the app */
    }
    return 0;
}

/* [name, definition line] of a sampled function (line -1: a native function). */
static JSValue prof_function_value(JSContext *ctx, const struct prof_frame *f) {
    JSValue arr = JS_NewArray(ctx);
    const char *name;
    int line = 0;
    if (f->is_bytecode) {
        JSFunctionBytecode *b = f->key;
        name = JS_AtomToCString(ctx, b->func_name);
        int col;
        if (b->has_debug) line = find_line_num(ctx, b, (uint32_t)-1, &col);   /* -1: the definition's line */
    } else {
        name = get_func_name(ctx, JS_MKPTR(JS_TAG_OBJECT, f->key));
    }
    JS_SetPropertyUint32(ctx, arr, 0, JS_NewString(ctx, name && name[0] ? name : (f->is_bytecode ? "<anonymous>" : "<native>")));
    JS_SetPropertyUint32(ctx, arr, 1, JS_NewInt32(ctx, f->is_bytecode ? line : -1));
    JS_FreeCString(ctx, name);
    return arr;
}

/* hal.profileTake() → { ticks, lost, functions: [[name, line], ...], stacks: [[ticks, fn index, ...innermost
 * first], ...] }; starts a new interval. Each function is described once, however many stacks it is in. */
static JSValue hal_profile_take(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    JSValue out = JS_NewObject(ctx);
    JSValue stacks = JS_NewArray(ctx);
    JSValue functions = JS_NewArray(ctx);
    /* function key → index, open addressing over a table the size of the pinned-key table */
    void **seen = js_mallocz(ctx, PROF_KEYS * sizeof *seen);          /* quickjs.c forbids plain malloc/free here */
    uint32_t *index = js_mallocz(ctx, PROF_KEYS * sizeof *index);
    if (!seen || !index) { js_free(ctx, seen); js_free(ctx, index); return JS_EXCEPTION; }
    uint32_t k = 0, nfun = 0;
    for (int i = 0; i < PROF_STACKS; i++) {
        struct prof_stack *s = &prof_stacks[i];
        if (!s->nframes) continue;
        JSValue row = JS_NewArray(ctx);
        JS_SetPropertyUint32(ctx, row, 0, JS_NewFloat64(ctx, (double)s->ticks));
        for (int f = 0; f < s->nframes; f++) {
            void *key = s->frames[f].key;
            uint32_t h = (uint32_t)(((uintptr_t)key >> 4) * 2654435761u) & (PROF_KEYS - 1);
            while (seen[h] && seen[h] != key) h = (h + 1) & (PROF_KEYS - 1);
            if (!seen[h]) {
                seen[h] = key;
                index[h] = nfun;
                JS_SetPropertyUint32(ctx, functions, nfun++, prof_function_value(ctx, &s->frames[f]));
            }
            JS_SetPropertyUint32(ctx, row, (uint32_t)f + 1, JS_NewInt32(ctx, (int32_t)index[h]));
        }
        JS_SetPropertyUint32(ctx, stacks, k++, row);
    }
    js_free(ctx, seen);
    js_free(ctx, index);
    JS_SetPropertyStr(ctx, out, "ticks", JS_NewFloat64(ctx, (double)prof_total));
    JS_SetPropertyStr(ctx, out, "lost", JS_NewFloat64(ctx, (double)prof_lost));
    JS_SetPropertyStr(ctx, out, "functions", functions);
    JS_SetPropertyStr(ctx, out, "stacks", stacks);
    memset(prof_stacks, 0, sizeof *prof_stacks * PROF_STACKS);
    prof_total = prof_lost = 0;
    prof_last = rdtsc();
    return out;
}

/* hal.profileStart(periodTicks): starts sampling every periodTicks TSC ticks. */
static JSValue hal_profile_start(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    double period;
    if (JS_ToFloat64(ctx, &period, argv[0]) || !(period >= 1)) return JS_ThrowRangeError(ctx, "profileStart: bad period");
    if (!prof_stacks) {
        prof_stacks = calloc(PROF_STACKS, sizeof *prof_stacks);
        prof_keys = calloc(PROF_KEYS, sizeof *prof_keys);
        if (!prof_stacks || !prof_keys) return JS_ThrowOutOfMemory(ctx);
    }
    prof_period = (uint64_t)period;
    prof_last = rdtsc();
    prof_ctx = ctx;
    JS_SetInterruptHandler(JS_GetRuntime(ctx), prof_interrupt, NULL);
    return JS_UNDEFINED;
}

void hal_install_profiler(JSContext *ctx, JSValue hal) {
    JS_SetPropertyStr(ctx, hal, "profileStart", JS_NewCFunction(ctx, hal_profile_start, "profileStart", 1));
    JS_SetPropertyStr(ctx, hal, "profileTake", JS_NewCFunction(ctx, hal_profile_take, "profileTake", 0));
}
