// Per-call cost of a docker command on a remote Docker host (the namespace host of test/remote-host.ts):
// through dusty's ssh connection (a ControlMaster with the engine's socket forwarded to a local socket)
// vs `DOCKER_HOST=ssh://` (one ssh handshake per call) vs the local engine, measured side by side.
// Target of issue 10: the forwarded socket costs at most 1.5x a local call. Run as root: bun bench/remote-call.ts
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSshHost } from "../platform/vm/ssh-host.ts";
import { startRemoteHost } from "../test/remote-host.ts";
import { formatMs, timeSideBySide } from "./_timing.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const dir = mkdtempSync(join(tmpdir(), "dusty-bench-remote-"));
const host = await startRemoteHost({ hide: [dir] });
try {
  const driver = createSshHost({ dockerHost: host.dockerHostUrl, sshConfigFile: host.sshConfigFile, remotePersistDir: join(host.remoteRoot, "dusty"), controlDir: join(dir, "ssh") });
  await driver.ensureUp(() => {});
  const forwarded = (await driver.dockerEnv()).DOCKER_HOST!;
  // The docker CLI's ssh helper runs `ssh` from PATH with no way to pass -F: a shim adds the host's config.
  const shimDir = join(dir, "bin");
  mkdirSync(shimDir);
  writeFileSync(join(shimDir, "ssh"), `#!/bin/sh\nexec /usr/bin/ssh -F ${host.sshConfigFile} "$@"\n`);
  chmodSync(join(shimDir, "ssh"), 0o755);
  const version = ["docker", "version", "--format", "{{.Server.Version}}"];
  // `env` before each, so all three pay the same extra exec.
  const medians = await timeSideBySide(
    {
      local: ["env", ...version],
      forwarded: ["env", `DOCKER_HOST=${forwarded}`, ...version],
      "ssh://": ["env", `PATH=${shimDir}:${process.env.PATH}`, `DOCKER_HOST=${host.dockerHostUrl}`, ...version],
    },
    RUNS,
  );
  const logins = host.acceptedLogins();
  console.log(`docker version, median of ${RUNS} runs each, interleaved:`);
  console.log(formatMs("local engine", medians.local!));
  console.log(formatMs("remote, dusty's forwarded socket (one master)", medians.forwarded!));
  console.log(formatMs("remote, DOCKER_HOST=ssh:// (a handshake each)", medians["ssh://"]!));
  console.log(`forwarded / local: ${(medians.forwarded! / medians.local!).toFixed(2)}x (target <= 1.5x)`);
  console.log(`ssh:// / forwarded: ${(medians["ssh://"]! / medians.forwarded!).toFixed(2)}x`);
  console.log(`ssh logins accepted by the host: ${logins} (1 for the master, the rest from ssh://)`);
  await driver.connection.close();
} finally {
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
}
