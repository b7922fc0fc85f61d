// libos/os/constants.ts — os.constants as Node 20 reports them on Linux x86_64 (errno numbers, signal numbers,
// scheduling priorities, dlopen flags) and libuv's error names and messages (util.getSystemErrorMap, the negative
// errno values libuv uses on Linux). Facts about Linux and libuv, written as data. Layer: libos. No dependencies.

const nullProto = <T extends object>(o: T): T => Object.assign(Object.create(null) as T, o);

export const errno = nullProto({
  E2BIG: 7, EACCES: 13, EADDRINUSE: 98, EADDRNOTAVAIL: 99, EAFNOSUPPORT: 97, EAGAIN: 11, EALREADY: 114, EBADF: 9,
  EBADMSG: 74, EBUSY: 16, ECANCELED: 125, ECHILD: 10, ECONNABORTED: 103, ECONNREFUSED: 111, ECONNRESET: 104,
  EDEADLK: 35, EDESTADDRREQ: 89, EDOM: 33, EDQUOT: 122, EEXIST: 17, EFAULT: 14, EFBIG: 27, EHOSTUNREACH: 113,
  EIDRM: 43, EILSEQ: 84, EINPROGRESS: 115, EINTR: 4, EINVAL: 22, EIO: 5, EISCONN: 106, EISDIR: 21, ELOOP: 40,
  EMFILE: 24, EMLINK: 31, EMSGSIZE: 90, EMULTIHOP: 72, ENAMETOOLONG: 36, ENETDOWN: 100, ENETRESET: 102,
  ENETUNREACH: 101, ENFILE: 23, ENOBUFS: 105, ENODATA: 61, ENODEV: 19, ENOENT: 2, ENOEXEC: 8, ENOLCK: 37,
  ENOLINK: 67, ENOMEM: 12, ENOMSG: 42, ENOPROTOOPT: 92, ENOSPC: 28, ENOSR: 63, ENOSTR: 60, ENOSYS: 38, ENOTCONN: 107,
  ENOTDIR: 20, ENOTEMPTY: 39, ENOTSOCK: 88, ENOTSUP: 95, ENOTTY: 25, ENXIO: 6, EOPNOTSUPP: 95, EOVERFLOW: 75,
  EPERM: 1, EPIPE: 32, EPROTO: 71, EPROTONOSUPPORT: 93, EPROTOTYPE: 91, ERANGE: 34, EROFS: 30, ESPIPE: 29, ESRCH: 3,
  ESTALE: 116, ETIME: 62, ETIMEDOUT: 110, ETXTBSY: 26, EWOULDBLOCK: 11, EXDEV: 18,
});

export const signals = nullProto({
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCHLD: 17, SIGSTKFLT: 16,
  SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25,
  SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPOLL: 29, SIGPWR: 30, SIGSYS: 31,
});

export const priority = nullProto({
  PRIORITY_LOW: 19, PRIORITY_BELOW_NORMAL: 10, PRIORITY_NORMAL: 0, PRIORITY_ABOVE_NORMAL: -7, PRIORITY_HIGH: -14,
  PRIORITY_HIGHEST: -20,
});

export const dlopen = nullProto({
  RTLD_LAZY: 1, RTLD_NOW: 2, RTLD_GLOBAL: 256, RTLD_LOCAL: 0, RTLD_DEEPBIND: 8,
});

/** os.constants: a null-prototype object with Node's keys in Node's order. */
export const constants = Object.assign(Object.create(null) as object, { UV_UDP_REUSEADDR: 4, dlopen, errno, signals, priority }) as {
  UV_UDP_REUSEADDR: number; dlopen: typeof dlopen; errno: typeof errno; signals: typeof signals; priority: typeof priority;
};

