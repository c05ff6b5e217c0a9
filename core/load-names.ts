/** Which files are specs, and which spec names are allowed, per kind. */
import { SPEC_KINDS, type SpecKind } from "./specs.ts";

/** A spec file's kind and name, from its path `<kind>/<name>.yml`. */
export interface SpecPath {
  kind: SpecKind;
  name: string;
}

/** One spec of each kind, for messages: `app "web"`. */
export const SPEC_KIND_SINGULAR: Readonly<Record<SpecKind, string>> = {
  apps: "app",
  libs: "lib",
  services: "service",
  bundles: "bundle",
};

/** Dusty runs its own nginx as a compose service of this name. */
export const RESERVED_NAME = "dustyInternalNginx";

// Dusty 0.7's rule for apps and libs; services only need to be compose-safe. A bundle name reaches no
// system file (only the config, quoted), and Dusty had no rule for it: its own tests use `bundle-Ɯ`.
const STRICT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const COMPOSE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const BUNDLE_NAME = /^[\p{L}\p{N}][\p{L}\p{M}\p{N}_.-]*$/u;

/** The kind and name of a spec file, or undefined for a file that is not a spec (wrong folder or extension). */
export function parseSpecPath(path: string): SpecPath | undefined {
  const slash = path.indexOf("/");
  const kind = path.slice(0, slash);
  if (slash < 0 || !(SPEC_KINDS as readonly string[]).includes(kind) || !path.endsWith(".yml")) return undefined;
  return { kind: kind as SpecKind, name: path.slice(slash + 1, -".yml".length) };
}

/** True when a name could reach outside its folder or hide itself, so it must not name anything. */
export function isEscapingName(name: string): boolean {
  return name === "" || name.includes("/") || name.includes("\\") || name.includes("..") || name.startsWith(".");
}

// A file name: most file systems allow 255 bytes.
const MAX_ASSET_KEY_BYTES = 255;

/** Why `key` cannot name an asset, or undefined when it can: it becomes a file name in the assets folder. */
export function checkAssetKey(key: string): string | undefined {
  if (isEscapingName(key)) return 'keys are file names: no "/", "\\" or "..", and no "." at the start';
  if (/[\u0000-\u001f\u007f]/.test(key)) return "keys cannot hold control characters";
  if (new TextEncoder().encode(key).length > MAX_ASSET_KEY_BYTES) return `keys are at most ${MAX_ASSET_KEY_BYTES} bytes long`;
  return undefined;
}

/** Why `name` cannot name a spec of `kind`, or undefined when it can. */
export function checkSpecName(kind: SpecKind, name: string): string | undefined {
  const what = SPEC_KIND_SINGULAR[kind];
  if (name === "") return `the ${what} file has no name: name it like ${kind}/example.yml`;
  if (name.includes("/") || name.includes("\\")) {
    return `${what} name "${name}" is not allowed: spec files sit directly in ${kind}/, not in subfolders`;
  }
  if (name.includes("..")) return `${what} name "${name}" is not allowed: names cannot contain ".."`;
  if (name.startsWith(".")) return `${what} name "${name}" is not allowed: names cannot start with "."`;
  if ((kind === "apps" || kind === "services") && name === RESERVED_NAME) {
    return `the name ${RESERVED_NAME} is reserved for Dusty's internal nginx: choose another name`;
  }
  if ((kind === "apps" || kind === "libs") && !STRICT_NAME.test(name)) {
    return `${what} name "${name}" is not allowed: use lowercase letters and digits, with single ".", "_" or "-" between them`;
  }
  if (kind === "bundles") {
    return BUNDLE_NAME.test(name) ? undefined : `${what} name "${name}" is not allowed: start with a letter or digit (any script), then use letters, digits, "_", "." or "-"`;
  }
  if (!COMPOSE_NAME.test(name)) {
    return `${what} name "${name}" is not allowed: start with a letter or digit, then use letters, digits, "_", "." or "-"`;
  }
  return undefined;
}

/**
 * Why a file in a kind folder is skipped although it looks like a spec (`web.yaml`, `web.YML`), for a
 * warning; undefined for a spec file or an unrelated one (README.md). Dusty read only `.yml`, so a repo
 * means the same to both tools; the warning saves the user from hunting a "missing" spec.
 */
export function describeIgnoredSpecFile(kind: SpecKind, fileName: string, isSpecFile: (fileName: string) => boolean): string | undefined {
  const match = /^(.*)\.ya?ml$/i.exec(fileName);
  if (!match || fileName.endsWith(".yml")) return undefined;
  const wanted = `${match[1]}.yml`;
  if (isSpecFile(wanted)) return `ignored: spec files end in .yml, and ${kind}/${wanted} is read instead (remove one of them)`;
  return `ignored: spec files end in .yml (rename it to ${wanted})`;
}
