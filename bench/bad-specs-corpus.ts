/**
 * The bad-spec corpus: small specs repos that each hold one kind of defect (malformed YAML, keys of the
 * wrong shape, hostile values, bad ports, broken references, and file-system traps: folders named
 * *.yml, FIFOs, broken, looping and escaping links, huge files). Each case is a valid base repo with a
 * few files replaced, and lists every problem `dusty validate` must name. bench/soak-bad-specs.ts runs
 * them all; test/bad-specs.test.ts runs every case that is not `slow`.
 */

/** What one path of a case holds: text, raw bytes, or a file-system object that is not a regular file. */
export type CorpusEntry =
  | string
  | { bytes: Uint8Array }
  | { dir: true }
  | { fifo: true }
  /** `$OUTSIDE` in the target stands for a folder next to the repo, holding `secret.txt` and `libs/`. */
  | { symlink: string }
  /** Many files: `count` copies of `text` named `<prefix><n>.yml`. */
  | { many: { count: number; text: string } };

/** One problem a case must report: a diagnostic line for `file`, at `key` when given (`file:line:col: key: …`). */
export interface ExpectedProblem {
  file: string;
  key?: string;
  /** Words the diagnostic must hold, where the kind of problem matters (a refused link, not a YAML error). */
  says?: string;
}

/** One bad specs repo. */
export interface BadSpecCase {
  name: string;
  /** Paths to replace or add in the base repo; null removes the path. */
  files: Record<string, CorpusEntry | null>;
  expect: ExpectedProblem[];
  /**
   * Set while the fix lives on another branch of issue 8: "shapes" (a key of the wrong shape drops the
   * spec) or "values" (host names and paths checked against their grammar). Such cases may still pass
   * validate (exit 0) on a branch without that fix.
   */
  /** Slow to build or run (thousands of files): the soak runs it, the test suite does not. */
  slow?: true;
}

/** The text an outside file holds: no output may ever contain it. */
export const OUTSIDE_SECRET = "TOP-SECRET-do-not-print-4711";

/** A valid repo: two apps, a lib, a service, a bundle. */
export const BASE_REPO: Readonly<Record<string, string>> = {
  "apps/web.yml": [
    "repo: /src/web",
    "mount: /srv/web",
    "image: busybox",
    "depends:",
    "  libs: [util]",
    "  services: [db]",
    "host_forwarding:",
    "  - host_name: web.local",
    "    host_port: 80",
    "    container_port: 8000",
    "commands:",
    "  always:",
    "    - httpd -f -p 8000",
    "",
  ].join("\n"),
  "apps/api.yml": "image: busybox\n",
  "libs/util.yml": "repo: /src/util\nmount: /srv/util\n",
  "services/db.yml": "image: postgres\n",
  "bundles/site.yml": "apps: [web, api]\nservices: [db]\n",
};

const WEB = "apps/web.yml";
const WEB_HEAD = "repo: /src/web\nmount: /srv/web\n";

/** An app web with the base's repo and mount, plus `body`. */
function web(body: string): Record<string, string> {
  return { [WEB]: WEB_HEAD + body };
}

/** An app web whose only forwarding has this host_name (as YAML text). */
function hostName(yamlValue: string): Record<string, string> {
  return web(`image: busybox\nhost_forwarding:\n  - host_name: ${yamlValue}\n    host_port: 80\n    container_port: 8000\n`);
}

/** An app web whose only forwarding has these host_port and container_port values (as YAML text). */
function ports(hostPort: string, containerPort = "8000"): Record<string, string> {
  return web(`image: busybox\nhost_forwarding:\n  - host_name: web.local\n    host_port: ${hostPort}\n    container_port: ${containerPort}\n`);
}

