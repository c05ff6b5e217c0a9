import { describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitUntil } from "../test/harness.ts";
import { readProcessStat } from "./processes.ts";
import { CommandFailedError, CommandNotFoundError, formatArgv, run, runChecked, trackChildren, withCommandSignal } from "./run.ts";

describe("run()", () => {
  test("run() returns stdout, stderr and a non-zero exit code without throwing", async () => {
    const result = await run(["sh", "-c", "echo a; echo b >&2; exit 3"]);
    expect(result).toEqual({ argv: ["sh", "-c", "echo a; echo b >&2; exit 3"], exitCode: 3, stdout: "a\n", stderr: "b\n" });
  });

  test("run() calls onLine per line and per stream", async () => {
    const lines: string[] = [];
    await run(["sh", "-c", "echo one; echo two >&2; echo three"], { onLine: (line, stream) => lines.push(`${stream}:${line}`) });
    expect(lines.filter((l) => l.startsWith("stdout:"))).toEqual(["stdout:one", "stdout:three"]);
    expect(lines.filter((l) => l.startsWith("stderr:"))).toEqual(["stderr:two"]);
  });

  test("run() joins a line split across chunks and flushes a partial last line at exit", async () => {
    const lines: string[] = [];
    // The pause makes the two halves arrive as separate chunks.
    const result = await run(["sh", "-c", "printf 'par'; sleep 0.1; printf 'tial\\r\\nlast'"], { onLine: (line) => lines.push(line) });
    expect(lines).toEqual(["partial", "last"]);
    expect(result.stdout).toBe("partial\r\nlast");
  });

  test("run() streams lines while the program still runs", async () => {
    const seen: string[] = [];
    // The program waits for a file that only the onLine callback creates: it can only finish if the
    // first line reached us before it exited.
    const dir = mkdtempSync(join(tmpdir(), "dusty-run-"));
    const flag = join(dir, "seen");
    const result = await run(["sh", "-c", `echo ready; while [ ! -f ${flag} ]; do sleep 0.05; done; echo done`], {
      onLine: (line) => {
        seen.push(line);
        if (line === "ready") Bun.write(flag, "");
      },
      timeoutMs: 10_000,
    });
    expect(result.exitCode).toBe(0);
    expect(seen).toEqual(["ready", "done"]);
  });

  test("run() merges env over process.env and removes undefined variables", async () => {
    const result = await run(["sh", "-c", 'echo "$DUSTY_RUN_TEST|${HOME-unset}|${PATH:+has-path}"'], {
      env: { DUSTY_RUN_TEST: "x y", HOME: undefined },
    });
    expect(result.stdout).toBe("x y|unset|has-path\n");
  });

  test("run() writes input to stdin and runs in cwd", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "dusty-run-")));
    const result = await run(["sh", "-c", "cat; pwd"], { input: "hello\n", cwd: dir });
    expect(result.stdout).toBe(`hello\n${dir}\n`);
  });

  test("run() gives a program without input an empty stdin", async () => {
    expect((await run(["cat"])).stdout).toBe("");
  });

  test("run() throws CommandNotFoundError for a missing program, with a fix", async () => {
    const error = await run(["dusty-no-such-program"]).catch((e) => e);
    expect(error).toBeInstanceOf(CommandNotFoundError);
    expect(error.message).toBe('Cannot run "dusty-no-such-program": not found on PATH. Install it, or add the folder that holds it to PATH');
    const compose = await run(["docker-compose", "version"], { env: { PATH: "/nonexistent" } }).catch((e) => e);
    expect(compose.message).toBe('Cannot run "docker-compose": not found on PATH. Install Docker Compose, or set compose_command');
  });

  test("run() reports a missing working directory as such, not as a missing program", async () => {
    const error = await run(["ls"], { cwd: "/nonexistent/dusty" }).catch((e) => e);
    expect(error).not.toBeInstanceOf(CommandNotFoundError);
    expect(error.message).toBe('Cannot run "ls": working directory "/nonexistent/dusty" does not exist');
  });

  test("run() kills the program when the signal aborts, and rejects with the abort reason", async () => {
    const controller = new AbortController();
    let pid = 0;
    const error = await run(["sh", "-c", "echo $$; exec sleep 30"], {
      signal: controller.signal,
      onLine: (line) => {
        pid = Number(line);
        controller.abort();
      },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe("AbortError");
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(); // the program is gone
  });

  test("run() does not start a program when the signal is already aborted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dusty-run-"));
    const error = await run(["touch", join(dir, "ran")], { signal: AbortSignal.abort() }).catch((e) => e);
    expect(error.name).toBe("AbortError");
    expect(await Bun.file(join(dir, "ran")).exists()).toBe(false);
  });

  test("run() kills a program that outlives timeoutMs and rejects with a timed-out CommandFailedError", async () => {
    const error = await run(["sh", "-c", "echo working >&2; exec sleep 30"], { timeoutMs: 150 }).catch((e) => e);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(error.timedOut).toBe(true);
    expect(error.exitCode).toBe(143); // 128 + SIGTERM
    expect(error.message).toBe(`"sh -c 'echo working >&2; exec sleep 30'" timed out after 150 ms: working`);
  });

  test("run() passes on an error thrown by onLine once the program has finished", async () => {
    const error = await run(["sh", "-c", "echo a; echo b"], {
      onLine: () => {
        throw new Error("callback broke");
      },
    }).catch((e) => e);
    expect(error.message).toBe("callback broke");
  });
});

