import { expect, test } from "bun:test";
import { EngineTimeoutError, engineTimeouts, runEngine } from "./engine-run.ts";

test("engineTimeouts() reads the two limits from the environment, ignoring values that are not positive numbers", () => {
  expect(engineTimeouts({})).toEqual({ queryMs: 30_000, workMs: 1_800_000 });
  expect(engineTimeouts({ DUSTY_ENGINE_TIMEOUT_MS: "1500", DUSTY_COMPOSE_TIMEOUT_MS: "60000" })).toEqual({ queryMs: 1500, workMs: 60_000 });
  expect(engineTimeouts({ DUSTY_ENGINE_TIMEOUT_MS: "soon", DUSTY_COMPOSE_TIMEOUT_MS: "-1" })).toEqual({ queryMs: 30_000, workMs: 1_800_000 });
});

test("runEngine() turns a timeout into an EngineTimeoutError naming the engine the call went to and the fix", async () => {
  // The program stands in for a docker CLI stuck on a hung engine; DOCKER_HOST is what names the engine.
  const error = await runEngine(["sh", "-c", "exec sleep 30"], { env: { DOCKER_HOST: "tcp://192.0.2.1:2376" }, timeoutMs: 100, work: true, what: "docker compose up" }).catch((e) => e);
  expect(error).toBeInstanceOf(EngineTimeoutError);
  expect(error.message).toBe(
    "`docker compose up` did not finish within 100 ms on the Docker Engine at tcp://192.0.2.1:2376: dusty stopped it. " +
      "Check the engine with `docker info`, restart it (`sudo systemctl restart docker`) or point DOCKER_HOST at a working engine; " +
      "on a slow engine raise DUSTY_COMPOSE_TIMEOUT_MS in the daemon's environment",
  );
  expect((await runEngine(["true"])).exitCode).toBe(0);
});
