import { describe, expect, test } from "bun:test";
import { HOSTS_BEGIN_MARKER as BEGIN, HOSTS_END_MARKER as END, planHostsFile as planBytes, renderHostsSection, type HostsPlan } from "./hosts.ts";

const SECTION = renderHostsSection([
  { address: "127.0.0.1", hostName: "local.web.com" },
  { address: "127.0.0.1", hostName: "local.api.com" },
]);
const OLD = `${BEGIN}\n127.0.0.1 old.example.com\n${END}\n`;
const SYSTEM = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n";

/** Latin-1 strings stand for bytes here: one character per byte, so "\xe9" is the single byte 0xE9. */
const bytesOf = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const textOf = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/** The planned file as a byte string; throws with the problem when the plan refuses the file. */
function planHostsFile(current: string, section: string): string {
  const plan = planBytes(bytesOf(current), section);
  if ("problem" in plan) throw new Error(`line ${plan.problem.line}: ${plan.problem.message}`);
  return textOf(plan.bytes);
}

function problemOf(current: string, section = SECTION): HostsPlan {
  return planBytes(bytesOf(current), section);
}

describe("renderHostsSection()", () => {
  test("renderHostsSection() writes one line per distinct host name between the markers", () => {
    const section = renderHostsSection([
      { address: "127.0.0.1", hostName: "a.local" },
      { address: "127.0.0.1", hostName: "b.local" },
      { address: "127.0.0.2", hostName: "a.local" },
    ]);
    expect(section).toBe("# BEGIN section for Dusty\n127.0.0.1 a.local\n127.0.0.1 b.local\n# END section for Dusty\n");
  });

  test("renderHostsSection() of no hosts is just the markers", () => {
    expect(renderHostsSection([])).toBe(`${BEGIN}\n${END}\n`);
  });
});

