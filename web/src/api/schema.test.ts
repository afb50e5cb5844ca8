// @vitest-environment node
/**
 * schema.d.ts must be what openapi-typescript makes of the committed openapi.json.
 * (A Python test checks that openapi.json matches the live server.)
 */
import { readFileSync } from "node:fs";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import { expect, it } from "vitest";

it("schema.d.ts is up to date with openapi.json (else: run npm run gen:api)", async () => {
  const spec = new URL("../../openapi.json", import.meta.url);
  const generated = `${COMMENT_HEADER}${astToString(await openapiTS(spec))}`;
  const committed = readFileSync(new URL("./schema.d.ts", import.meta.url), "utf8");
  expect(generated === committed, "src/api/schema.d.ts is stale: run `npm run gen:api`").toBe(true);
}, 30_000);
