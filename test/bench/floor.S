/* test/bench/floor.S — the empty-kernel floor for the boot benchmark: a PVH ELF whose entry exits at once
 * through isa-debug-exit (status 3 = app code 0), so QEMU start-up and image loading are all it measures. */
    .section .note.pvh, "a", @note
    .balign 4
    .long 4, 4, 18
    .asciz "Xen"
    .long floor_start
    .text
    .code32
    .global floor_start
floor_start:
    mov $1, %eax
    mov $0xf4, %dx
    outl %eax, %dx
1:  hlt
    jmp 1b
    .section .note.GNU-stack, "", @progbits
