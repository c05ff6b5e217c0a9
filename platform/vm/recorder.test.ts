import { expect, test } from "bun:test";
import { createRecorder } from "./recorder.ts";

test("createRecorder() records every argv and answers from the script, once-replies first", async () => {
  const recorder = createRecorder([
    { argv: ["docker-machine", "status", "dusty"], stdout: "Stopped\n", once: true },
    { argv: ["docker-machine", "status", "dusty"], stdout: "Running\n" },
    { argv: (argv) => argv[0] === "false", exitCode: 1, stderr: "no\n" },
  ]);
  expect((await recorder.run(["docker-machine", "status", "dusty"])).stdout).toBe("Stopped\n");
  expect((await recorder.run(["docker-machine", "status", "dusty"])).stdout).toBe("Running\n");
  expect((await recorder.run(["docker-machine", "status", "dusty"])).stdout).toBe("Running\n");
  expect(await recorder.run(["false", "x"])).toEqual({ argv: ["false", "x"], exitCode: 1, stdout: "", stderr: "no\n" });
  expect(await recorder.run(["unscripted"], { input: "in" })).toEqual({ argv: ["unscripted"], exitCode: 0, stdout: "", stderr: "" });
  expect(recorder.calls).toEqual([
    ["docker-machine", "status", "dusty"],
    ["docker-machine", "status", "dusty"],
    ["docker-machine", "status", "dusty"],
    ["false", "x"],
    ["unscripted"],
  ]);
  expect(recorder.inputs).toEqual([undefined, undefined, undefined, undefined, "in"]);
});

test("createRecorder() streams canned output line by line like run()", async () => {
  const recorder = createRecorder([{ argv: ["x"], stdout: "a\nb\n", stderr: "c" }]);
  const lines: string[] = [];
  await recorder.run(["x"], { onLine: (line, stream) => lines.push(`${stream}:${line}`) });
  expect(lines).toEqual(["stdout:a", "stdout:b", "stderr:c"]);
});
