// Runs the dusty binary as a user would: the compiled dist/dusty when DUSTY_BIN is set (make test does),
// else the sources through bun. Used by every end-to-end test.
import { join } from "node:path";

/** What one run of the binary printed and how it exited. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const ROOT = join(import.meta.dir, "..");

/** The argv prefix that starts dusty. */
export function dustyArgv(): string[] {
  const bin = process.env.DUSTY_BIN;
  return bin ? [bin] : [process.execPath, join(ROOT, "cmd", "main.ts")];
}

/** Runs `dusty …args` to completion. */
export async function runDusty(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; input?: string } = {},
): Promise<CliResult> {
  const proc = Bun.spawn([...dustyArgv(), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdin: options.input === undefined ? "ignore" : new TextEncoder().encode(options.input),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}
