/**
 * Helpers of the `dusty sync` / `dusty watch` tests: a content digest of a tree (what a container would
 * read: every path, type, mode bits, file content and link target, `.git` left out), and a `dusty watch`
 * client running in the background whose output lines can be awaited.
 */
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { dustyArgv, ROOT, waitUntil, type DaemonHandle } from "./harness.ts";

/** One digest over the tree at `root`, by content; equal digests mean equal trees. A tree changing under the walk (rsync's temp files) gives "changing". */
export function treeDigest(root: string): string {
  try {
    return digestOf(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "changing";
    throw error;
  }
}

function digestOf(root: string): string {
  const hash = createHash("sha256");
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      if (name === ".git") continue;
      const path = rel === "" ? name : `${rel}/${name}`;
      const info = lstatSync(join(root, path));
      if (info.isSymbolicLink()) hash.update(`l ${path} ${readlinkSync(join(root, path))}\n`);
      else if (info.isDirectory()) {
        hash.update(`d ${path}\n`);
        walk(path);
      } else hash.update(`f ${path} ${info.mode & 0o777} `).update(readFileSync(join(root, path))).update("\n");
    }
  };
  walk("");
  return hash.digest("hex");
}

/** A `dusty watch` client in the background. */
export interface WatchClient {
  /** Every stdout line so far. */
  lines: string[];
  stderr(): string;
  /** Waits for a stdout line matching `pattern` after the first `from` lines; returns its index. */
  waitForLine(pattern: RegExp, from?: number, timeoutMs?: number): Promise<number>;
  /** Waits until stderr matches (stdout and stderr are read apart, so one may lag the other). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  signal(name: "SIGINT" | "SIGKILL"): void;
  /** The exit code, once the process has exited and both streams are read to their end. */
  exited: Promise<number>;
}

/** Starts `dusty watch ARGS` against the daemon. */
export function startWatch(daemon: DaemonHandle, args: string[] = []): WatchClient {
  const child = Bun.spawn(dustyArgv(["watch", ...args]), {
    env: { ...process.env, ...daemon.env },
    cwd: ROOT,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: string[] = [];
  let stderr = "";
  const stdoutDone = (async () => {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const chunk of child.stdout) {
      partial += decoder.decode(chunk, { stream: true });
      const parts = partial.split("\n");
      partial = parts.pop()!;
      lines.push(...parts);
    }
  })();
  const stderrDone = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) stderr += decoder.decode(chunk, { stream: true });
  })();
  return {
    lines,
    stderr: () => stderr,
    async waitForLine(pattern, from = 0, timeoutMs = 30_000) {
      let found = -1;
      await waitUntil(
        () => (found = lines.findIndex((line, i) => i >= from && pattern.test(line))) >= 0,
        timeoutMs,
        () => `dusty watch never printed ${pattern}; stdout:\n${lines.join("\n")}\nstderr:\n${stderr}`,
      );
      return found;
    },
    waitForStderr: (pattern, timeoutMs = 30_000) => waitUntil(() => pattern.test(stderr), timeoutMs, () => `dusty watch never printed ${pattern} on stderr:\n${stderr}`),
    signal: (name) => child.kill(name),
    exited: Promise.all([child.exited, stdoutDone, stderrDone]).then(([code]) => code),
  };
}
