# hal.asyncContext/asyncContextSwap (async_context_glue.c: no library of its own, the engine's async context from
# patch 0004), for images whose bundle uses libos/async_hooks/.
lib-async_context: $(B)/lib/async_context_glue.o
$(B)/lib/async_context_glue.o: async_context_glue.c $(QJS_STAMP) | $(B)/lib
	$(CC_MUSL) $(GLUE) -c $< -o $@
.PHONY: lib-async_context
