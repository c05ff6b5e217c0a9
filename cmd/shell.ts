/**
 * `dusty shell NAME`: a shell in the running container of an app or service, on the user's terminal.
 * bash where the image has it (as Dusty's /bin/bash), else sh: busybox and alpine images have no bash.
 */
import { defineCommand } from "citty";
import { DOCKER } from "../platform/docker.ts";
import { askDaemonFor, execFlags, runDockerAttached, runDockerCommand, type ContainerTarget } from "./client/exec-docker.ts";

/** Chooses the shell inside the container, in one exec: no second round trip to probe for bash. */
export const SHELL_SCRIPT = "if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi";

export default defineCommand({
  meta: { name: "shell", description: "Open a shell inside a running container" },
  args: {
    service: { type: "positional", required: true, description: "App or service whose container to open a shell in", valueHint: "name" },
  },
  async run({ args }) {
    await runDockerCommand(async () => {
      const found = await askDaemonFor<ContainerTarget>("containers.find", { name: args.service, running: true });
      if (!found.ok) return found.exitCode;
      return runDockerAttached([DOCKER, "exec", ...execFlags(), found.value.id, "sh", "-c", SHELL_SCRIPT], found.value.env);
    });
  },
});
