# hal.vmRealm/vmGlobal/vmCompile/vmRun (vm_glue.c: no library of its own, the engine's realms), for images whose
# bundle uses libos/vm/.
lib-vm: $(B)/lib/vm_glue.o
$(B)/lib/vm_glue.o: vm_glue.c $(QJS_STAMP) | $(B)/lib
	$(CC_MUSL) $(GLUE) -c $< -o $@
.PHONY: lib-vm
