// The two videojs parsers ship no type declarations; these are the parts the tests use.
declare module "m3u8-parser" {
  export class Parser {
    constructor(options?: { uri?: string; mainDefinitions?: Record<string, string> });
    push(chunk: string): void;
    end(): void;
    manifest: Record<string, unknown>;
  }
}
declare module "mpd-parser" {
  export function parse(
    text: string,
    options?: { manifestUri?: string },
  ): {
    playlists: {
      segments?: { resolvedUri: string; map?: { uri: string; resolvedUri: string }; duration: number }[];
      sidx?: { resolvedUri: string };
    }[];
    mediaGroups: unknown;
    locations?: string[];
  };
}
