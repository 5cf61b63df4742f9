#!/usr/bin/env node
// The package ships TypeScript sources; tsx compiles them on the fly (and caches the result),
// so there is no build step between editing a manifest and serving the catalog.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