describe("run() for the daemon", () => {
  test("run() waits for a promise onLine returns before reading on, so the program blocks on a full pipe", async () => {
    // 4 MiB through the pipe while onLine holds each line for a moment: the program can only get ahead
    // of the reader by what the pipe holds (64 KiB), never by the whole output.
    let release!: () => void;
    let held = 0;
    const done = run(["sh", "-c", "head -c 4194304 /dev/zero | tr '\\0' 'x' | fold -w 1023; echo end"], {
      onLine: (line) => {
        if (line !== "end" && held++ === 0) return new Promise<void>((resolve) => (release = resolve));
      },
    });
    await Bun.sleep(300);
    expect(held).toBeLessThan(200); // stopped at the first line, give or take one chunk
    release();
    const result = await done;
    expect(result.exitCode).toBe(0);
    expect(result.stdout.endsWith("end\n")).toBe(true);
    expect(held).toBe(Math.ceil(4194304 / 1023));
  });

  test("withCommandSignal() aborts every run() inside it, with no signal passed", async () => {
    const controller = new AbortController();
    const started = withCommandSignal(controller.signal, async () => {
      await Bun.sleep(1); // across an await, as in a handler
      return run(["sh", "-c", "echo up; exec sleep 30"], { onLine: () => controller.abort() });
    });
    const error = await started.catch((e) => e);
    expect(error.name).toBe("AbortError");
    // Clean-up after the abort (say, removing containers) still runs.
    const cleanup = await withCommandSignal(controller.signal, () => run(["echo", "cleaned"]));
    expect(cleanup.stdout).toBe("cleaned\n");
  });

  test("under trackChildren() a program leads its own process group, carries the mark, is reported, and an abort ends its whole group", async () => {
    const events: string[] = [];
    trackChildren({
      env: { DUSTY_RUN_TEST_MARK: "ours" },
      started: (pid, argv) => events.push(`started ${pid} ${argv[0]}`),
      exited: (pid) => events.push(`exited ${pid}`),
    });
    try {
      const controller = new AbortController();
      let grandchild = 0;
      let leader = 0;
      // The shell starts a background sleep (a grandchild, like compose's plugin under the docker CLI) and waits.
      // The mark reaches the program's environment, and so everything it starts.
      expect((await run(["sh", "-c", "echo $DUSTY_RUN_TEST_MARK"])).stdout).toBe("ours\n");
      events.length = 0;
      const error = await run(["sh", "-c", "sleep 30 & echo $$ $!; wait"], {
        signal: controller.signal,
        onLine: (line) => {
          [leader, grandchild] = line.split(" ").map(Number) as [number, number];
          controller.abort();
        },
      }).catch((e) => e);
      expect(error.name).toBe("AbortError");
      // The grandchild went with its group: gone, or a zombie (exited) until init reaps it.
      const alive = (pid: number) => ![undefined, "Z"].includes(readProcessStat(pid)?.state);
      await waitUntil(() => !alive(grandchild), 5000, () => JSON.stringify(readProcessStat(grandchild)));
      expect(alive(leader)).toBe(false);
      expect(events[0]).toBe(`started ${leader} sh`);
      expect(events).toContain(`exited ${leader}`);
    } finally {
      trackChildren(undefined);
    }
  });
});

describe("runChecked()", () => {
  test("runChecked() throws CommandFailedError with argv, exit code and the tail of stderr", async () => {
    const error = await runChecked(["sh", "-c", "echo out; for i in $(seq 1 15); do echo err$i >&2; done; exit 1"]).catch((e) => e);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(error.name).toBe("CommandFailedError");
    expect(error.exitCode).toBe(1);
    expect(error.timedOut).toBe(false);
    expect(error.stderrTail.split("\n")).toEqual(["err6", "err7", "err8", "err9", "err10", "err11", "err12", "err13", "err14", "err15"]);
    expect(error.message.split("\n")[0]).toBe(`"sh -c 'echo out; for i in $(seq 1 15); do echo err$i >&2; done; exit 1'" failed with exit code 1: err6`);
  });

  test("runChecked() falls back to stdout for the message when stderr is empty", async () => {
    const error = await runChecked(["sh", "-c", "echo only-stdout; exit 2"]).catch((e) => e);
    expect(error.message).toBe(`"sh -c 'echo only-stdout; exit 2'" failed with exit code 2: only-stdout`);
  });

  test("runChecked() resolves for exit code 0", async () => {
    expect((await runChecked(["true"])).exitCode).toBe(0);
  });
});

test("formatArgv() quotes only the arguments that need it", () => {
  expect(formatArgv(["docker-compose", "-f", "/etc/dusty/compose/docker-compose.yml", "up", "-d"])).toBe(
    "docker-compose -f /etc/dusty/compose/docker-compose.yml up -d",
  );
  expect(formatArgv(["sh", "-c", "echo it's"])).toBe(`sh -c 'echo it'\\''s'`);
  expect(formatArgv(["echo", ""])).toBe("echo ''");
});
