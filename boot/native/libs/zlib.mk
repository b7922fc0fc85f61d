# node:zlib's deflate/inflate (libs/README.md): build/native/lib/zlib.a holds zlib 1.3.1's stream code (no gz* file
# I/O, no compress/uncompress helpers), zlib_glue.o our glue (zlib_glue.c). Images link them only when their bundle
# uses libos/zlib/ outside libos/zlib/brotli*: boot/image/native_libs.ts.
ZLIB_DIR   ?= $(ROOT)/node_modules/.cache/unijs/zlib-1.3.1
ZLIB_STAMP := $(ZLIB_DIR)/.sha256
ZLIB_SRCS  := adler32.c crc32.c deflate.c inffast.c inflate.c inftrees.c trees.c zutil.c
ZLIB_OBJS  := $(addprefix $(B)/lib/zlib/,$(ZLIB_SRCS:.c=.o))

lib-zlib: $(B)/lib/zlib.a $(B)/lib/zlib_glue.o
.PHONY: lib-zlib

$(ZLIB_STAMP):
	@echo "a native library source is missing ($@): run 'npm install' (boot/setup.mjs fetches it)" >&2; exit 1

$(B)/lib/zlib/%.o: $(ZLIB_DIR)/%.c $(ZLIB_STAMP) | $(B)/lib/zlib
	$(CC_MUSL) $(NATIVE_LIB) -c $< -o $@
$(B)/lib/zlib.a: $(ZLIB_OBJS)
	rm -f $@ && ar rcsD $@ $^

$(B)/lib/zlib_glue.o: zlib_glue.c $(QJS_STAMP) $(ZLIB_STAMP) | $(B)/lib
	$(CC_MUSL) $(GLUE) -isystem $(ZLIB_DIR) -c $< -o $@

$(B)/lib/zlib:
	mkdir -p $@

-include $(wildcard $(B)/lib/zlib/*.d $(B)/lib/zlib_glue.d)
