# hal.httpHead/httpHeadStrings (http_head_glue.c over http_head.c, our own scanner: no library of its own), for
# images whose bundle uses libos/http/native_head.ts (node:http's parser).
lib-http_head: $(B)/lib/http_head_glue.o $(B)/lib/http_head.a
$(B)/lib/http_head_glue.o: http_head_glue.c http_head.h $(QJS_STAMP) | $(B)/lib
	$(CC_MUSL) $(GLUE) -c $< -o $@
$(B)/lib/http_head.o: http_head.c http_head.h | $(B)/lib
	$(CC_MUSL) $(BASE) $(WARN) -c $< -o $@
$(B)/lib/http_head.a: $(B)/lib/http_head.o
	rm -f $@ && ar rcsD $@ $^
.PHONY: lib-http_head
