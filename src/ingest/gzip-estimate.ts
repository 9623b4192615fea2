const WRAP = 2 ** 32;

/**
 * The uncompressed size of a .gz, estimated for progress. The trailer's ISIZE is exact mod
 * 2^32 for a single-member file; past 4 GiB it wraps, so once some of the file is read the
 * ratio so far picks the multiple of 2^32 to add; a trailer far below that ratio (a file of
 * several members) gives way to it. Never less than what was already read.
 */
export function estimateGunzipSize(isize: number, compressedSize: number, compressedRead = 0, decompressedRead = 0): number {
  const byRatio = compressedRead > 0 ? (decompressedRead / compressedRead) * compressedSize : undefined;
  if (isize < 0) return Math.max(byRatio ?? compressedSize, decompressedRead);
  // Logs compress at least 1:1: an ISIZE below the compressed size has wrapped at least once.
  const wraps = byRatio !== undefined ? Math.max(0, Math.round((byRatio - isize) / WRAP)) : isize < compressedSize ? Math.ceil((compressedSize - isize) / WRAP) : 0;
  const byTrailer = isize + wraps * WRAP;
  // Several gzip members one after another: the trailer holds only the last one's size.
  if (byRatio !== undefined && byTrailer < byRatio / 2) return Math.max(byRatio, decompressedRead);
  return Math.max(byTrailer, decompressedRead);
}
