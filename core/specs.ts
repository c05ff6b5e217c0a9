/**
 * The spec model: valibot schemas for every kind of spec file and the types inferred from them.
 * Schemas apply the reference's defaults, so code after loading never checks for absent keys.
 */
import * as v from "valibot";

/** The four folders of a specs repo, each holding `<name>.yml` files. */
export const SPEC_KINDS = ["apps", "libs", "services", "bundles"] as const;
export type SpecKind = (typeof SPEC_KINDS)[number];

// null counts as absent everywhere: `once:` with nothing after it means "no once commands".
const stringList = () => v.nullish(v.array(v.string()), () => []);
const text = (fallback: string) => v.nullish(v.string(), fallback);
const port = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));

/** A compose service map: any keys, checked later only for unknown-key warnings. */
export const ComposeMap = v.nullish(v.record(v.string(), v.unknown()), () => ({}));
export type ComposeMap = v.InferOutput<typeof ComposeMap>;

export const HostForwarding = v.strictObject({
  host_name: v.pipe(v.string(), v.minLength(1)),
  host_port: port,
  container_port: port,
  type: v.nullish(v.picklist(["http", "stream"]), "http"),
});
export type HostForwarding = v.InferOutput<typeof HostForwarding>;

export const Script = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1)),
  description: text(""),
  command: v.array(v.string()),
});
export type Script = v.InferOutput<typeof Script>;

export const Asset = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1)),
  path: v.string(),
  required: v.nullish(v.boolean(), true),
});
export type Asset = v.InferOutput<typeof Asset>;

export const TestSuite = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1)),
  command: v.array(v.string()),
  default_args: text(""),
  description: text(""),
  compose: ComposeMap,
  services: stringList(),
});
export type TestSuite = v.InferOutput<typeof TestSuite>;

export const TestSpec = v.nullish(
  v.strictObject({
    image: v.optional(v.string()),
    image_requires_login: v.nullish(v.boolean(), false),
    build: v.optional(v.string()),
    once: stringList(),
    suites: v.nullish(v.array(TestSuite), () => []),
  }),
  () => ({ image_requires_login: false, once: [], suites: [] }),
);
export type TestSpec = v.InferOutput<typeof TestSpec>;

export const AppSpec = v.strictObject({
  repo: text(""),
  mount: text(""),
  depends: v.nullish(
    v.strictObject({ apps: stringList(), libs: stringList(), services: stringList() }),
    () => ({ apps: [], libs: [], services: [] }),
  ),
  conditional_links: v.nullish(
    v.strictObject({ apps: stringList(), services: stringList() }),
    () => ({ apps: [], services: [] }),
  ),
  host_forwarding: v.nullish(v.array(HostForwarding), () => []),
  image: v.optional(v.string()),
  image_requires_login: v.nullish(v.boolean(), false),
  build: v.optional(v.string()),
  // Dusty 0.4.0 made `commands` required; we keep 0.4's default so old specs still load.
  commands: v.nullish(
    v.strictObject({ always: stringList(), once: stringList() }),
    () => ({ always: [], once: [] }),
  ),
  scripts: v.nullish(v.array(Script), () => []),
  assets: v.nullish(v.array(Asset), () => []),
  compose: ComposeMap,
  test: TestSpec,
});
export type AppSpec = v.InferOutput<typeof AppSpec>;

export const LibSpec = v.strictObject({
  repo: v.string(),
  mount: v.string(),
  install: stringList(),
  depends: v.nullish(v.strictObject({ libs: stringList() }), () => ({ libs: [] })),
  assets: v.nullish(v.array(Asset), () => []),
  test: TestSpec,
});
export type LibSpec = v.InferOutput<typeof LibSpec>;

export const BundleSpec = v.strictObject({
  description: text(""),
  apps: stringList(),
  services: stringList(),
});
export type BundleSpec = v.InferOutput<typeof BundleSpec>;

/** A service spec is a docker-compose service definition, passed through as written. */
export const ServiceSpec = v.record(v.string(), v.unknown());
export type ServiceSpec = v.InferOutput<typeof ServiceSpec>;

/** The schema of each kind, for the loader. */
export const SPEC_SCHEMAS = {
  apps: AppSpec,
  libs: LibSpec,
  services: ServiceSpec,
  bundles: BundleSpec,
} as const;

/** Every spec of a repo by kind and name; each record's keys are in sorted order. */
export interface Specs {
  apps: Record<string, AppSpec>;
  libs: Record<string, LibSpec>;
  services: Record<string, ServiceSpec>;
  bundles: Record<string, BundleSpec>;
}

/** An empty spec set, to fill. */
export function emptySpecs(): Specs {
  return { apps: {}, libs: {}, services: {}, bundles: {} };
}
