// Types of bad-inputs.js (plain JavaScript so that every runtime's conformance run reads the same table).
export declare const HOST: string;
export declare const GOOD: string;
export declare function badUrlRows(
  now: number,
  expires: number,
): [name: string, url: unknown, options: Record<string, unknown>, code: string][];
