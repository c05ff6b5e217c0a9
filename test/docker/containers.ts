/**
 * Containers a test starts itself: labelled so a stray one is easy to find, and removed by id in
 * afterAll whatever happened in the tests.
 */
import { inspectContainers, removeContainers } from "../../platform/docker.ts";
import { runChecked } from "../../platform/run.ts";
import { BUSYBOX_IMAGE } from "../../platform/test-images.ts";

/** The label every test container carries; its value names the test file. */
export const TEST_CONTAINER_LABEL = "dusty.test";

/** Busybox keeps running as PID 1 until stopped, and exits at once on SIGTERM (plain `sleep` ignores it). */
export const IDLE_COMMAND = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"];

/** Options for one test container. */
export interface TestContainerOptions {
  image?: string;
  /** Extra `docker run` flags, e.g. ["-p", "127.0.0.1::80"]. */
  flags?: string[];
  command?: string[];
}

/** Starts and remembers the containers of one test file. */
export class TestContainers {
  readonly ids: string[] = [];
  constructor(readonly owner: string) {}

  /** Starts a detached container and returns its full id. */
  async start(options: TestContainerOptions = {}): Promise<string> {
    const argv = ["docker", "run", "--detach", "--label", `${TEST_CONTAINER_LABEL}=${this.owner}`, ...(options.flags ?? [])];
    const { stdout } = await runChecked([...argv, options.image ?? BUSYBOX_IMAGE, ...(options.command ?? IDLE_COMMAND)]);
    const id = stdout.trim();
    this.ids.push(id);
    return id;
  }

  /** Removes every container this object started that still exists (a test may have removed some). */
  async removeAll(): Promise<void> {
    const ids = this.ids.splice(0);
    const existing = (await inspectContainers(ids)).map((c) => c.id);
    await removeContainers(existing);
  }
}

/** Fetches a URL until it answers (a fresh nginx needs a moment to listen), at most `attempts` times. */
export async function fetchWhenReady(url: string, attempts = 50): Promise<Response> {
  for (let i = 1; ; i++) {
    try {
      return await fetch(url);
    } catch (error) {
      if (i >= attempts) throw error;
      await Bun.sleep(100);
    }
  }
}
