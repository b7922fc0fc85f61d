# node:zlib's Brotli (libs/README.md): build/native/lib/brotli.a holds brotli 1.1.0's encoder, decoder and their
# shared tables (c/common, c/dec, c/enc; not the command-line tool), brotli_glue.o our glue (brotli_glue.c). Images
# link them only when their bundle uses libos/zlib/brotli*: boot/image/native_libs.ts.
BROTLI_DIR   ?= $(ROOT)/node_modules/.cache/unijs/brotli-1.1.0
BROTLI_STAMP := $(BROTLI_DIR)/.sha256
BROTLI_SRCS  := $(patsubst $(BROTLI_DIR)/c/%,%,$(wildcard $(BROTLI_DIR)/c/common/*.c $(BROTLI_DIR)/c/dec/*.c $(BROTLI_DIR)/c/enc/*.c))
# Objects are named after their folder too (c/common and c/enc both have a few same-named files in other releases).
BROTLI_OBJS  := $(addprefix $(B)/lib/brotli/,$(subst /,_,$(BROTLI_SRCS:.c=.o)))

lib-brotli: $(B)/lib/brotli.a $(B)/lib/brotli_glue.o
.PHONY: lib-brotli

$(BROTLI_STAMP):
	@echo "a native library source is missing ($@): run 'npm install' (boot/setup.mjs fetches it)" >&2; exit 1

define BROTLI_RULE
$(B)/lib/brotli/$(subst /,_,$(1:.c=.o)): $(BROTLI_DIR)/c/$(1) $(BROTLI_STAMP) | $(B)/lib/brotli
	$$(CC_MUSL) $$(NATIVE_LIB) -isystem $$(BROTLI_DIR)/c/include -c $$< -o $$@
endef
$(foreach s,$(BROTLI_SRCS),$(eval $(call BROTLI_RULE,$(s))))

$(B)/lib/brotli.a: $(BROTLI_OBJS)
	rm -f $@ && ar rcsD $@ $^

$(B)/lib/brotli_glue.o: brotli_glue.c $(QJS_STAMP) $(BROTLI_STAMP) | $(B)/lib
	$(CC_MUSL) $(GLUE) -isystem $(BROTLI_DIR)/c/include -c $< -o $@

$(B)/lib/brotli:
	mkdir -p $@

-include $(wildcard $(B)/lib/brotli/*.d $(B)/lib/brotli_glue.d)