describe("planHostsFile()", () => {
  test("planHostsFile() appends the section after a blank line when there is none", () => {
    expect(planHostsFile(SYSTEM, SECTION)).toBe(`${SYSTEM}\n${SECTION}`);
  });

  test("planHostsFile() ends an unterminated last line before appending", () => {
    expect(planHostsFile("127.0.0.1 localhost", SECTION)).toBe(`127.0.0.1 localhost\n\n${SECTION}`);
  });

  test("planHostsFile() does not add a second blank line or one at the top of an empty file", () => {
    expect(planHostsFile(`${SYSTEM}\n`, SECTION)).toBe(`${SYSTEM}\n${SECTION}`);
    expect(planHostsFile("", SECTION)).toBe(SECTION);
  });

  test("planHostsFile() replaces the section in place and keeps everything around it byte for byte", () => {
    const before = `# my hosts\n${SYSTEM}   \n# a comment about Dusty\n`;
    const after = "\n10.0.0.1 nas # my NAS\n#last line, no newline";
    expect(planHostsFile(before + OLD + after, SECTION)).toBe(before + SECTION + after);
  });

  test("planHostsFile() writes the section with CRLF endings in a CRLF file", () => {
    const crlf = (text: string) => text.replaceAll("\n", "\r\n");
    expect(planHostsFile(crlf(SYSTEM + OLD + "# after\n"), SECTION)).toBe(crlf(SYSTEM + SECTION + "# after\n"));
    expect(planHostsFile(crlf(SYSTEM), SECTION)).toBe(crlf(`${SYSTEM}\n${SECTION}`));
  });

  test("planHostsFile() recognises markers with surrounding whitespace and a last END without newline", () => {
    const file = `${SYSTEM}  ${BEGIN}  \n127.0.0.1 old.example.com\n${END}\t`;
    expect(planHostsFile(file, SECTION)).toBe(SYSTEM + SECTION);
  });

  test("planHostsFile() collapses several sections into one at the place of the first, keeping what is between", () => {
    // The original's greedy regex deleted everything from the first BEGIN to the last END, "between" included.
    const between = "# between\n192.168.1.10 printer\n";
    expect(planHostsFile(SYSTEM + OLD + between + OLD + OLD, SECTION)).toBe(SYSTEM + SECTION + between);
  });

  test("planHostsFile() with an empty section removes the section and the blank line appending added", () => {
    const original = `# my hosts\n${SYSTEM}`;
    const added = planHostsFile(original, SECTION);
    expect(planHostsFile(added, "")).toBe(original);
    expect(planHostsFile(`${SYSTEM}\n${OLD}# after\n`, "")).toBe(`${SYSTEM}\n# after\n`);
    expect(planHostsFile(OLD, "")).toBe("");
  });

  test("planHostsFile() with an empty section and no section changes nothing", () => {
    for (const file of ["", SYSTEM, `${SYSTEM}\n`, "no newline", "a\r\nb\r\n"]) expect(planHostsFile(file, "")).toBe(file);
  });

  test("planHostsFile() is idempotent and never grows the file on repeated runs", () => {
    const files = [
      "",
      SYSTEM,
      "127.0.0.1 localhost",
      SYSTEM + OLD + OLD,
      (SYSTEM + OLD).replaceAll("\n", "\r\n"),
    ];
    for (const file of files) {
      for (const section of [SECTION, "", renderHostsSection([])]) {
        const once = planHostsFile(file, section);
        expect(planHostsFile(once, section)).toBe(once);
        expect(once.split(BEGIN).length).toBe(section === "" ? 1 : 2);
      }
    }
  });

  test("planHostsFile() keeps Latin-1 bytes, NUL bytes and a missing final newline outside the section exactly", () => {
    const before = "# caf\xe9 du coin\r\n10.0.0.9 nas\x00\r\n";
    const after = "# fin \xff\xfe \xa0";
    const planned = planHostsFile(before + OLD + after, SECTION);
    expect(planned).toBe(before + SECTION.replaceAll("\n", "\r\n") + after);
    expect(planHostsFile(planned, "")).toBe(before + after);
  });

  test("planHostsFile() returns the very input when nothing changes", () => {
    const current = bytesOf(`# \xe9\n${SYSTEM}`);
    const plan = planBytes(current, "");
    expect("bytes" in plan && plan.bytes).toBe(current);
  });

  test("planHostsFile() does not take a Latin-1 no-break space (0xA0) around a marker for white space", () => {
    const file = `${SYSTEM}\xa0${BEGIN}\n`;
    expect(planHostsFile(file, SECTION)).toBe(`${file}\n${SECTION}`);
  });

  test("planHostsFile() refuses a BEGIN without END, naming its line, instead of dropping the entries after it", () => {
    const torn = `${SYSTEM}${BEGIN}\n127.0.0.1 old.example.com\n# mine\n10.0.0.1 nas\n`;
    expect(problemOf(torn)).toEqual({ problem: { line: 3, message: `"${BEGIN}" without a "${END}" after it` } });
    expect(problemOf(torn, "")).toEqual(problemOf(torn));
  });

  test("planHostsFile() refuses an END without BEGIN, and an END before the BEGIN", () => {
    const message = `"${END}" without a "${BEGIN}" above it`;
    expect(problemOf(`${SYSTEM}127.0.0.1 local.web.com\n${END}\n`)).toEqual({ problem: { line: 4, message } });
    expect(problemOf(`${END}\r\n${SYSTEM}${BEGIN}\r\n`, "")).toEqual({ problem: { line: 1, message } });
    expect(problemOf(`${OLD}${END}\n`)).toEqual({ problem: { line: 4, message } });
  });

  test("planHostsFile() refuses a second BEGIN inside a section", () => {
    const file = `${SYSTEM}${BEGIN}\n127.0.0.1 a\n${BEGIN}\n127.0.0.1 b\n${END}\n`;
    expect(problemOf(file)).toEqual({
      problem: { line: 5, message: `a second "${BEGIN}" inside the section that starts at line 3` },
    });
  });
});
