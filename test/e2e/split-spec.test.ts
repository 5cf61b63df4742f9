import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { BIN, type Served, serveOverStdio } from "../helpers/mcp.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * A hand-written spec split over sibling folders, as the Matrix specification's are (matrix-org/matrix-spec
 * data/api/application-service/protocols.yaml: `$ref: ../client-server/definitions/errors/error.yaml`, and its
 * security scheme `homeserverAccessToken: { $ref: definitions/security.yaml#/homeserverAccessToken }`):
 * - a bare spec's `$ref`s stay confined to its own folder, so the refusal (TW191, at the `$ref`'s line) says how to
 *   allow the sibling folders, `--ref-folder <the folder holding both>`, and `generate --openapi --ref-folder DIR`
 *   reads them (before, only a manifest could: `sources.<id>.ref_folders`);
 * - a security scheme that is a Reference Object (to another file, or inside the document) is the scheme it names:
 *   before, it was read as an unknown type, so every operation it secures was left out (TW139), 97 of the 113
 *   Matrix specs' operations among them.
 * The catalog is written outside the project (`--out` in the system's temp folder), where no `zod` of the
 * project's resolves: `--verify` checks it against the `zod` the runtime lends there, as it does for a project
 * without one (before, it resolved `zod` from the project and failed with "Cannot find module 'zod'").
 */
const TREE = {
  "api/rooms/rooms.yaml": `openapi: 3.1.0
info: { title: Rooms, version: "1" }
servers: [{ url: https://rooms.example.com/_matrix }]
paths:
  /rooms/{roomId}/state:
    put:
      operationId: setState
      security: [{ accessToken: [] }]
      parameters:
        - { in: path, name: roomId, required: true, schema: { type: string } }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: ../../schemas/state.yaml }
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: object } } }
        "403":
          description: forbidden
          content: { application/json: { schema: { $ref: ../shared/errors/error.yaml } } }
  /rooms/{roomId}/members:
    get:
      operationId: members
      security: [{ appKey: [] }]
      parameters:
        - { in: path, name: roomId, required: true, schema: { type: string } }
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: object } } }
components:
  securitySchemes:
    accessToken:
      $ref: ../shared/security.yaml#/accessToken
    appKey:
      $ref: "#/components/x-schemes/appKey"
  x-schemes:
    appKey: { type: apiKey, in: query, name: app_key }
`,
  "api/shared/security.yaml": "accessToken:\n  type: http\n  scheme: bearer\n",
  "api/shared/errors/error.yaml": "type: object\nproperties:\n  errcode: { type: string }\n",
  "schemas/state.yaml": `type: object
required: [event_type]
properties:
  event_type: { type: string, enum: [m.room.name, m.room.topic] }
  content: { type: object }
`,
};

let dir: string;
let elsewhere: string;
let upstream: RecordingServer;
let served: Served;
const generate = (...args: string[]) =>
  spawnSync(
    process.execPath,
    // --out out unless the case gives its own (a flag given twice is a usage error).
    [
      BIN,
      "generate",
      "--openapi",
      "api/rooms/rooms.yaml",
      ...(args.includes("--out") ? [] : ["--out", "out"]),
      ...args,
    ],
    {
      cwd: dir,
      encoding: "utf8",
    },
  );

beforeAll(async () => {
  dir = writeTree("split-spec", TREE);
  elsewhere = mkdtempSync(join(tmpdir(), "tw-split-spec-"));
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, {}));
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
  rmSync(elsewhere, { recursive: true, force: true });
});

describe("a spec split over sibling folders", () => {
  it("is refused at the $ref's line, saying which --ref-folder allows it; nothing is written", () => {
    const r = generate();
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /api\/rooms\/rooms\.yaml:15:29 .*error TW191: \$ref target schemas\/state\.yaml is outside the folders this spec may read \(api\/rooms\); if the spec is split over sibling folders, allow them with --ref-folder \.\n/,
    );
    // The other sibling, under api/: the smallest folder holding both.
    expect(r.stderr).toContain("allow them with --ref-folder api\n");
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("--ref-folder goes with --openapi only", () => {
    const r = spawnSync(process.execPath, [BIN, "generate", "--ref-folder", "."], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--ref-folder goes with --openapi");
  });

  it("with --ref-folder generates, type-checks (written outside the project), and $ref'd security schemes are the schemes they name", async () => {
    const out = join(elsewhere, "rooms");
    const r = generate("--ref-folder", ".", "--verify", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("TW139");
    const doc = JSON.parse(readFileSync(join(out, "catalog.json"), "utf8"));
    const secrets = doc.env
      .filter((e: { secret?: boolean }) => e.secret)
      .map((e: { name: string }) => e.name);
    expect(secrets.sort()).toEqual(["ROOMS_API_KEY", "ROOMS_TOKEN"]);
    served = await serveOverStdio(out, {
      ROOMS_BASE_URL: upstream.url,
      ROOMS_TOKEN: "tok-1",
      ROOMS_API_KEY: "key-1",
    });
    const { tools } = await served.client.listTools();
    const setState = tools.find((t) => t.name === "set_state");
    // The body schema from ../../schemas/state.yaml.
    expect(JSON.stringify(setState?.inputSchema)).toContain('"enum":["m.room.name","m.room.topic"]');
    const put = await served.client.callTool({
      name: "set_state",
      arguments: { roomId: "!r:x", event_type: "m.room.name", content: { name: "n" } },
    });
    expect(put.isError, JSON.stringify(put.content)).toBeFalsy();
    const get = await served.client.callTool({ name: "members", arguments: { roomId: "!r:x" } });
    expect(get.isError, JSON.stringify(get.content)).toBeFalsy();
    const [sentPut, sentGet] = upstream.received;
    expect(`${sentPut?.method} ${sentPut?.url}`).toBe("PUT /rooms/%21r%3Ax/state");
    expect(sentPut?.headers.authorization).toBe("Bearer tok-1");
    expect(`${sentGet?.method} ${sentGet?.url}`).toBe("GET /rooms/%21r%3Ax/members?app_key=key-1");
    expect(sentGet?.headers.authorization).toBeUndefined();
  });

  it("init takes --ref-folder too, and its manifest lists the folder so generate reads the spec as init did", () => {
    const refused = spawnSync(
      process.execPath,
      [BIN, "init", "--openapi", "api/rooms/rooms.yaml", "--out", "m1/tools.yaml"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("allow them with --ref-folder");
    const init = spawnSync(
      process.execPath,
      [BIN, "init", "--openapi", "api/rooms/rooms.yaml", "--ref-folder", ".", "--out", "m2/rooms/tools.yaml"],
      { cwd: dir, encoding: "utf8" },
    );
    expect(init.status, init.stderr).toBe(0);
    const manifest = readFileSync(join(dir, "m2/rooms/tools.yaml"), "utf8");
    expect(manifest).toContain("openapi: ../../api/rooms/rooms.yaml");
    expect(manifest).toMatch(/ref_folders:\s*\n\s*- \.\.\/\.\.\n/);
    const gen = spawnSync(process.execPath, [BIN, "generate", "--specs", "m2", "--out", "m2out"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(gen.status, gen.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, "m2out/rooms/catalog.json"), "utf8"));
    expect(doc.tools.map((t: { name: string }) => t.name).sort()).toEqual(["members", "set_state"]);
    const graphql = spawnSync(
      process.execPath,
      [BIN, "init", "--graphql", "x.graphql", "--ref-folder", "."],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(graphql.status).toBe(2);
    expect(graphql.stderr).toContain("--ref-folder goes with an OpenAPI spec");
  });
});
