/** `dusty validate [SPECS_PATH]`: checks every spec and reports every problem at once. */
import { defineCommand } from "citty";
import { formatDiagnostic } from "../core/diagnostics.ts";
import { log, printResult } from "./_log.ts";
import { runGuarded } from "./_run.ts";
import { readCheckedSpecs } from "./_specs.ts";

export default defineCommand({
  meta: { name: "validate", description: "Validate that specs have correct fields and references" },
  args: {
    specsPath: { type: "positional", required: false, description: "Specs repo to check (default: the configured one, else the built-in example)" },
  },
  run: ({ args }) =>
    runGuarded(async () => {
      const { loaded, warnings, origin } = await readCheckedSpecs(args.specsPath);
      for (const w of warnings) log.warn(formatDiagnostic(w));
      const count = (kind: keyof typeof loaded.specs) => Object.keys(loaded.specs[kind]).length;
      printResult(
        `Specs at ${origin} are valid: ${count("apps")} apps, ${count("libs")} libs, ${count("services")} services, ${count("bundles")} bundles` +
          (warnings.length > 0 ? ` (${warnings.length} warning${warnings.length === 1 ? "" : "s"})` : ""),
      );
    }),
});
