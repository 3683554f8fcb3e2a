// Empties dist/ before tsc writes it, so a file whose source was deleted or renamed is
// never packed (tsc only adds and overwrites). Run by `npm run build:ts`.
import { rmSync } from "node:fs";

rmSync(new URL("../dist/", import.meta.url), { recursive: true, force: true });