// Deterministic garbage: the same bytes on every run, NULs and invalid UTF-8 included.
function garbage(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = 2463534242;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const ALIAS_BOMB = ["a: &a [x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => {
  const prev = String.fromCharCode(97 + i);
  const next = String.fromCharCode(98 + i);
  return `${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
})].join("\n");

const at = (file: string, key?: string): ExpectedProblem => (key === undefined ? { file } : { file, key });
const says = (file: string, words: string): ExpectedProblem => ({ file, says: words });
const OUT = "leads out of the specs repo";

/** Every case. Names are unique and safe as folder names. */
export const BAD_SPEC_CASES: readonly BadSpecCase[] = [
  // --- malformed YAML
  { name: "yaml-unclosed-flow", files: web("image: [busybox\n"), expect: [at(WEB)] },
  { name: "yaml-unclosed-quote", files: web('image: "busybox\n'), expect: [at(WEB)] },
  { name: "yaml-bad-indent", files: web("image: busybox\n  build: .\n"), expect: [at(WEB)] },
  { name: "yaml-tab-indent", files: web("image: busybox\ndepends:\n\tlibs: [util]\n"), expect: [at(WEB)] },
  { name: "yaml-duplicate-key", files: web("image: busybox\nimage: alpine\n"), expect: [at(WEB)] },
  { name: "yaml-two-documents", files: web("image: busybox\n---\nimage: alpine\n"), expect: [at(WEB)] },
  { name: "yaml-alias-bomb", files: { [WEB]: `${WEB_HEAD}image: busybox\n${ALIAS_BOMB}\n` }, expect: [at(WEB)] },
  { name: "yaml-recursive-alias", files: web("image: busybox\ncompose: &c\n  x: *c\n"), expect: [at(WEB)] },
  { name: "yaml-undefined-alias", files: web("image: *nothing\n"), expect: [at(WEB)] },
  { name: "yaml-deep-nesting", files: web(`image: busybox\ncompose:\n  x: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`), expect: [at(WEB)] },
  { name: "yaml-binary-garbage", files: { [WEB]: { bytes: garbage(4096) } }, expect: [at(WEB)] },
  { name: "yaml-invalid-utf8", files: { [WEB]: { bytes: new Uint8Array([0x69, 0x6d, 0x61, 0x67, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0xc3, 0x0a]) } }, expect: [says(WEB, "not UTF-8")] },
  { name: "yaml-empty-file", files: { [WEB]: "" }, expect: [at(WEB)] },
  { name: "yaml-comment-only", files: { [WEB]: "# nothing here\n" }, expect: [at(WEB)] },
  { name: "yaml-scalar-document", files: { [WEB]: "just a sentence\n" }, expect: [at(WEB)] },
  { name: "yaml-list-document", files: { [WEB]: "- image: busybox\n" }, expect: [at(WEB)] },
  { name: "yaml-null-document", files: { [WEB]: "~\n" }, expect: [at(WEB)] },
  { name: "yaml-bundle-empty", files: { "bundles/site.yml": "" }, expect: [at("bundles/site.yml")] },

  // --- keys of the wrong shape (a list where a mapping belongs silently dropped the spec)
  { name: "shape-commands-list", files: web("image: busybox\ncommands:\n  - serve\n"), expect: [at(WEB, "commands")] },
  { name: "shape-depends-list", files: web("image: busybox\ndepends:\n  - util\n"), expect: [at(WEB, "depends")] },
  { name: "shape-conditional-links-list", files: web("image: busybox\nconditional_links:\n  - api\n"), expect: [at(WEB, "conditional_links")] },
  { name: "shape-test-list", files: web("image: busybox\ntest:\n  - unit\n"), expect: [at(WEB, "test")] },
  { name: "shape-lib-depends-list", files: { "libs/util.yml": "repo: /src/util\nmount: /srv/util\ndepends:\n  - base\n" }, expect: [at("libs/util.yml", "depends")] },
  { name: "shape-commands-string", files: web("image: busybox\ncommands: serve\n"), expect: [at(WEB, "commands")] },
  { name: "shape-commands-always-string", files: web("image: busybox\ncommands:\n  always: serve\n"), expect: [at(WEB, "commands.always")] },
  { name: "shape-commands-always-nested-list", files: web("image: busybox\ncommands:\n  always:\n    - [a, b]\n"), expect: [at(WEB, "commands.always[0]")] },
  { name: "shape-depends-apps-string", files: web("image: busybox\ndepends:\n  apps: api\n"), expect: [at(WEB, "depends.apps")] },
  { name: "shape-depends-number", files: web("image: busybox\ndepends: 3\n"), expect: [at(WEB, "depends")] },
  { name: "shape-host-forwarding-mapping", files: web("image: busybox\nhost_forwarding:\n  host_name: web.local\n"), expect: [at(WEB, "host_forwarding")] },
  { name: "shape-host-forwarding-string", files: web("image: busybox\nhost_forwarding: web.local:80\n"), expect: [at(WEB, "host_forwarding")] },
  { name: "shape-host-forwarding-item-string", files: web("image: busybox\nhost_forwarding: [web.local]\n"), expect: [at(WEB, "host_forwarding[0]")] },
  { name: "shape-scripts-mapping", files: web("image: busybox\nscripts:\n  check: echo ok\n"), expect: [at(WEB, "scripts")] },
  { name: "shape-script-command-string", files: web("image: busybox\nscripts:\n  - name: check\n    command: echo ok\n"), expect: [at(WEB, "scripts[0].command")] },
  { name: "shape-assets-string", files: web("image: busybox\nassets: key\n"), expect: [at(WEB, "assets")] },
  { name: "shape-asset-missing-path", files: web("image: busybox\nassets:\n  - name: key\n"), expect: [at(WEB, "assets[0].path")] },
  { name: "shape-image-list", files: web("image: [busybox]\n"), expect: [at(WEB, "image")] },
  { name: "shape-image-number", files: web("image: 5\n"), expect: [at(WEB, "image")] },
  { name: "shape-repo-list", files: { [WEB]: "repo: [a]\nmount: /srv/web\nimage: busybox\n" }, expect: [at(WEB, "repo")] },
  { name: "shape-mount-number", files: { [WEB]: "repo: /src/web\nmount: 5\nimage: busybox\n" }, expect: [at(WEB, "mount")] },
  { name: "shape-compose-list", files: web("image: busybox\ncompose: [a]\n"), expect: [at(WEB, "compose")] },
  { name: "shape-compose-string", files: web("image: busybox\ncompose: privileged\n"), expect: [at(WEB, "compose")] },
  { name: "shape-test-suites-mapping", files: web("image: busybox\ntest:\n  suites:\n    unit: echo\n"), expect: [at(WEB, "test.suites")] },
  { name: "shape-test-suite-no-name", files: web("image: busybox\ntest:\n  suites:\n    - command: [echo]\n"), expect: [at(WEB, "test.suites[0].name")] },
  { name: "shape-image-requires-login-string", files: web("image: busybox\nimage_requires_login: yes\n"), expect: [at(WEB, "image_requires_login")] },
  { name: "shape-bundle-apps-string", files: { "bundles/site.yml": "apps: web\n" }, expect: [at("bundles/site.yml", "apps")] },
  { name: "shape-bundle-apps-mapping", files: { "bundles/site.yml": "apps:\n  web: true\n" }, expect: [at("bundles/site.yml", "apps")] },
  { name: "shape-bundle-services-number", files: { "bundles/site.yml": "apps: [web]\nservices: 5\n" }, expect: [at("bundles/site.yml", "services")] },
  { name: "shape-bundle-description-list", files: { "bundles/site.yml": "description: [a]\napps: [web, api]\n" }, expect: [at("bundles/site.yml", "description")] },
  { name: "shape-lib-install-string", files: { "libs/util.yml": "repo: /src/util\nmount: /srv/util\ninstall: make\n" }, expect: [at("libs/util.yml", "install")] },
  { name: "shape-lib-mount-list", files: { "libs/util.yml": "repo: /src/util\nmount: [/srv/util]\n" }, expect: [at("libs/util.yml", "mount")] },
  { name: "shape-service-list", files: { "services/db.yml": "- image: postgres\n" }, expect: [at("services/db.yml")] },

  // --- ports
  { name: "port-zero", files: ports("0"), expect: [at(WEB, "host_forwarding[0].host_port")] },
  { name: "port-too-big", files: ports("70000"), expect: [at(WEB, "host_forwarding[0].host_port")] },
  { name: "port-negative", files: ports("-1"), expect: [at(WEB, "host_forwarding[0].host_port")] },
  { name: "port-text", files: ports('"80a"'), expect: [at(WEB, "host_forwarding[0].host_port")] },
  { name: "port-fraction", files: ports("80", "80.5"), expect: [at(WEB, "host_forwarding[0].container_port")] },
  { name: "port-boolean", files: ports("true"), expect: [at(WEB, "host_forwarding[0].host_port")] },
  { name: "port-container-missing", files: web("image: busybox\nhost_forwarding:\n  - host_name: web.local\n    host_port: 80\n"), expect: [at(WEB, "host_forwarding[0].container_port")] },
  { name: "port-bad-type", files: web("image: busybox\nhost_forwarding:\n  - host_name: web.local\n    host_port: 80\n    container_port: 8000\n    type: tcp\n"), expect: [at(WEB, "host_forwarding[0].type")] },
  { name: "port-taken-twice", files: { "apps/api.yml": "image: busybox\nhost_forwarding:\n  - host_name: web.local\n    host_port: 80\n    container_port: 9000\n" }, expect: [at(WEB, "host_forwarding[0]")] },

  // --- hostile host names: they reach /etc/hosts and nginx.conf
  { name: "host-name-hosts-injection", files: hostName('"x\\n# END section for Dusty\\n10.9.9.9 evil"'), expect: [at(WEB, "host_forwarding[0].host_name")] },
  { name: "host-name-nginx-injection", files: hostName('"a; } server { } #"'), expect: [at(WEB, "host_forwarding[0].host_name")] },
  { name: "host-name-space", files: hostName('"web local"'), expect: [at(WEB, "host_forwarding[0].host_name")] },
  { name: "host-name-label-too-long", files: hostName(`${"a".repeat(64)}.local`), expect: [at(WEB, "host_forwarding[0].host_name")] },
  { name: "host-name-too-long", files: hostName(Array.from({ length: 5 }, () => "b".repeat(60)).join(".")), expect: [at(WEB, "host_forwarding[0].host_name")] },
  { name: "host-name-leading-hyphen", files: hostName("-web.local"), expect: [at(WEB, "host_forwarding[0].host_name")] },
  { name: "host-name-tab", files: hostName('"web\\t.local"'), expect: [at(WEB, "host_forwarding[0].host_name")] },
  { name: "host-name-empty", files: hostName('""'), expect: [at(WEB, "host_forwarding[0].host_name")] },
  { name: "host-name-number", files: hostName("5"), expect: [at(WEB, "host_forwarding[0].host_name")] },

  // --- paths
  { name: "mount-dot-dot", files: { [WEB]: "repo: /src/web\nmount: /srv/../../etc\nimage: busybox\n" }, expect: [at(WEB, "mount")] },
  { name: "lib-mount-dot-dot", files: { "libs/util.yml": "repo: /src/util\nmount: /srv/../../etc\n" }, expect: [at("libs/util.yml", "mount")] },
  { name: "mount-relative", files: { [WEB]: "repo: /src/web\nmount: srv/web\nimage: busybox\n" }, expect: [at(WEB, "mount")] },
  { name: "mount-without-repo", files: { [WEB]: "mount: /srv/web\nimage: busybox\n" }, expect: [at(WEB, "mount")] },

  // --- unknown keys
  { name: "unknown-app-key", files: web("image: busybox\nimagee: busybox\n"), expect: [at(WEB, "imagee")] },
  { name: "unknown-forwarding-key", files: web("image: busybox\nhost_forwarding:\n  - host_name: web.local\n    host_port: 80\n    container_port: 8000\n    extra: 1\n"), expect: [at(WEB, "host_forwarding[0].extra")] },
  { name: "unknown-depends-key", files: web("image: busybox\ndepends:\n  servics: [db]\n"), expect: [at(WEB, "depends.servics")] },
  { name: "unknown-bundle-key", files: { "bundles/site.yml": "apps: [web, api]\napp: [web]\n" }, expect: [at("bundles/site.yml", "app")] },
  { name: "unknown-lib-key", files: { "libs/util.yml": "repo: /src/util\nmount: /srv/util\nimage: busybox\n" }, expect: [at("libs/util.yml", "image")] },

  // --- references, cycles, names, rules
  { name: "ref-missing-lib", files: web("image: busybox\ndepends:\n  libs: [utils]\n"), expect: [at(WEB, "depends.libs[0]")] },
  { name: "ref-missing-service", files: web("image: busybox\ndepends:\n  services: [redis]\n"), expect: [at(WEB, "depends.services[0]")] },
  { name: "ref-missing-bundle-app", files: { "bundles/site.yml": "apps: [web, wbe]\n" }, expect: [at("bundles/site.yml", "apps[1]")] },
  { name: "ref-missing-link", files: web("image: busybox\nconditional_links:\n  apps: [worker]\n"), expect: [at(WEB, "conditional_links.apps[0]")] },
  { name: "cycle-apps", files: { ...web("image: busybox\ndepends:\n  apps: [api]\n"), "apps/api.yml": "image: busybox\ndepends:\n  apps: [web]\n" }, expect: [at("apps/api.yml", "depends.apps[0]")] },
  { name: "cycle-self", files: web("image: busybox\ndepends:\n  apps: [web]\n"), expect: [at(WEB, "depends.apps[0]")] },
  { name: "cycle-libs", files: { "libs/util.yml": "repo: /src/util\nmount: /srv/util\ndepends:\n  libs: [base]\n", "libs/base.yml": "repo: /src/base\nmount: /srv/base\ndepends:\n  libs: [util]\n" }, expect: [at("libs/base.yml", "depends.libs[0]")] },
  { name: "no-bundles", files: { "bundles/site.yml": null }, expect: [at("bundles/")] },
  { name: "name-uppercase", files: { "apps/Web.yml": "image: busybox\n" }, expect: [at("apps/Web.yml")] },
  { name: "name-reserved", files: { "services/dustyInternalNginx.yml": "image: nginx\n" }, expect: [at("services/dustyInternalNginx.yml")] },
  { name: "name-clash", files: { "libs/web.yml": "repo: /src/w\nmount: /srv/w\n" }, expect: [at(WEB)] },
  { name: "image-and-build", files: web("image: busybox\nbuild: .\n"), expect: [at(WEB, "build")] },
  { name: "image-nor-build", files: web("commands:\n  always: [true]\n"), expect: [at(WEB)] },
  { name: "suite-reserved-name", files: web("image: busybox\ntest:\n  image: busybox\n  suites:\n    - name: all\n      command: [echo]\n"), expect: [at(WEB, "test.suites[0].name")] },

  // --- the file system: only regular files inside the repo are read
  { name: "fs-folder-named-yml", files: { [WEB]: { dir: true } }, expect: [says(WEB, "it is a folder"), at("bundles/site.yml", "apps[0]")] },
  { name: "fs-fifo", files: { "apps/pipe.yml": { fifo: true } }, expect: [says("apps/pipe.yml", "named pipe (FIFO)")] },
  { name: "fs-fifo-kind-folder", files: { "services/db.yml": null, services: { fifo: true } }, expect: [says("services", "named pipe (FIFO)"), at("bundles/site.yml", "services[0]")] },
  { name: "fs-broken-link", files: { "apps/gone.yml": { symlink: "nothing.yml" } }, expect: [says("apps/gone.yml", "broken symbolic link")] },
  { name: "fs-link-loop", files: { "apps/a.yml": { symlink: "b.yml" }, "apps/b.yml": { symlink: "a.yml" } }, expect: [says("apps/a.yml", "link loop"), says("apps/b.yml", "link loop")] },
  { name: "fs-link-to-itself", files: { "apps/self.yml": { symlink: "self.yml" } }, expect: [says("apps/self.yml", "link loop")] },
  { name: "fs-link-out-absolute", files: { "apps/leak.yml": { symlink: "$OUTSIDE/secret.txt" } }, expect: [says("apps/leak.yml", OUT)] },
  { name: "fs-link-out-relative", files: { "apps/leak.yml": { symlink: "../../outside/secret.txt" } }, expect: [says("apps/leak.yml", OUT)] },
  { name: "fs-link-etc-shadow", files: { "apps/shadow.yml": { symlink: "/etc/shadow" } }, expect: [says("apps/shadow.yml", OUT)] },
  { name: "fs-link-through-folder-out", files: { "apps/via": { symlink: "$OUTSIDE" }, "apps/leak.yml": { symlink: "via/secret.txt" } }, expect: [says("apps/leak.yml", OUT)] },
  { name: "fs-kind-folder-link-out", files: { "libs/util.yml": null, libs: { symlink: "$OUTSIDE/libs" } }, expect: [says("libs", OUT), at(WEB, "depends.libs[0]")] },
  { name: "fs-kind-folder-loop", files: { "services/db.yml": null, services: { symlink: "services" } }, expect: [says("services", "link loop"), at("bundles/site.yml", "services[0]")] },
  { name: "fs-link-to-folder", files: { "apps/dir.yml": { symlink: "../libs" } }, expect: [says("apps/dir.yml", "it is a folder")] },
  { name: "fs-apps-is-file", files: { "apps/web.yml": null, "apps/api.yml": null, apps: "web: busybox\n" }, expect: [says("apps", "expected a folder"), at("bundles/site.yml", "apps[0]")] },
  { name: "fs-bundles-is-file", files: { "bundles/site.yml": null, bundles: "apps: [web]\n" }, expect: [says("bundles", "expected a folder")] },
  { name: "fs-huge-file", files: { [WEB]: `${BASE_REPO[WEB]}${"# padding padding padding padding padding padding\n".repeat(40_000)}` }, expect: [says(WEB, "1 MiB limit")] },
  { name: "fs-yaml-extension", files: { [WEB]: null, "apps/web.yaml": BASE_REPO[WEB]! }, expect: [says("apps/web.yaml", "rename it to web.yml"), at("bundles/site.yml", "apps[0]")] },
  { name: "fs-control-char-name", files: { "apps/a\nb.yml": "image: busybox\n" }, expect: [says("apps/a\\nb.yml", "control characters")] },
  { name: "fs-too-many-files", files: { "services/svc-": { many: { count: 20_001, text: "image: busybox\n" } } }, expect: [says("services/", "more than the 20000")], slow: true },
];
