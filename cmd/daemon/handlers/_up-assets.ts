/** `up` refuses to start apps whose required assets (`dusty assets set`) are missing on the Docker host. */
import type { AssembledSpecs } from "../../../core/assemble.ts";
import { UserError } from "../../../platform/errors.ts";
import type { DockerHost } from "../../../platform/vm/index.ts";

/** The names of the assets that an active app or lib requires, sorted, without duplicates. */
export function requiredAssetNames(assembled: AssembledSpecs): string[] {
  const specs = [...Object.values(assembled.apps), ...Object.values(assembled.libs)];
  return [...new Set(specs.flatMap((spec) => spec.assets.filter((a) => a.required).map((a) => a.name)))].sort();
}

/** Throws, listing them all, when the required assets `names` are not set; one `test -f` per asset. */
export async function checkRequiredAssets(host: DockerHost, names: readonly string[]): Promise<void> {
  const dir = host.paths().assetsDir;
  const present = await Promise.all(names.map(async (name) => (await host.runOnHost(["test", "-f", `${dir}/${name}`])).exitCode === 0));
  const missing = names.filter((_, i) => !present[i]);
  if (missing.length === 0) return;
  const list = missing.join(", ");
  throw new UserError(
    `Assets ${list} ${missing.length === 1 ? "is" : "are"} specified as required but ${missing.length === 1 ? "is" : "are"} not set. ` +
      "Set them with `dusty assets set <name> <local path>`",
  );
}
