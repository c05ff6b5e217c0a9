import { describe, expect, test } from "bun:test";
import { HOSTS_BEGIN_MARKER as BEGIN, HOSTS_END_MARKER as END, planHostsFile, renderHostsSection } from "./hosts.ts";

const SECTION = renderHostsSection([
  { address: "127.0.0.1", hostName: "local.web.com" },
  { address: "127.0.0.1", hostName: "local.api.com" },
]);
const OLD = `${BEGIN}\n127.0.0.1 old.example.com\n${END}\n`;
const SYSTEM = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n";

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

  test("planHostsFile() repairs a BEGIN without END by dropping it and the entries after it", () => {
    const torn = `${BEGIN}\n127.0.0.1 old.example.com\n127.0.0.1 older.example.com\n`;
    expect(planHostsFile(SYSTEM + torn, SECTION)).toBe(SYSTEM + SECTION);
    expect(planHostsFile(SYSTEM + torn + "# mine\n10.0.0.1 nas\n", SECTION)).toBe(`${SYSTEM}${SECTION}# mine\n10.0.0.1 nas\n`);
  });

  test("planHostsFile() repairs a BEGIN without END followed by a whole section", () => {
    const torn = `${BEGIN}\n127.0.0.1 old.example.com\n`;
    expect(planHostsFile(SYSTEM + torn + "# mine\n" + OLD, SECTION)).toBe(`${SYSTEM}${SECTION}# mine\n`);
  });

  test("planHostsFile() repairs an END without BEGIN, dropping only entries for names dusty maps", () => {
    const file = `${SYSTEM}127.0.0.1 local.api.com\n127.0.0.1 local.web.com\n${END}\n# after\n`;
    expect(planHostsFile(file, SECTION)).toBe(`${SYSTEM}${SECTION}# after\n`);
    // localhost right above the stray END is not dusty's: it stays.
    expect(planHostsFile(`${SYSTEM}${END}\n`, SECTION)).toBe(SYSTEM + SECTION);
    expect(planHostsFile(`${SYSTEM}${END}\n`, "")).toBe(SYSTEM);
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
      `${SYSTEM}${BEGIN}\n127.0.0.1 x\n`,
      `${SYSTEM}${END}\n`,
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
});
