import { expect, test } from "bun:test";
import { describeAppProblems } from "./_up-wait.ts";

test("describeAppProblems() names each container with its exit code or state, its last lines and the fix", () => {
  const text = describeAppProblems(
    [
      { app: "api", state: "exited", exitCode: 3, logs: ["booting", "no config"] },
      { app: "worker", state: "restarting", exitCode: 1, logs: [] },
    ],
    30_000,
  );
  expect(text).toBe(
    [
      "dusty up started the containers, but 2 are not running:",
      "  api exited with code 3; its last 2 log lines:",
      "    booting",
      "    no config",
      "  worker is still restarting after 30 s (last exit code 1); it printed nothing",
      "The others keep running. See the whole log with `dusty logs api`, fix the command or setup, then run `dusty up` again",
    ].join("\n"),
  );
});
