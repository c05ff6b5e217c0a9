import { expect, test } from "bun:test";
import { DaemonUnavailableError } from "../cmd/client/call.ts";
import { ConfigError } from "./config-file.ts";
import { describeFailure, failureExitCode, isExpectedError, SpecError, UserError } from "./errors.ts";
import { CommandFailedError, CommandNotFoundError, run } from "./run.ts";

test("every error dusty expects is a UserError, known by its type and not by its name", async () => {
  const failed = new CommandFailedError(await run(["sh", "-c", "echo nope >&2; exit 3"]));
  const expected: Error[] = [
    failed,
    new CommandNotFoundError("no-such-program"),
    new DaemonUnavailableError("Cannot connect to the dusty daemon"),
    new ConfigError([], "/etc/dusty/config.yml"),
    new SpecError([], "/specs"),
  ];
  for (const error of expected) {
    expect(error).toBeInstanceOf(UserError);
    expect(isExpectedError(error)).toBe(true);
    expect(describeFailure(error)).toBe(error.message);
    expect(failureExitCode(error)).toBe(1);
  }
  // The program's own exit code stays on the error; dusty's exit code is the family's.
  expect(failed.exitCode).toBe(3);
});

test("an error named like an expected one is still a bug: its stack is printed", () => {
  const impostor = new Error("boom");
  impostor.name = "CommandFailedError";
  expect(isExpectedError(impostor)).toBe(false);
  expect(describeFailure(impostor)).toContain("errors.test.ts");
  expect(describeFailure(new UserError("do this"), { verbose: true })).toContain("errors.test.ts");
});
