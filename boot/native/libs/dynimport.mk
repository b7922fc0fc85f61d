# The module loader that explains a computed import() (dynimport_glue.c: no library of its own), for images whose
# bundle the builder found such a call in (libos/runtime/dynamic_require.ts is then in it).
lib-dynimport: $(B)/lib/dynimport_glue.o
$(B)/lib/dynimport_glue.o: dynimport_glue.c $(QJS_STAMP) | $(B)/lib
	$(CC_MUSL) $(GLUE) -c $< -o $@
.PHONY: lib-dynimport
