/** A compression format logscope recognises but cannot read yet, and the command that decompresses it. */
export interface UnreadableCompression {
  name: string;
  /** Writes the decompressed bytes of a file to stdout. */
  decompress: string;
}

const UNREADABLE: ReadonlyArray<UnreadableCompression & { magic: readonly number[] }> = [
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], decompress: 'xz -dc' },
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68], decompress: 'bzip2 -dc' },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd], decompress: 'zstd -dc' },
  { name: 'lz4', magic: [0x04, 0x22, 0x4d, 0x18], decompress: 'lz4 -dc' },
  { name: 'zip', magic: [0x50, 0x4b, 0x03, 0x04], decompress: 'unzip -p' },
];

/** The unreadable compression format whose magic bytes `head` starts with, if any. */
export function detectUnreadableCompression(head: Uint8Array): UnreadableCompression | undefined {
  const found = UNREADABLE.find((c) => head.length >= c.magic.length && c.magic.every((b, i) => head[i] === b));
  return found === undefined ? undefined : { name: found.name, decompress: found.decompress };
}

/** The one-line refusal: what the data is and the pipe that ingests it today. */
export function describeUnreadable(compression: UnreadableCompression, file: string | undefined): string {
  const how = file === undefined ? `${compression.decompress} FILE | logscope ingest -` : `${compression.decompress} ${file} | logscope ingest - ...`;
  return `${compression.name}-compressed, which logscope cannot read yet; decompress it first (${how})`;
}
