/* boot/native/entry.S — PVH entry point: 32-bit protected mode → long mode → kmain(start_info).
 * Layer: native core, first code to run. QEMU/Firecracker/cloud-hypervisor jump to pvh_start32 (named by the
 * Xen PHYS32_ENTRY note below) with paging off, %ebx = physical address of struct hvm_start_info. */

#define CR0_PE  (1 << 0)
#define CR0_MP  (1 << 1)
#define CR0_EM  (1 << 2)
#define CR0_WP  (1 << 16)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define EFER_MSR 0xC0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

    .section .note.pvh, "a", @note
    .balign 4
    .long 4                     /* name size: "Xen\0" */
    .long 4                     /* descriptor size */
    .long 18                    /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long pvh_start32

    .section .boot.text, "ax"
    .code32
    .global pvh_start32
pvh_start32:
    cli
    cld
    mov %ebx, %esi                          /* keep start_info across the setup */

    /* Zero .bss (page tables live there), 4 bytes at a time: .bss is page-aligned and .kstack follows it. */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    add $3, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl

    /* Boot page tables: identity-map the first 4 GiB with 2 MiB pages (replaced by memory_init). */
    mov $boot_pdpt, %eax
    or $0x3, %eax
    mov %eax, boot_pml4
    xor %ecx, %ecx                          /* ecx = index over 4 page directories × 512 */
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax                          /* present, writable, 2 MiB page */
    mov %eax, boot_pd(,%ecx,8)
    mov %ecx, %eax
    shr $11, %eax                           /* (index × 2 MiB) >> 32 */
    mov %eax, boot_pd+4(,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jne 1b
    mov $boot_pd, %eax
    xor %ecx, %ecx
2:  lea 0x3(%eax), %edx
    mov %edx, boot_pdpt(,%ecx,8)
    add $4096, %eax
    inc %ecx
    cmp $4, %ecx
    jne 2b

    /* CR4: PAE + SSE state; CR3; EFER: long mode, syscall, NX when the CPU has it. */
    mov %cr4, %eax
    or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $0x80000001, %eax
    cpuid
    xor %ebx, %ebx
    bt $20, %edx
    jnc 3f
    mov $EFER_NXE, %ebx
3:  mov $EFER_MSR, %ecx
    rdmsr
    or $(EFER_LME | EFER_SCE), %eax
    or %ebx, %eax
    wrmsr

    mov %cr0, %eax
    and $~CR0_EM, %eax
    or $(CR0_PE | CR0_MP | CR0_WP | CR0_PG), %eax
    mov %eax, %cr0

    lgdt boot_gdt_desc
    ljmp $0x08, $long_mode

    .code64
long_mode:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    fninit
    lea __stack_top(%rip), %rsp
    xor %ebp, %ebp                          /* terminates frame-pointer backtraces */
    mov %esi, %edi                          /* kmain(start_info) */
    call kmain
4:  cli
    hlt
    jmp 4b

    .section .rodata
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff                /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff                /* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .bss
    .balign 4096
boot_pml4:  .skip 4096
boot_pdpt:  .skip 4096
boot_pd:    .skip 4 * 4096

    .section .note.GNU-stack, "", @progbits
