/** Whether this dusty is the compiled binary or bun running the sources. */

/** True when `main` (Bun.main) is inside a compiled bun binary, whose code lives in the embedded /$bunfs/ file system. */
export function isCompiledBinary(main: string = Bun.main): boolean {
  return main.startsWith("/$bunfs/") || main.startsWith("B:/~BUN/");
}