/** libuv's errors on Linux: [errno (negative), name, message], in libuv's order (util.getSystemErrorMap). */
export const UV_ERRORS: readonly [number, string, string][] = [
  [-7, "E2BIG", "argument list too long"], [-13, "EACCES", "permission denied"],
  [-98, "EADDRINUSE", "address already in use"], [-99, "EADDRNOTAVAIL", "address not available"],
  [-97, "EAFNOSUPPORT", "address family not supported"], [-11, "EAGAIN", "resource temporarily unavailable"],
  [-3000, "EAI_ADDRFAMILY", "address family not supported"], [-3001, "EAI_AGAIN", "temporary failure"],
  [-3002, "EAI_BADFLAGS", "bad ai_flags value"], [-3013, "EAI_BADHINTS", "invalid value for hints"],
  [-3003, "EAI_CANCELED", "request canceled"], [-3004, "EAI_FAIL", "permanent failure"],
  [-3005, "EAI_FAMILY", "ai_family not supported"], [-3006, "EAI_MEMORY", "out of memory"],
  [-3007, "EAI_NODATA", "no address"], [-3008, "EAI_NONAME", "unknown node or service"],
  [-3009, "EAI_OVERFLOW", "argument buffer overflow"], [-3014, "EAI_PROTOCOL", "resolved protocol is unknown"],
  [-3010, "EAI_SERVICE", "service not available for socket type"],
  [-3011, "EAI_SOCKTYPE", "socket type not supported"], [-114, "EALREADY", "connection already in progress"],
  [-9, "EBADF", "bad file descriptor"], [-16, "EBUSY", "resource busy or locked"],
  [-125, "ECANCELED", "operation canceled"], [-4080, "ECHARSET", "invalid Unicode character"],
  [-103, "ECONNABORTED", "software caused connection abort"], [-111, "ECONNREFUSED", "connection refused"],
  [-104, "ECONNRESET", "connection reset by peer"], [-89, "EDESTADDRREQ", "destination address required"],
  [-17, "EEXIST", "file already exists"], [-14, "EFAULT", "bad address in system call argument"],
  [-27, "EFBIG", "file too large"], [-113, "EHOSTUNREACH", "host is unreachable"],
  [-4, "EINTR", "interrupted system call"], [-22, "EINVAL", "invalid argument"], [-5, "EIO", "i/o error"],
  [-106, "EISCONN", "socket is already connected"], [-21, "EISDIR", "illegal operation on a directory"],
  [-40, "ELOOP", "too many symbolic links encountered"], [-24, "EMFILE", "too many open files"],
  [-90, "EMSGSIZE", "message too long"], [-36, "ENAMETOOLONG", "name too long"],
  [-100, "ENETDOWN", "network is down"], [-101, "ENETUNREACH", "network is unreachable"],
  [-23, "ENFILE", "file table overflow"], [-105, "ENOBUFS", "no buffer space available"],
  [-19, "ENODEV", "no such device"], [-2, "ENOENT", "no such file or directory"],
  [-12, "ENOMEM", "not enough memory"], [-64, "ENONET", "machine is not on the network"],
  [-92, "ENOPROTOOPT", "protocol not available"], [-28, "ENOSPC", "no space left on device"],
  [-38, "ENOSYS", "function not implemented"], [-107, "ENOTCONN", "socket is not connected"],
  [-20, "ENOTDIR", "not a directory"], [-39, "ENOTEMPTY", "directory not empty"],
  [-88, "ENOTSOCK", "socket operation on non-socket"], [-95, "ENOTSUP", "operation not supported on socket"],
  [-75, "EOVERFLOW", "value too large for defined data type"], [-1, "EPERM", "operation not permitted"],
  [-32, "EPIPE", "broken pipe"], [-71, "EPROTO", "protocol error"],
  [-93, "EPROTONOSUPPORT", "protocol not supported"], [-91, "EPROTOTYPE", "protocol wrong type for socket"],
  [-34, "ERANGE", "result too large"], [-30, "EROFS", "read-only file system"],
  [-108, "ESHUTDOWN", "cannot send after transport endpoint shutdown"], [-29, "ESPIPE", "invalid seek"],
  [-3, "ESRCH", "no such process"], [-110, "ETIMEDOUT", "connection timed out"],
  [-26, "ETXTBSY", "text file is busy"], [-18, "EXDEV", "cross-device link not permitted"],
  [-4094, "UNKNOWN", "unknown error"], [-4095, "EOF", "end of file"], [-6, "ENXIO", "no such device or address"],
  [-31, "EMLINK", "too many links"], [-112, "EHOSTDOWN", "host is down"], [-121, "EREMOTEIO", "remote I/O error"],
  [-25, "ENOTTY", "inappropriate ioctl for device"], [-4028, "EFTYPE", "inappropriate file type or format"],
  [-84, "EILSEQ", "illegal byte sequence"], [-94, "ESOCKTNOSUPPORT", "socket type not supported"],
  [-61, "ENODATA", "no data available"], [-49, "EUNATCH", "protocol driver not attached"],
];
