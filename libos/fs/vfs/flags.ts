// libos/fs/vfs/flags.ts — open(2) flags and access(2) modes with Linux x86_64's values (what Node's fs.constants
// reports on Linux, and what apps pass as numbers). Layer: libos/fs. Depends on nothing.

export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
/** The access-mode bits of the flags (O_RDONLY, O_WRONLY or O_RDWR; 3 is invalid). */
export const O_ACCMODE = 3;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DSYNC = 0o10000;
export const O_DIRECT = 0o40000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_NOATIME = 0o1000000;
/** O_SYNC includes O_DSYNC's bit, as on Linux (__O_SYNC | O_DSYNC). */
export const O_SYNC = 0o4010000;

export const F_OK = 0;
export const X_OK = 1;
export const W_OK = 2;
export const R_OK = 4;
