/**
 * Who is on the other end of a Unix socket, as the kernel saw it at connect(): getsockopt(SO_PEERCRED)
 * through bun:ffi, since Bun's socket API does not expose peer credentials. The client cannot lie about
 * these, unlike anything it writes in its request. Linux only; elsewhere the caller is unknown (null).
 */
import { dlopen, FFIType, ptr } from "bun:ffi";

/** The process that connected. */
export interface PeerCredentials {
  uid: number;
  gid: number;
  pid: number;
}

// From <sys/socket.h> on Linux (all architectures Bun supports).
const SOL_SOCKET = 1;
const SO_PEERCRED = 17;
const LIBC_NAMES = ["libc.so.6", "libc.so", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1"];

type Getsockopt = (fd: number, level: number, name: number, value: number, length: number) => number;
let getsockopt: Getsockopt | null | undefined;

/** The credentials of the peer of socket `fd`, or null when the platform cannot tell. */
export function readPeerCredentials(fd: number | undefined): PeerCredentials | null {
  if (typeof fd !== "number" || fd < 0) return null;
  const call = loadGetsockopt();
  if (!call) return null;
  // struct ucred { pid_t pid; uid_t uid; gid_t gid; }: three 32-bit fields.
  const ucred = new Int32Array(3);
  const length = new Uint32Array([ucred.byteLength]);
  if (call(fd, SOL_SOCKET, SO_PEERCRED, ptr(ucred) as number, ptr(length) as number) !== 0) return null;
  return { pid: ucred[0]!, uid: ucred[1]! >>> 0, gid: ucred[2]! >>> 0 };
}

// Opened on first use and kept: dlopen costs a few milliseconds, and only the daemon needs it.
function loadGetsockopt(): Getsockopt | null {
  if (getsockopt !== undefined) return getsockopt;
  getsockopt = null;
  if (process.platform !== "linux") return null;
  for (const name of LIBC_NAMES) {
    try {
      const lib = dlopen(name, {
        getsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
      });
      getsockopt = lib.symbols.getsockopt as unknown as Getsockopt;
      break;
    } catch {
      // Try the next name: glibc and musl name their libc differently.
    }
  }
  return getsockopt;
}
