/* boot/native/isr.S — the 256 interrupt entry stubs and their common path into interrupt_dispatch (idt.c).
 * Layer: native core. Every vector runs on an IST stack (see gdt.c), so musl's red zone is never clobbered. */
    .altmacro
    .text

.macro isr_stub n
    .balign 16
isr_stub_\n:
    /* Vectors where the CPU pushes an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX. */
    .if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
    .else
    pushq $0
    .endif
    pushq $\n
    jmp isr_common
.endm

.set vec, 0
.rept 256
    isr_stub %vec
    .set vec, vec + 1
.endr

isr_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    cld
    call interrupt_dispatch
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp                   /* vector and error code */
    iretq

.macro isr_addr n
    .quad isr_stub_\n
.endm
    .section .rodata
    .balign 8
    .global isr_table
isr_table:
.set vec, 0
.rept 256
    isr_addr %vec
    .set vec, vec + 1
.endr

    .section .note.GNU-stack, "", @progbits
