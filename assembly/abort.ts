/**
 * Stands in for AssemblyScript's imported `env.abort` (asconfig.json "use"), so
 * the module imports nothing. Reached only by failed assertions in the debug
 * build; the release build has none (`noAssert`).
 */
export function abort(_message: usize, _file: usize, _line: u32, _column: u32): void {
  unreachable();
}
