/**
 * File steps inside a running container for `cp`: what is at a path, and making a folder. The path
 * reaches the container's sh as "$1", never inside the script text, so no path can run as code.
 */
import { execInContainer, type DockerEnv } from "./docker.ts";
import { UserError } from "./errors.ts";
import type { PathKind } from "./local-files.ts";

// Prints the kind, then the path with symlinks resolved: docker cp copies a symlink itself, so a source
// that is a link to a folder is copied from where it points. [ -L ] as well: a dangling link still counts.
const KIND_SCRIPT = [
  'if [ -d "$1" ]; then echo dir; elif [ -e "$1" ] || [ -L "$1" ]; then echo file; else echo missing; fi',
  'if [ -e "$1" ]; then readlink -f "$1" 2>/dev/null || echo "$1"; else echo "$1"; fi',
].join("\n");

/** Which container the messages name, and which engine it runs on. */
export interface ContainerFileOptions {
  /** The app or service, for error messages. */
  name: string;
  /** The Docker host's environment (`host.dockerEnv()`). */
  env?: DockerEnv;
}

/** What is at a path in a container, and where it really is. */
export interface ContainerPath {
  kind: PathKind;
  /** The path with symlinks resolved (the path itself when it cannot be resolved). */
  realPath: string;
}

/** What `path` holds inside the running container `id` (symlinks to folders count as folders). */
export async function inspectContainerPath(id: string, path: string, options: ContainerFileOptions): Promise<ContainerPath> {
  const { name, env } = options;
  const result = await execInContainer(id, ["sh", "-c", KIND_SCRIPT, "sh", path], { env });
  const [kind = "", realPath = ""] = result.stdout.split("\n").map((line) => line.trim());
  if (result.exitCode !== 0 || !["dir", "file", "missing"].includes(kind)) {
    const why = result.stderr.trim().split("\n").at(-1) || `docker exec exited with code ${result.exitCode}`;
    throw new UserError(`Cannot look inside the container of ${name}: ${why}. It needs a sh; check it runs with \`dusty status\``);
  }
  return { kind: kind as PathKind, realPath: realPath.startsWith("/") ? realPath : path };
}

/** `mkdir -p` inside the running container `id`. */
export async function makeContainerDir(id: string, path: string, options: ContainerFileOptions): Promise<void> {
  const { name, env } = options;
  const result = await execInContainer(id, ["mkdir", "-p", path], { env });
  if (result.exitCode !== 0) {
    const why = result.stderr.trim().split("\n").at(-1) || `mkdir exited with code ${result.exitCode}`;
    throw new UserError(`Cannot create the folder ${path} in the container of ${name}: ${why}`);
  }
}
