// boot/image/elf.ts — just enough ELF64 reading for the tools: find a section's bytes by name (the launcher
// reads .rodata's app blob for the image's memory hint; tests check segment permissions).
// Layer: build tools (host only).

export interface ElfSection { name: string; offset: number; size: number; addr: number; type: number }
export interface ElfSegment { type: number; flags: number; offset: number; vaddr: number; filesz: number; memsz: number }

/** Parses the section and program headers. Throws with a sentence when the file is not an x86-64 ELF64. */
export function readElf(b: Buffer): { sections: ElfSection[]; segments: ElfSegment[] } {
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file (bad magic)");
  if (b[4] !== 2 || b[5] !== 1) throw new Error("not a little-endian ELF64 file");
  if (b.readUInt16LE(18) !== 62) throw new Error(`not an x86-64 ELF (machine ${b.readUInt16LE(18)})`);
  const phoff = Number(b.readBigUInt64LE(32));
  const shoff = Number(b.readBigUInt64LE(40));
  const phentsize = b.readUInt16LE(54), phnum = b.readUInt16LE(56);
  const shentsize = b.readUInt16LE(58), shnum = b.readUInt16LE(60), shstrndx = b.readUInt16LE(62);
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    segments.push({
      type: b.readUInt32LE(o), flags: b.readUInt32LE(o + 4), offset: Number(b.readBigUInt64LE(o + 8)),
      vaddr: Number(b.readBigUInt64LE(o + 16)), filesz: Number(b.readBigUInt64LE(o + 32)),
      memsz: Number(b.readBigUInt64LE(o + 40)),
    });
  }
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    raw.push({
      nameOff: b.readUInt32LE(o), type: b.readUInt32LE(o + 4), addr: Number(b.readBigUInt64LE(o + 16)),
      offset: Number(b.readBigUInt64LE(o + 24)), size: Number(b.readBigUInt64LE(o + 32)),
    });
  }
  const strtab = raw[shstrndx];
  const sections = raw.map((s) => {
    const start = strtab.offset + s.nameOff;
    const end = b.indexOf(0, start);
    return { name: b.toString("latin1", start, end), offset: s.offset, size: s.size, addr: s.addr, type: s.type };
  });
  return { sections, segments };
}

/** The file bytes at a virtual address range (inside a PT_LOAD segment), or null. */
export function bytesAt(b: Buffer, segments: ElfSegment[], vaddr: number, len: number): Buffer | null {
  for (const s of segments) {
    if (s.type === 1 && vaddr >= s.vaddr && vaddr + len <= s.vaddr + s.filesz) {
      return b.subarray(s.offset + (vaddr - s.vaddr), s.offset + (vaddr - s.vaddr) + len);
    }
  }
  return null;
}
