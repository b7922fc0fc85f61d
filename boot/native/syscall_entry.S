/* boot/native/syscall_entry.S — ring-0 `syscall` entry for musl (IA32_LSTAR points here).
 * Layer: native core. The caller's stack is ours: step over musl's 128-byte red zone, preserve every register
 * Linux preserves (all but rax, rcx, r11), call syscall_dispatch(nr, a1..a6), return with popfq; jmp *%rcx
 * (never sysret, which would drop to ring 3). FMASK cleared IF/TF/DF/AC on entry; popfq restores them. */
    .text
    .global syscall_entry
syscall_entry:
    sub $128, %rsp
    push %rcx                   /* return address */
    push %r11                   /* caller's rflags */
    push %rbp
    mov %rsp, %rbp
    push %rdi
    push %rsi
    push %rdx
    push %r10
    push %r8
    push %r9
    push %rbx                   /* keeps the pushed area a multiple of 16 below */
    and $-16, %rsp
    sub $8, %rsp
    push %r9                    /* 7th C argument: a6 */
    mov %r8, %r9
    mov %r10, %r8
    mov %rdx, %rcx
    mov %rsi, %rdx
    mov %rdi, %rsi
    mov %rax, %rdi
    call syscall_dispatch
    lea -56(%rbp), %rsp
    pop %rbx
    pop %r9
    pop %r8
    pop %r10
    pop %rdx
    pop %rsi
    pop %rdi
    pop %rbp
    popfq
    pop %rcx
    lea 128(%rsp), %rsp         /* lea keeps the restored flags intact */
    jmp *%rcx

    .section .note.GNU-stack, "", @progbits
