/**
 * Builds `Specs` for the compilers' unit tests straight from the schemas, so those tests do not
 * depend on the loader. Pure like the rest of core/; only tests import it.
 */
import * as v from "valibot";
import { emptySpecs, SPEC_SCHEMAS, type Specs, type SpecKind } from "./specs.ts";

/** Raw spec documents by kind and name, as they would be written in YAML. */
export type RawSpecs = Partial<Record<SpecKind, Record<string, unknown>>>;

/** Parses every raw document with its kind's schema (defaults applied), in sorted name order. */
export function specsFromRaw(raw: RawSpecs): Specs {
  const specs = emptySpecs();
  for (const kind of Object.keys(raw) as SpecKind[]) {
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(raw[kind] ?? {}).sort()) out[name] = v.parse(SPEC_SCHEMAS[kind], raw[kind]?.[name]);
    Object.assign(specs[kind], out);
  }
  return specs;
}
