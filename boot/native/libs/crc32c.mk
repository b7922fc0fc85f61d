# hal.crc32c (crc32c_glue.c: no library of its own), for images whose bundle uses libos/fs/crc32c.ts.
lib-crc32c: $(B)/lib/crc32c_glue.o
$(B)/lib/crc32c_glue.o: crc32c_glue.c $(QJS_STAMP) | $(B)/lib
	$(CC_MUSL) $(GLUE) -c $< -o $@
.PHONY: lib-crc32c
