/** The version of this binary; `bun build --compile` bakes package.json in, so it needs no file at run time. */
import pkg from "../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
