# hal.cpuInfo (cpuinfo_glue.c: no library of its own), for images whose bundle uses libos/os/cpu.ts (os.cpus()).
lib-cpuinfo: $(B)/lib/cpuinfo_glue.o
$(B)/lib/cpuinfo_glue.o: cpuinfo_glue.c cpu.h $(QJS_STAMP) | $(B)/lib
	$(CC_MUSL) $(GLUE) -c $< -o $@
.PHONY: lib-cpuinfo
